"""Imports' part of the access-policy table (tests/portal/test_url_access.py): analysts
and administrators import into the registry; officers and dispatchers do not."""

from typing import Any

from tests.access_policy import ADMIN, ANALYST, Rule, pk_of

IMPORTERS = frozenset({ANALYST, ADMIN})

IMPORT_RULES: dict[str, Rule] = {
    "entities:import-list": Rule(IMPORTERS),
    "entities:import-detail": Rule(IMPORTERS, kwargs=pk_of("data_import")),
    "entities:import-errors": Rule(IMPORTERS, kwargs=pk_of("data_import")),
    "api:entity-import-create": Rule(IMPORTERS, method="post"),
    "api:entity-import-detail": Rule(IMPORTERS, kwargs=pk_of("data_import")),
    "api:import-mapping-list": Rule(IMPORTERS),
}


def import_objects(personas: dict[str, Any]) -> dict[str, Any]:
    """An uploaded CSV with an error report."""
    from django.core.files.base import ContentFile
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cases.services.imports.upload import data_import_upload

    data_import = data_import_upload(
        actor=personas[ANALYST],
        upload=SimpleUploadedFile("people.csv", b"vardas,kodas\nJonas,1\n"),
        dataset="Asmenys",
    )
    data_import.error_report.save(
        "errors.csv", ContentFile(b"row,column,value,reason\n2,code,1,bad\n")
    )
    return {"data_import": data_import}
