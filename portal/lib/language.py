"""The interface language, for data that carries its own English and Lithuanian texts
(category names, the facts a category asks for, HS descriptions): the one place that
says whether the page is being shown in Lithuanian."""

from django.utils.translation import get_language


def is_lithuanian() -> bool:
    """The active language is Lithuanian ("lt", or a regional form of it)."""
    return (get_language() or "en").startswith("lt")
