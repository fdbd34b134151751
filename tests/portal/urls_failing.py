"""The project's URLs plus two views that fail, for the error-answer tests (a URLconf
override: no failing view is ever part of the real site)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.urls import handler400, handler403, handler404, handler500, urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


class FailingEndpoint(APIView):
    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        raise RuntimeError("a bug inside the API")


def failing_page(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug inside a page")


urlpatterns = [
    *urlpatterns,
    path("api/v1/failing/", FailingEndpoint.as_view()),
    path("failing/", failing_page),
]
