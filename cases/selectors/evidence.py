"""Reads of a violation's evidence files."""

from django.http import Http404

from cases.models import Evidence, Violation


def evidence_get(*, violation: Violation, pk: int) -> Evidence:
    """The evidence file of ``violation`` (reached through violation_get_for_user), or
    404."""
    evidence = Evidence.objects.filter(violation=violation, pk=pk).first()
    if evidence is None:
        raise Http404
    return evidence
