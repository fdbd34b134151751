"""The case report (PDF, WeasyPrint) and the evidence bundle for a prosecutor (a zip of
the report, the case's documents and its violations' evidence, with a SHA-256
manifest), each a job kind run by the worker.

The job re-checks reach for its owner when it runs (need-to-know may have changed
since it was started: a person taken off a restricted case's team gets nothing), and
the report holds only what the owner may see. Each report is a consultation of the
case and is audited as such.
"""

import csv
import hashlib
import io
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.lib.link_chart_svg import ChartLink, ChartNode, link_chart_svg
from cases.models import Case
from cases.selectors.investigations import case_get_for_user
from cases.selectors.reports import (
    BundleFile,
    CaseReportData,
    case_bundle_files,
    case_report_data,
)
from cases.services.investigations import case_consult
from portal.job_kinds import JobParameter
from portal.models import JobLogLevel, User
from portal.services.jobs import JobContext, JobFailed

CHUNK = 1024 * 1024
PDF = "application/pdf"


class CaseReportParameters(forms.Form):
    case = forms.IntegerField(label=gettext_lazy("Case (its id)"), min_value=1)


def case_report_check(user: User, cleaned: dict[str, Any]) -> None:
    """The person starting a report must be able to open the case."""
    try:
        case_get_for_user(user=user, pk=cleaned["case"])
    except (Http404, PermissionDenied):
        raise ValidationError({"case": _("There is no such case within your reach.")}) from None


def case_report_describe(viewer: User, given: dict[str, Any]) -> list[JobParameter]:
    """The report's case by number and title with a link, for one who may open it;
    its bare id for anyone else (a restricted case is not even named)."""
    label = _("Case")
    try:
        case = case_get_for_user(user=viewer, pk=int(given["case"]))
    except (Http404, PermissionDenied, KeyError, ValueError, TypeError):
        return [JobParameter(label=label, value=_("a case outside your reach"))]
    return [JobParameter(label=label, value=str(case), url=case.get_absolute_url())]


def _case_for_owner(context: JobContext) -> Case:
    """The job's case, re-read within its owner's reach now."""
    try:
        return case_get_for_user(user=context.owner, pk=int(context.parameters["case"]))
    except (Http404, PermissionDenied, KeyError, ValueError, TypeError):
        raise JobFailed(_("There is no such case within your reach.")) from None


def _chart_svg(data: CaseReportData) -> str:
    nodes = [
        ChartNode(row.entity.pk, row.entity.label, row.entity.kind, row.kind_label)
        for row in data.entities
    ]
    links = [ChartLink(edge.source, edge.target, edge.label) for edge in data.relations]
    return link_chart_svg(nodes, links)


def case_report_pdf(
    *, data: CaseReportData, owner: User, manifest: dict[str, Any] | None = None
) -> bytes:
    """The report of ``data`` as PDF, in the active language."""
    from weasyprint import HTML  # loads Pango: only in the worker that renders

    html = render_to_string(
        "cases/reports/case_report.html",
        {
            "data": data,
            "case": data.case,
            "owner": owner,
            "generated_at": timezone.now(),
            "chart_svg": _chart_svg(data) if data.entities else "",
            "manifest": manifest,
            "language": translation.get_language() or "en",
        },
    )
    return bytes(HTML(string=html).write_pdf())


def _stamp() -> str:
    return timezone.now().strftime("%Y%m%d-%H%M%S")


def case_report_job(context: JobContext) -> None:
    """Job kind ``cases.case_report``: the case report as a PDF result."""
    context.progress(5, _("Checking access to the case"))
    case = _case_for_owner(context)
    context.log(_("Report of case %(number)s.") % {"number": case.number})
    context.progress(20, _("Reading the case"))
    data = case_report_data(user=context.owner, case=case)
    context.progress(50, _("Drawing the link chart and typesetting the report"))
    pdf = case_report_pdf(data=data, owner=context.owner)
    context.progress(90, _("Keeping the report"))
    context.add_result(name=f"{case.number}-report-{_stamp()}.pdf", content=pdf, content_type=PDF)
    case_consult(actor=context.owner, case=case, what="report")
    context.progress(100, _("The report is ready"))


