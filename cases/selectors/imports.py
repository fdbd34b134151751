"""Reads of the import pages: imports and saved mappings (everyone who may import sees
them all: the registry they feed is shared)."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from cases.models import DataImport, ImportMapping
from portal.models import User


def imports_for_user(*, user: User) -> QuerySet[DataImport]:
    return DataImport.objects.select_related("created_by", "mapping", "job").order_by(
        "-created_at", "-pk"
    )


def import_get_for_user(*, user: User, pk: int) -> DataImport:
    return get_object_or_404(imports_for_user(user=user), pk=pk)


def mappings_for_user(*, user: User) -> QuerySet[ImportMapping]:
    return ImportMapping.objects.select_related("created_by").order_by("name")


def mapping_get_for_user(*, user: User, pk: object) -> ImportMapping | None:
    """The saved mapping ``pk`` (an id from a query string: anything), or None."""
    try:
        number = int(str(pk))
    except ValueError:
        return None
    return mappings_for_user(user=user).filter(pk=number).first()
