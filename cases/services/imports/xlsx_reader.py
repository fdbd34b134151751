"""Excel workbooks (.xlsx), first sheet, streamed by openpyxl in read-only mode.

The zip is measured before openpyxl opens it: a part that unpacks to more than the limit,
or far more than its packed size, is a zip bomb and refused. Formulas are read as their
text (``data_only=False`` never reads a cached result, and openpyxl evaluates nothing):
a cell starting with ``=`` is imported as that text."""

import zipfile
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from cases.services.imports.cells import cell_text
from cases.services.imports.errors import ImportRefusedError
from cases.services.imports.limits import check_columns, check_record, check_row_count


def check_zip(path: Path) -> None:
    """Refuse a workbook whose zip would unpack to too much (a zip bomb)."""
    limit = int(settings.ENTITY_IMPORT_XLSX_MAX_UNPACKED_BYTES)
    ratio = int(settings.ENTITY_IMPORT_XLSX_MAX_RATIO)
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError) as error:
        raise ImportRefusedError(
            _("The file cannot be read as an Excel workbook (.xlsx).")
        ) from error
    unpacked = sum(part.file_size for part in parts)
    packed = sum(part.compress_size for part in parts)
    if unpacked > limit or unpacked > max(packed, 1) * ratio:
        raise ImportRefusedError(
            _(
                "The workbook would unpack to %(unpacked)d bytes from %(packed)d: it is "
                "refused as a zip bomb."
            )
            % {"unpacked": unpacked, "packed": packed}
        )


def read_xlsx(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of the first sheet as {header: value}; the header is row 1."""
    check_zip(path)
    # A stream, not the path: openpyxl judges a path by its suffix, and a kept upload
    # has a name of ours.
    stream = path.open("rb")
    try:
        workbook = load_workbook(stream, read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds for a broken workbook
        stream.close()
        raise ImportRefusedError(
            _("The file cannot be read as an Excel workbook (.xlsx).")
        ) from error
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header_cells = next(rows, ())
        check_columns(len(header_cells))
        header: list[str] = []
        for index, cell in enumerate(header_cells, start=1):
            name = cell_text(cell) or _("column %(number)d") % {"number": index}
            header.append(name if name not in header else f"{name} ({index})")
        for number, cells in enumerate(rows, start=2):
            texts = [cell_text(cell) for cell in cells]
            if not any(texts):
                continue
            check_row_count(number - 1)
            check_columns(len(texts))
            record = {
                header[index] if index < len(header) else f"column {index + 1}": text
                for index, text in enumerate(texts)
            }
            yield number, check_record(number, record)
    finally:
        workbook.close()
        stream.close()