def _copy_hashed(source: Any, target: Any) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    for chunk in iter(lambda: source.read(CHUNK), b""):
        digest.update(chunk)
        size += len(chunk)
        target.write(chunk)
    return digest.hexdigest(), size


MANIFEST_FIELDS = ["path", "sha256", "size", "source", "description", "recorded_sha256_matches"]


def _add_files(
    context: JobContext, bundle: zipfile.ZipFile, files: list[BundleFile]
) -> list[dict[str, Any]]:
    """Stream each file into the zip, hashing as it goes (never whole in memory)."""
    rows: list[dict[str, Any]] = []
    used: set[str] = set()
    for number, item in enumerate(files, start=1):
        arcname = item.arcname
        while arcname in used:  # two files of one name: keep both
            arcname = f"{Path(arcname).parent}/{number}-{Path(arcname).name}"
        used.add(arcname)
        try:
            with (
                default_storage.open(item.storage_name, "rb") as source,
                bundle.open(arcname, "w", force_zip64=True) as target,
            ):
                sha256, size = _copy_hashed(source, target)
        except FileNotFoundError:
            context.log(
                _("Missing from storage, left out: %(name)s") % {"name": arcname},
                JobLogLevel.ERROR,
            )
            continue
        matches = sha256 == item.recorded_sha256
        if not matches:
            context.log(
                _("The file differs from the one received (SHA-256): %(name)s") % {"name": arcname},
                JobLogLevel.ERROR,
            )
        rows.append(
            {
                "path": arcname,
                "sha256": sha256,
                "size": size,
                "source": item.source,
                "description": item.description,
                "recorded_sha256_matches": "yes" if matches else "NO",
            }
        )
        context.progress(
            10 + 60 * number / len(files),
            _("%(done)d of %(total)d files") % {"done": number, "total": len(files)},
        )
    return rows


def _manifest_csv(rows: list[dict[str, Any]]) -> bytes:
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=MANIFEST_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return text.getvalue().encode("utf-8")


def case_bundle_job(context: JobContext) -> None:
    """Job kind ``cases.evidence_bundle``: a zip for a prosecutor with the report, every
    document and evidence file the owner may see, ``manifest.csv`` (each file's SHA-256)
    and ``SHA256SUMS`` (the manifest's and the report's). The report states the
    manifest's hash, so that the printed report vouches for the files."""
    context.progress(2, _("Checking access to the case"))
    case = _case_for_owner(context)
    files = case_bundle_files(user=context.owner, case=case)
    context.log(
        _("Evidence bundle of case %(number)s: %(count)d files.")
        % {"number": case.number, "count": len(files)}
    )
    context.progress(5, _("Collecting the files"))
    with tempfile.TemporaryDirectory(prefix="bundle-") as folder:
        zip_path = Path(folder) / "bundle.zip"
        with zipfile.ZipFile(zip_path, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
            rows = _add_files(context, bundle, files)
            manifest = _manifest_csv(rows)
            manifest_sha256 = hashlib.sha256(manifest).hexdigest()
            bundle.writestr("manifest.csv", manifest)
            context.progress(75, _("Typesetting the report"))
            data = case_report_data(user=context.owner, case=case)
            pdf = case_report_pdf(
                data=data,
                owner=context.owner,
                manifest={"sha256": manifest_sha256, "rows": rows},
            )
            bundle.writestr("report.pdf", pdf)
            sums = (
                f"{manifest_sha256}  manifest.csv\n{hashlib.sha256(pdf).hexdigest()}  report.pdf\n"
            )
            bundle.writestr("SHA256SUMS", sums)
        context.progress(90, _("Keeping the bundle"))
        context.add_result_file(
            name=f"{case.number}-evidence-{_stamp()}.zip",
            path=zip_path,
            content_type="application/zip",
        )
    case_consult(actor=context.owner, case=case, what="evidence bundle")
    context.log(_("Manifest SHA-256: %(sha)s") % {"sha": manifest_sha256})
    context.progress(100, _("The evidence bundle is ready"))
