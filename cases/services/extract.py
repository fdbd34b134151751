"""The case extract for exchange with another agency: the case's entities and the
relations between them as FtM, with what must not leave the service left out, in a zip
with a manifest and SHA-256 hashes, built by a job.

What is left out is decided in one place (``extract_plan``) for the preview page and
for the job alike, so that the preview shows exactly what the bundle leaves out:

- the policy (``SENSITIVE_PROPERTIES``, documented in docs/entities.md): personal
  identification numbers, birth dates, our internal notes and provenance;
- what the analyst marks on the preview: a whole entity, or one property of one entity;
- relations whose other end is left out (or outside the extract).

Only the entities linked to the case that the owner may see themselves are read
(need-to-know, entity_scope_for_user), and the job re-reads the case within its
owner's reach when it runs.
"""

import hashlib
import json
import tempfile
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from followthemoney.schema import Schema

from cases.lib.ftm import schema_get
from cases.lib.ftm_labels import gettext_ftm
from cases.models import AssistanceRequest, Case, CaseRole, Entity, Relation
from cases.selectors.entities import entity_scope_for_user
from cases.selectors.investigations import case_get_for_user, case_role_of
from cases.services.ftm import relation_record
from portal.job_kinds import JobParameter
from portal.models import AuditAction, User
from portal.services.audit import audit_record
from portal.services.jobs import JobContext, JobFailed

# The reasons a thing is left out, as stored in the manifest (stable codes).
REASON_PERSONAL_ID = "policy-personal-identifier"
REASON_BIRTH = "policy-birth-date"
REASON_NOTES = "policy-internal-notes"
REASON_PROVENANCE = "policy-provenance"
REASON_MARKED_ENTITY = "marked-entity"
REASON_MARKED_PROPERTY = "marked-property"
REASON_RELATION_END = "relation-end-left-out"


def reason_text(code: str) -> str:
    """A reason in words, in the active language."""
    texts = {
        REASON_PERSONAL_ID: _("A personal identification number never leaves the service."),
        REASON_BIRTH: _("A date or place of birth never leaves the service."),
        REASON_NOTES: _("Our internal notes never leave the service."),
        REASON_PROVENANCE: _("Where and from whom we learned it never leaves the service."),
        REASON_MARKED_ENTITY: _("You marked this entity to be left out."),
        REASON_MARKED_PROPERTY: _("You marked this property to be left out."),
        REASON_RELATION_END: _("One of its ends is left out or not in the extract."),
    }
    return texts.get(code, code)


# The policy: (the schema a rule applies to, with its descendants; properties; reason).
# docs/entities.md gives the reason for each.
SENSITIVE_PROPERTIES: list[tuple[str, tuple[str, ...], str]] = [
    (
        "Person",
        ("idNumber", "passportNumber", "socialSecurityNumber", "taxNumber", "innCode"),
        REASON_PERSONAL_ID,
    ),
    ("Person", ("birthDate", "birthPlace"), REASON_BIRTH),
    ("Identification", ("number", "passportNumber", "personalNumber"), REASON_PERSONAL_ID),
    ("Passport", ("birthDate", "birthPlace"), REASON_BIRTH),
    ("Thing", ("notes", "summary"), REASON_NOTES),
    ("Interval", ("notes", "summary"), REASON_NOTES),
    (
        "Thing",
        ("publisher", "publisherUrl", "sourceUrl", "retrievedAt", "recordId"),
        REASON_PROVENANCE,
    ),
    (
        "Interval",
        ("publisher", "publisherUrl", "sourceUrl", "retrievedAt", "recordId"),
        REASON_PROVENANCE,
    ),
]


def policy_reason(schema: Schema | None, prop: str) -> str:
    """The policy's reason to leave ``prop`` of ``schema`` out; "" when it may go."""
    if schema is None:
        return ""
    for base, props, reason in SENSITIVE_PROPERTIES:
        if prop in props and schema.is_a(base):
            return reason
    return ""


def masked(value: str) -> str:
    """A value shown partly, enough to recognise it without reading it: its first two
    and last character of longer values, dots for the rest."""
    text = str(value)
    if len(text) <= 4:
        return "•" * len(text)
    return text[:2] + "•" * (len(text) - 3) + text[-1]


@dataclass(frozen=True)
class LeftOut:
    """One thing left out of an extract, for the preview and the manifest's counts."""

    entity_label: str
    kind_label: str
    property_label: str  # "" for a whole entity or relation
    values: str  # masked
    reason: str  # a REASON_ code

    @property
    def reason_text(self) -> str:
        return reason_text(self.reason)


@dataclass(frozen=True)
class PropertyRow:
    name: str
    label: str
    values: str
    key: str  # "<entity id>:<property>", the preview's checkbox value
    marked: bool


