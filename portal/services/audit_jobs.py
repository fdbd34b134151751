"""The audit trail's job kind: verify the chain and its anchors (what ``manage.py
verify_audit`` does) from the portal, with progress, and keep the report."""

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.lib.audit_chain import AuditKeyMissing
from portal.models import AuditRecord, JobLogLevel
from portal.selectors.audit_anchors import TrailVerification, audit_trail_verify
from portal.services.jobs import JobContext, JobFailed

# Small enough batches that the progress bar moves on a trail of a few thousand records.
VERIFY_BATCH = 1000


def _report(verification: TrailVerification, total: int) -> str:
    walk = verification.walk
    lines = [
        _("Audit trail verification"),
        "",
        _("Database: %(name)s") % {"name": connection.settings_dict["NAME"]},
        _("Verified at: %(time)s UTC") % {"time": timezone.now().strftime("%Y-%m-%d %H:%M:%S")},
        _("Records in the trail: %(count)d") % {"count": total},
        _("Records verified: %(count)d") % {"count": walk.checked},
        _("Written before the audit key (plain SHA-256): %(count)d") % {"count": walk.unkeyed},
    ]
    if verification.anchor_file_found:
        lines.append(_("Anchors verified: %(count)d") % {"count": verification.anchors})
    else:
        lines.append(
            _(
                "No anchor file yet: the removal of the newest records cannot be detected "
                "until the first anchor is written."
            )
        )
    lines.append("")
    if verification.problems:
        lines.append(
            _("Result: PROBLEMS FOUND (%(count)d)") % {"count": len(verification.problems)}
        )
        lines.extend(f"- {problem}" for problem in verification.problems)
    else:
        lines.append(_("Result: the audit chain is intact."))
    return "\n".join(lines) + "\n"


def audit_chain_verify_job(context: JobContext) -> None:
    """Walk the chain with progress, check the anchors, and keep a text report. Problems
    found are the job's result (it succeeds and says so), not a failure of the job."""
    total = AuditRecord.objects.count()
    context.log(_("Verifying %(count)d audit records.") % {"count": total})
    context.progress(0, _("Verifying the chain of records"))

    def on_batch(checked: int) -> None:
        # The last tenth is for the anchors and the report.
        percent = 90 * checked / total if total else 90
        context.progress(
            percent, _("%(checked)d of %(total)d records") % {"checked": checked, "total": total}
        )

    try:
        verification = audit_trail_verify(batch_size=VERIFY_BATCH, on_batch=on_batch)
    except AuditKeyMissing as error:
        raise JobFailed(_("Cannot verify the audit trail: %(error)s") % {"error": error}) from error
    context.progress(95, _("Writing the report"))
    for problem in verification.problems:
        context.log(problem, JobLogLevel.ERROR)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    context.add_result(
        name=f"audit-verification-{stamp}.txt",
        content=_report(verification, total).encode("utf-8"),
        content_type="text/plain; charset=utf-8",
    )
    if verification.problems:
        context.log(
            _("Problems found: %(count)d.") % {"count": len(verification.problems)},
            JobLogLevel.ERROR,
        )
        context.progress(
            100, _("Problems found: %(count)d") % {"count": len(verification.problems)}
        )
    else:
        context.log(_("The audit chain is intact."))
        context.progress(100, _("The audit chain is intact"))
