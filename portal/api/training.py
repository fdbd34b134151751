"""Training through the API: courses and sessions (read), enrolment, certificates,
their verification and revocation, and the signed-in person's own record. The same
selectors and services as the pages, hence the same rules and messages."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api.helpers import ERRORS, as_drf_error, request_user
from portal.api.permissions import Authenticated, require_perms, require_perms_or
from portal.models import Certificate, Course, Enrolment, TrainingSession, User
from portal.selectors import training as selectors
from portal.selectors.training import is_unit_head
from portal.services import certificates
from portal.services import training as services


class CourseSerializer(serializers.ModelSerializer):
    prerequisites: serializers.Field = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )

    class Meta:
        model = Course
        fields = [
            "id",
            "code",
            "title",
            "description",
            "qualifies_role",
            "qualifies_area",
            "validity_months",
            "prerequisites",
            "is_active",
        ]


class SessionSerializer(serializers.ModelSerializer):
    course: serializers.Field = serializers.SlugRelatedField(slug_field="code", read_only=True)
    enrolled = serializers.IntegerField(source="enrolled_count", read_only=True)
    waiting = serializers.IntegerField(source="waiting_count", read_only=True)

    class Meta:
        model = TrainingSession
        fields = [
            "id",
            "course",
            "starts_on",
            "ends_on",
            "trainer",
            "place",
            "capacity",
            "enrolled",
            "waiting",
        ]


class EnrolmentSerializer(serializers.ModelSerializer):
    person: serializers.Field = serializers.SlugRelatedField(slug_field="username", read_only=True)
    certificate = serializers.SerializerMethodField()

    class Meta:
        model = Enrolment
        fields = [
            "id",
            "session",
            "person",
            "status",
            "attended",
            "result",
            "score",
            "enrolled_at",
            "certificate",
        ]

    def get_certificate(self, enrolment: Enrolment) -> str | None:
        certificate = getattr(enrolment, "certificate", None)
        return certificate.code if certificate is not None else None


class SessionDetailSerializer(SessionSerializer):
    enrolments = serializers.SerializerMethodField()

    class Meta(SessionSerializer.Meta):
        fields = [*SessionSerializer.Meta.fields, "notes", "enrolments"]

    def get_enrolments(self, session: TrainingSession) -> list[dict[str, Any]]:
        rows = selectors.session_enrolments_for_user(user=self.context["user"], session=session)
        return EnrolmentSerializer(rows, many=True).data  # type: ignore[return-value]


class CertificateSerializer(serializers.ModelSerializer):
    person: serializers.Field = serializers.SlugRelatedField(slug_field="username", read_only=True)
    course: serializers.Field = serializers.SlugRelatedField(slug_field="code", read_only=True)
    status = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = [
            "id",
            "code",
            "person",
            "course",
            "issued_on",
            "expires_on",
            "status",
            "revoked_at",
            "revoke_reason",
        ]

    def get_status(self, certificate: Certificate) -> str:
        return str(certificate.status_on(selectors.local_today()))


class EnrolSerializer(serializers.Serializer):
    person = serializers.IntegerField(help_text="The id of the person to enrol.")


class RevokeSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class VerifyQuerySerializer(serializers.Serializer):
    code = serializers.CharField(max_length=40)


class VerificationSerializer(serializers.Serializer):
    code = serializers.CharField()
    answer = serializers.ChoiceField(choices=["valid", "expired", "revoked", "unknown"])
    certificate = CertificateSerializer(allow_null=True)


class CourseList(GenericAPIView):
    permission_classes = [require_perms("portal.view_course")]
    queryset = Course.objects.none()  # for the schema only: rows come from the selector
    serializer_class = CourseSerializer

    @extend_schema(responses={200: CourseSerializer(many=True), **ERRORS})
    def get(self, request: Request) -> Response:
        courses = selectors.course_list_for_user(user=request_user(request)).prefetch_related(
            "prerequisites"
        )
        page = list(self.paginate_queryset(courses) or [])
        return self.get_paginated_response(CourseSerializer(page, many=True).data)


class CourseDetail(APIView):
    permission_classes = [require_perms("portal.view_course")]

    @extend_schema(responses={200: CourseSerializer, **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        return Response(
            CourseSerializer(selectors.course_get_for_user(user=request_user(request), pk=pk)).data
        )


class SessionList(GenericAPIView):
    """Administrators and heads of unit (who enrol their people)."""

    permission_classes = [require_perms_or("portal.view_trainingsession", alternative=is_unit_head)]
    queryset = TrainingSession.objects.none()  # for the schema only
    serializer_class = SessionSerializer

    @extend_schema(responses={200: SessionSerializer(many=True), **ERRORS})
    def get(self, request: Request) -> Response:
        sessions = selectors.session_list_for_user(user=request_user(request))
        page = list(self.paginate_queryset(sessions) or [])
        return self.get_paginated_response(SessionSerializer(page, many=True).data)


class SessionDetail(APIView):
    """The session and the enrolments the caller may see (a head: their own people)."""

    permission_classes = [require_perms_or("portal.view_trainingsession", alternative=is_unit_head)]

    @extend_schema(responses={200: SessionDetailSerializer, **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        session = selectors.session_get_for_user(user=user, pk=pk)
        return Response(SessionDetailSerializer(session, context={"user": user}).data)


class SessionEnrol(APIView):
    """Enrol a person: a place if one is free, else the waiting list (``status``)."""

    permission_classes = [
        require_perms_or(
            "portal.view_trainingsession", "portal.add_enrolment", alternative=is_unit_head
        )
    ]

    @extend_schema(request=EnrolSerializer, responses={201: EnrolmentSerializer, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        session = selectors.session_get_for_user(user=user, pk=pk)
        payload = EnrolSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        person = (
            selectors.people_enrolable_by(user=user)
            .filter(pk=payload.validated_data["person"])
            .first()
        )
        if person is None:
            raise serializers.ValidationError({"person": [_no_such_person()]})
        try:
            enrolment = services.enrolment_create(actor=user, session=session, person=person)
        except DjangoValidationError as error:
            raise as_drf_error(error) from error
        return Response(EnrolmentSerializer(enrolment).data, status=status.HTTP_201_CREATED)


def _no_such_person() -> str:
    from django.utils.translation import gettext

    return gettext("There is no such active person you may enrol.")


class CertificateList(GenericAPIView):
    permission_classes = [require_perms("portal.view_certificate")]
    queryset = Certificate.objects.none()  # for the schema only
    serializer_class = CertificateSerializer

    @extend_schema(responses={200: CertificateSerializer(many=True), **ERRORS})
    def get(self, request: Request) -> Response:
        certificates = selectors.certificate_list_for_user(user=request_user(request))
        page = list(self.paginate_queryset(certificates) or [])
        return self.get_paginated_response(CertificateSerializer(page, many=True).data)


class CertificateDetail(APIView):
    """The holder, those who see certificates, and the holder's head of unit (404 else)."""

    permission_classes = [Authenticated]

    @extend_schema(responses={200: CertificateSerializer, **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        certificate = selectors.certificate_get_for_user(user=request_user(request), pk=pk)
        return Response(CertificateSerializer(certificate).data)


class CertificateRevoke(APIView):
    permission_classes = [require_perms("portal.view_certificate", "portal.revoke_certificate")]

    @extend_schema(request=RevokeSerializer, responses={200: CertificateSerializer, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        user = request_user(request)
        certificate = selectors.certificate_get_for_user(user=user, pk=pk)
        payload = RevokeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            certificate = certificates.certificate_revoke(
                actor=user, certificate=certificate, reason=payload.validated_data["reason"]
            )
        except DjangoValidationError as error:
            raise as_drf_error(error) from error
        return Response(CertificateSerializer(certificate).data)


class CertificateVerify(APIView):
    """Anyone signed in: what a code stands for today (valid, expired, revoked, unknown).
    Every check is audited."""

    permission_classes = [Authenticated]

    @extend_schema(
        parameters=[VerifyQuerySerializer], responses={200: VerificationSerializer, **ERRORS}
    )
    def get(self, request: Request) -> Response:
        query = VerifyQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        verification = certificates.certificate_verify(
            actor=request_user(request), code=query.validated_data["code"]
        )
        return Response(
            {
                "code": verification.code,
                "answer": verification.answer,
                "certificate": CertificateSerializer(verification.certificate).data
                if verification.certificate is not None
                else None,
            }
        )


class MyTrainingRecord(APIView):
    """The signed-in person's certificates and enrolments."""

    permission_classes = [Authenticated]

    @extend_schema(responses={200: dict, **ERRORS})
    def get(self, request: Request) -> Response:
        user: User = request_user(request)
        record = selectors.training_record_for_user(user=user, subject=user)
        return Response(
            {
                "certificates": CertificateSerializer(record.certificates, many=True).data,
                "enrolments": EnrolmentSerializer(record.enrolments, many=True).data,
            }
        )