@dataclass(frozen=True)
class EntityRow:
    entity: Entity
    kind_label: str
    marked: bool
    properties: list[PropertyRow]


@dataclass
class ExtractPlan:
    """What goes (entities, relations as FtM records) and what is left out."""

    case: Case
    rows: list[EntityRow] = field(default_factory=list)
    records: list[dict[str, Any]] = field(default_factory=list)
    relation_records: list[dict[str, Any]] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)

    def counts_per_reason(self) -> dict[str, int]:
        return dict(sorted(Counter(item.reason for item in self.left_out).items()))


def _schema_label(kind: str) -> str:
    schema = schema_get(kind)
    return gettext_ftm(schema.label) if schema is not None else kind


def _property_label(schema: Schema | None, name: str) -> str:
    if schema is not None and name in schema.properties:
        return gettext_ftm(schema.properties[name].label)
    return name


def _values_text(values: Any) -> str:
    items = values if isinstance(values, list) else [values]
    return ", ".join(str(item) for item in items)


def _masked_values(values: Any) -> str:
    items = values if isinstance(values, list) else [values]
    return ", ".join(masked(str(item)) for item in items)


def extract_entities_for_user(*, user: User, case: Case) -> list[Entity]:
    """The case's entities ``user`` may see (need-to-know), merged ones left out."""
    linked = case.entity_links.values_list("entity_id", flat=True)
    return list(
        entity_scope_for_user(user=user)
        .filter(pk__in=linked, merged_into__isnull=True)
        .order_by("kind", "label", "pk")
    )


def _entity_plan(
    plan: ExtractPlan, entity: Entity, marked_properties: set[str]
) -> tuple[EntityRow, dict[str, Any]]:
    schema = schema_get(entity.kind)
    kind_label = _schema_label(entity.kind)
    kept: dict[str, list[str]] = {}
    shown: list[PropertyRow] = []
    for name, values in sorted((entity.properties or {}).items()):
        if not values:
            continue
        key = f"{entity.pk}:{name}"
        label = _property_label(schema, name)
        policy = policy_reason(schema, name)
        if policy:  # the policy's: always left out, not offered as a choice
            plan.left_out.append(
                LeftOut(entity.label, kind_label, label, _masked_values(values), policy)
            )
            continue
        is_marked = key in marked_properties
        if is_marked:
            plan.left_out.append(
                LeftOut(
                    entity.label,
                    kind_label,
                    label,
                    _masked_values(values),
                    REASON_MARKED_PROPERTY,
                )
            )
        else:
            kept[name] = (
                [str(value) for value in values] if isinstance(values, list) else [str(values)]
            )
        shown.append(PropertyRow(name, label, _values_text(values)[:300], key, is_marked))
    record = {"id": entity.export_id, "schema": entity.kind, "properties": kept}
    return EntityRow(entity, kind_label, False, shown), record


def extract_plan(
    *,
    user: User,
    case: Case,
    marked_entities: set[int] | None = None,
    marked_properties: set[str] | None = None,
) -> ExtractPlan:
    """What an extract of ``case`` by ``user`` holds and leaves out (see the module's
    docstring). ``marked_entities`` are entity ids, ``marked_properties`` are
    "<entity id>:<property>" keys, both marked on the preview."""
    marked_entities = marked_entities or set()
    marked_properties = marked_properties or set()
    plan = ExtractPlan(case=case)
    kept_ids: dict[int, str] = {}
    for entity in extract_entities_for_user(user=user, case=case):
        if entity.pk in marked_entities:
            kind_label = _schema_label(entity.kind)
            plan.left_out.append(LeftOut(entity.label, kind_label, "", "", REASON_MARKED_ENTITY))
            plan.rows.append(EntityRow(entity, kind_label, True, []))
            continue
        row, record = _entity_plan(plan, entity, marked_properties)
        plan.rows.append(row)
        plan.records.append(record)
        kept_ids[entity.pk] = entity.export_id
    linked = [row.entity.pk for row in plan.rows]
    relations = (
        Relation.objects.filter(source_id__in=linked, target_id__in=linked)
        .select_related("source", "target")
        .order_by("pk")
    )
    for relation in relations:
        _relation_plan(plan, relation, kept_ids)
    return plan


def _relation_plan(plan: ExtractPlan, relation: Relation, kept_ids: dict[int, str]) -> None:
    record = relation_record(relation)
    if record is None:
        return  # a link the portal keeps as a property (FtM has no edge for it)
    schema = schema_get(relation.kind)
    if relation.source_id not in kept_ids or relation.target_id not in kept_ids:
        plan.left_out.append(
            LeftOut(
                f"{relation.source.label} → {relation.target.label}",
                _schema_label(relation.kind),
                "",
                "",
                REASON_RELATION_END,
            )
        )
        return
    properties: dict[str, list[str]] = {}
    for name, values in record["properties"].items():
        reason = policy_reason(schema, name)
        if reason:
            plan.left_out.append(
                LeftOut(
                    f"{relation.source.label} → {relation.target.label}",
                    _schema_label(relation.kind),
                    _property_label(schema, name),
                    _masked_values(values),
                    reason,
                )
            )
            continue
        properties[name] = [str(value) for value in values]
    plan.relation_records.append(
        {"id": record["id"], "schema": record["schema"], "properties": properties}
    )


