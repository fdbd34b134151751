"""Reads of the accounts sub-domain: API tokens."""

from django.db.models import QuerySet
from django.http import Http404

from portal.models import ApiToken, User, api_token_digest


def api_token_get_by_key(*, key: str) -> ApiToken | None:
    """The token whose key is ``key`` (compared by digest), with its user; None if none."""
    return ApiToken.objects.select_related("user").filter(key_digest=api_token_digest(key)).first()


def api_token_list_for_subject(*, subject: User) -> QuerySet[ApiToken]:
    """The tokens of ``subject``, newest first. The caller has reached ``subject`` through
    its accessor (the person themselves, or ``user_get_for_user`` for administrators)."""
    return ApiToken.objects.filter(user=subject).only(
        "pk", "user_id", "name", "created", "last_used", "expires"
    )


def api_token_get_for_subject(*, subject: User, pk: object) -> ApiToken:
    """One token of ``subject``; 404 for anyone else's or a malformed id."""
    try:
        return ApiToken.objects.get(user=subject, pk=int(str(pk)))
    except (ApiToken.DoesNotExist, ValueError) as error:
        raise Http404 from error
