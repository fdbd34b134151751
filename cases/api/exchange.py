"""A verified violation's exchange records (CEN non-nominal and nominal)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from cases.selectors.violations import violation_get_for_user
from cases.services.exchange import violation_exchange_record
from portal.api.helpers import ERRORS, as_drf_error, request_user
from portal.api.permissions import require_perms


class ViolationExchangeRecord(GenericAPIView):
    """The non-nominal (CEN) or nominal record of a verified violation."""

    permission_classes = [require_perms("cases.view_violation", "cases.export_violation")]

    @extend_schema(request=None, responses={200: dict, **ERRORS})
    def get(self, request: Request, pk: int, kind: str) -> Response:
        violation = violation_get_for_user(user=request_user(request), pk=pk)
        try:
            record = violation_exchange_record(
                actor=request_user(request), violation=violation, kind=kind
            )
        except DjangoValidationError as error:
            raise as_drf_error(error) from error
        return Response({"record": record.content, "omitted": record.omitted})