# Access -------------------------------------------------------------------------------


def extract_may_start(*, user: User, case: Case) -> bool:
    """An extract leaves the service: an analyst on the case's team (or its lead) or an
    administrator, holding ``cases.export_case``."""
    if not user.has_perm("cases.export_case"):
        return False
    if user.has_perm("cases.view_all_cases"):
        return True
    return case_role_of(user=user, case=case) in {CaseRole.LEAD, CaseRole.ANALYST}


def extract_case_get(*, user: User, pk: int) -> Case:
    """The case to extract, within ``user``'s reach (404) and theirs to extract (403)."""
    case = case_get_for_user(user=user, pk=pk)
    if not extract_may_start(user=user, case=case):
        raise PermissionDenied
    return case


# The job ------------------------------------------------------------------------------


def _id_list(text: str) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


class CaseExtractParameters(forms.Form):
    case = forms.IntegerField(label=gettext_lazy("Case (its id)"), min_value=1)
    agency = forms.CharField(label=gettext_lazy("Receiving agency"), max_length=200)
    assistance_request = forms.IntegerField(
        label=gettext_lazy("Mutual assistance request"), required=False, min_value=1
    )
    documents = forms.BooleanField(
        label=gettext_lazy("Include the case's documents"), required=False
    )
    # Marked on the preview page; the policy's fields are left out whatever these say.
    leave_out_entities = forms.CharField(
        label=gettext_lazy("Entities to leave out (their ids, separated by commas)"),
        required=False,
        max_length=20_000,
    )
    leave_out_properties = forms.CharField(
        label=gettext_lazy("Properties to leave out (entity id:property, separated by commas)"),
        required=False,
        max_length=50_000,
    )

    def clean_agency(self) -> str:
        agency = " ".join(self.cleaned_data["agency"].split())
        if not agency:
            raise ValidationError(_("Name the receiving agency."))
        return agency

    def clean_leave_out_entities(self) -> str:
        ids = _id_list(self.cleaned_data.get("leave_out_entities") or "")
        if not all(part.isdigit() for part in ids):
            raise ValidationError(_("The entities to leave out are not a list of ids."))
        return ",".join(ids)

    def clean_leave_out_properties(self) -> str:
        keys = _id_list(self.cleaned_data.get("leave_out_properties") or "")
        for key in keys:
            entity_id, _colon, prop = key.partition(":")
            if not entity_id.isdigit() or not prop.isidentifier():
                raise ValidationError(_("The properties to leave out are not understood."))
        return ",".join(keys)


def case_extract_check(user: User, cleaned: dict[str, Any]) -> None:
    """The person starting an extract must be able to open the case and extract it; the
    request named must be the case's."""
    try:
        case = case_get_for_user(user=user, pk=cleaned["case"])
    except (Http404, PermissionDenied):
        raise ValidationError({"case": _("There is no such case within your reach.")}) from None
    if not extract_may_start(user=user, case=case):
        raise ValidationError(
            {"case": _("Only an analyst on the case's team or an administrator extracts it.")}
        )
    request_id = cleaned.get("assistance_request")
    if request_id and not case.assistance_requests.filter(pk=request_id).exists():
        raise ValidationError(
            {"assistance_request": _("Choose a mutual assistance request of this case.")}
        )


def case_extract_describe(viewer: User, given: dict[str, Any]) -> list[JobParameter]:
    label = _("Case")
    try:
        case = case_get_for_user(user=viewer, pk=int(given["case"]))
    except (Http404, PermissionDenied, KeyError, ValueError, TypeError):
        return [JobParameter(label=label, value=_("a case outside your reach"))]
    described = [
        JobParameter(label=label, value=str(case), url=case.get_absolute_url()),
        JobParameter(label=_("Receiving agency"), value=str(given.get("agency", ""))),
    ]
    if given.get("documents"):
        described.append(JobParameter(label=_("Documents"), value=_("included")))
    return described


def _marks(parameters: dict[str, Any]) -> tuple[set[int], set[str]]:
    entities = {int(part) for part in _id_list(parameters.get("leave_out_entities", ""))}
    properties = set(_id_list(parameters.get("leave_out_properties", "")))
    return entities, properties


