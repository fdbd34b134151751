"""An uploaded file kept for import, its preview, and the mapping saved by name."""

import hashlib
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from cases.models import DataImport, ImportFormat, ImportMapping
from cases.services.imports.errors import ImportRefusedError
from cases.services.imports.limits import max_bytes
from cases.services.imports.mapping import mapping_problems
from cases.services.imports.readers import (
    Row,
    check_file,
    detect_format,
    file_encoding,
    preview_rows,
    safe_name,
)
from cases.services.imports.xml_reader import record_elements
from portal.models import AuditAction, User
from portal.services.audit import audit_record

CHUNK = 1024 * 1024


@dataclass
class Preview:
    columns: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    record_elements: list[str] = field(default_factory=list)
    record_element: str = ""
    problem: str = ""

    @property
    def table(self) -> list[tuple[int, list[str]]]:
        """The rows' values in the order of ``columns`` (empty where a row has none)."""
        return [
            (number, [record.get(name, "") for name in self.columns])
            for number, record in self.rows
        ]


def _copy(upload: UploadedFile, target: Any) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    for chunk in upload.chunks(CHUNK):
        size += len(chunk)
        if size > max_bytes():
            raise ImportRefusedError(
                _("The file is larger than %(limit)s, the most an import accepts.")
                % {"limit": filesizeformat(max_bytes())}
            )
        digest.update(chunk)
        target.write(chunk)
    target.flush()
    return digest.hexdigest(), size


def data_import_upload(*, actor: User, upload: UploadedFile, dataset: str) -> DataImport:
    """Keep ``upload`` for import after the checks that need no mapping: its size, its
    format, its encoding, a zip bomb, and its first rows (XML entities are refused
    here). Raises ValidationError({"file": message}); nothing is kept then."""
    name = safe_name(upload.name or "")
    dataset = (dataset or "").strip()[:120] or name
    if upload.size is not None and upload.size > max_bytes():
        raise ValidationError(
            {
                "file": _("The file is larger than %(limit)s, the most an import accepts.")
                % {"limit": filesizeformat(max_bytes())}
            }
        )
    with tempfile.NamedTemporaryFile(prefix="import-", suffix=".upload") as temporary:
        try:
            sha256, size = _copy(upload, temporary)
            path = Path(temporary.name)
            if not size:
                raise ImportRefusedError(_("The file is empty."))
            file_format = detect_format(name, path, "utf-8")
            encoding = file_encoding(path, file_format)
            file_format = detect_format(name, path, encoding or "utf-8")
            check_file(path, file_format)
            if file_format == ImportFormat.XML:
                record_elements(path)  # refuses entities before anything is kept
            elif file_format != ImportFormat.FTM:
                preview_rows(path, file_format=file_format, encoding=encoding)
        except ImportRefusedError as refusal:
            raise ValidationError({"file": refusal.message}) from None
        suffix = Path(name).suffix.lower()[:10]
        with transaction.atomic():
            data_import = DataImport(
                original_name=name,
                sha256=sha256,
                size=size,
                file_format=file_format,
                detected_encoding=encoding,
                encoding=encoding,
                dataset=dataset,
                created_by=actor,
            )
            temporary.seek(0)
            data_import.file.save(f"{uuid.uuid4().hex}{suffix}", File(temporary), save=False)
            data_import.save()
            audit_record(
                actor=actor,
                action=AuditAction.CREATE,
                obj=data_import,
                object_repr=str(data_import)[:300],
                changes={"file": name, "sha256": sha256, "size": size, "format": file_format},
            )
    return data_import


def data_import_preview(
    *, data_import: DataImport, encoding: str = "", record_element: str = ""
) -> Preview:
    """The first rows of the file as they would be read with ``encoding`` (the import's
    own when not given) and, for XML, ``record_element`` (the most frequent repeated
    element when not given)."""
    path = Path(data_import.file.path)
    preview = Preview()
    try:
        if data_import.file_format == ImportFormat.XML:
            preview.record_elements = record_elements(path)
            if record_element and record_element not in preview.record_elements:
                # Asked for by name: an element past the part of the file surveyed.
                preview.record_elements.append(record_element[:120])
            record_element = record_element or next(iter(preview.record_elements), "")
            preview.record_element = record_element
        preview.columns, preview.rows = preview_rows(
            path,
            file_format=data_import.file_format,
            encoding=encoding or data_import.encoding,
            record_element=record_element,
        )
    except ImportRefusedError as refusal:
        preview.problem = refusal.message
    return preview


def mapping_save(
    *,
    actor: User,
    name: str,
    file_format: str,
    record_element: str,
    entities: Any,
    relations: Any,
) -> ImportMapping:
    """Save (or replace) the mapping called ``name``. Raises ValidationError."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the mapping a name to find it again.")})
    problems = mapping_problems(entities, relations)
    if problems:
        raise ValidationError({"entities": problems})
    mapping, created = ImportMapping.objects.update_or_create(
        name=name[:120],
        defaults={
            "file_format": file_format,
            "record_element": record_element[:120],
            "entities": entities,
            "relations": relations,
            "created_by": actor,
        },
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=mapping,
        object_repr=mapping.name,
        changes={"entities": entities, "relations": relations},
    )
    return mapping


def data_import_configure(
    *,
    actor: User,
    data_import: DataImport,
    mapping: ImportMapping | None,
    encoding: str,
    valid_rows_only: bool,
) -> DataImport:
    """Set what the job will use: the mapping, the encoding, all rows or the valid."""
    data_import.mapping = mapping
    if encoding:
        data_import.encoding = encoding
    data_import.valid_rows_only = valid_rows_only
    data_import.save(update_fields=["mapping", "encoding", "valid_rows_only"])
    return data_import
