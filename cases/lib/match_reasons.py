"""The reasons of a proposed match (cases/lib/matching.py) as sentences in the active
language."""

from typing import Any

from django.utils.translation import gettext as _

from cases.lib.ftm_labels import gettext_ftm


def reason_text(reason: dict[str, Any], *, labels: tuple[str, str] | None = None) -> str:
    """The reason as a sentence. With ``labels`` (the two entities' names as shown next
    to it), a name reason about exactly those names does not repeat them."""
    code = reason.get("code", "")
    params = {key: str(value) for key, value in (reason.get("params") or {}).items()}
    shown = labels is not None and {params.get("left"), params.get("right")} == set(labels)
    if code == "name_transliterated" and shown:
        return _("Names alike once written in Latin letters (%(similarity)s%%).") % params
    if code == "name" and shown:
        return _("Names alike (%(similarity)s%%).") % params
    if code == "name_transliterated":
        return (
            _(
                "Names alike once written in Latin letters: “%(left)s” and “%(right)s” "
                "(%(similarity)s%%)."
            )
            % params
        )
    if code == "name":
        return _("Names alike: “%(left)s” and “%(right)s” (%(similarity)s%%).") % params
    if code == "identifier":
        return _("Same identifier: %(value)s.") % params
    if code == "birth_date":
        return _("Same date of birth: %(date)s.") % params
    if code == "birth_date_differs":
        return _("Different dates of birth: %(left)s and %(right)s.") % params
    if code == "nationality_differs":
        return _("Different nationality: %(left)s and %(right)s.") % params
    return gettext_ftm(code)  # an unknown code: shown as it is