def _request_reference(case: Case, request_id: Any) -> dict[str, Any] | None:
    if not request_id:
        return None
    request = AssistanceRequest.objects.filter(case=case, pk=request_id).first()
    if request is None:
        return None
    return {
        "our_id": request.pk,
        "their_reference": request.their_reference,
        "agency": request.agency_name or request.get_agency_display(),
    }


def _write_hashed(bundle: zipfile.ZipFile, name: str, content: bytes) -> dict[str, Any]:
    bundle.writestr(name, content)
    return {"path": name, "sha256": hashlib.sha256(content).hexdigest(), "size": len(content)}


def _add_documents(
    context: JobContext, bundle: zipfile.ZipFile, case: Case
) -> list[dict[str, Any]]:
    files: list[dict[str, Any]] = []
    used: set[str] = set()
    documents = list(case.documents.order_by("pk"))
    for number, document in enumerate(documents, start=1):
        name = Path(document.original_name).name or f"document-{document.pk}"
        arcname = f"documents/{name}"
        if arcname in used:
            arcname = f"documents/{number}-{name}"
        used.add(arcname)
        digest = hashlib.sha256()
        size = 0
        try:
            with (
                default_storage.open(document.file.name, "rb") as source,
                bundle.open(arcname, "w", force_zip64=True) as target,
            ):
                for chunk in iter(lambda: source.read(1024 * 1024), b""):
                    digest.update(chunk)
                    size += len(chunk)
                    target.write(chunk)
        except FileNotFoundError:
            context.log(_("Missing from storage, left out: %(name)s") % {"name": arcname})
            continue
        files.append({"path": arcname, "sha256": digest.hexdigest(), "size": size})
        context.progress(
            40 + 40 * number / len(documents),
            _("%(done)d of %(total)d documents") % {"done": number, "total": len(documents)},
        )
    return files


def case_extract_job(context: JobContext) -> None:
    """Job kind ``cases.case_extract``: the zip of ``entities.ftm.jsonl``, the documents
    when chosen, ``manifest.json`` and ``SHA256SUMS``."""
    context.progress(2, _("Checking access to the case"))
    parameters = context.parameters
    try:
        case = extract_case_get(user=context.owner, pk=int(parameters["case"]))
    except (Http404, PermissionDenied, KeyError, ValueError, TypeError):
        raise JobFailed(_("There is no such case within your reach.")) from None
    marked_entities, marked_properties = _marks(parameters)
    context.progress(10, _("Reading the case's entities and relations"))
    plan = extract_plan(
        user=context.owner,
        case=case,
        marked_entities=marked_entities,
        marked_properties=marked_properties,
    )
    lines = [json.dumps(r, ensure_ascii=False, sort_keys=True) for r in plan.records]
    lines += [json.dumps(r, ensure_ascii=False, sort_keys=True) for r in plan.relation_records]
    stamp = timezone.now()
    with tempfile.TemporaryDirectory(prefix="extract-") as folder:
        zip_path = Path(folder) / "extract.zip"
        with zipfile.ZipFile(zip_path, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
            files = [
                _write_hashed(bundle, "entities.ftm.jsonl", ("\n".join(lines) + "\n").encode())
            ]
            context.progress(40, _("Entities written"))
            if parameters.get("documents"):
                files += _add_documents(context, bundle, case)
            manifest = {
                "case": case.number,
                "receiving_agency": parameters["agency"],
                "assistance_request": _request_reference(
                    case, parameters.get("assistance_request")
                ),
                "prepared_by": context.owner.get_username(),
                "prepared_at": stamp.isoformat(),
                "counts": {
                    "entities": len(plan.records),
                    "relations": len(plan.relation_records),
                    "documents": len(files) - 1,
                },
                "left_out": plan.counts_per_reason(),
                "files": files,
            }
            manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
            bundle.writestr("manifest.json", manifest_bytes)
            manifest_sha = hashlib.sha256(manifest_bytes).hexdigest()
            sums = "".join(f"{item['sha256']}  {item['path']}\n" for item in files)
            bundle.writestr("SHA256SUMS", sums + f"{manifest_sha}  manifest.json\n")
        context.progress(90, _("Keeping the extract"))
        local = timezone.localtime(stamp).strftime("%Y%m%d-%H%M%S")
        context.add_result_file(
            name=f"{case.number.replace('/', '-')}-extract-{local}.zip",
            path=zip_path,
            content_type="application/zip",
        )
    audit_record(
        actor=context.owner,
        action=AuditAction.EXPORT,
        obj=case,
        changes={
            "extract": parameters["agency"],
            "entities": len(plan.records),
            "relations": len(plan.relation_records),
            "documents": len(files) - 1,
            "left_out": plan.counts_per_reason(),
            "manifest_sha256": manifest_sha,
        },
    )
    context.log(_("Manifest SHA-256: %(sha)s") % {"sha": manifest_sha})
    context.progress(100, _("The extract is ready"))
