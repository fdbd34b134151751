"""XML, one record per repeated element (chosen in the mapping: INDIVIDUAL, ENTITY...),
streamed with defusedxml: entity declarations (the "billion laughs") and external
entities are refused, and each record is dropped from the tree once read."""

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import iterparse
from django.utils.translation import gettext as _

from cases.services.imports.cells import LIST_SEPARATOR
from cases.services.imports.errors import ImportRefusedError
from cases.services.imports.limits import check_record, check_row_count

# Elements looked at to propose the record element on the preview.
SURVEY_ELEMENTS = 20_000


def _local(tag: Any) -> str:
    text = str(tag)
    return text.rsplit("}", 1)[-1] if "}" in text else text


def _events(path: Path, events: tuple[str, ...]) -> Iterator[tuple[str, Element]]:
    try:
        yield from iterparse(str(path), events=events, forbid_dtd=False)
    except EntitiesForbidden as error:
        raise ImportRefusedError(
            _(
                "The XML file declares entities (a way to blow a small file up to gigabytes "
                "or read files of the server); it is refused."
            )
        ) from error
    except ExternalReferenceForbidden as error:
        raise ImportRefusedError(
            _("The XML file refers to external resources; it is refused.")
        ) from error
    except DTDForbidden as error:  # pragma: no cover - DTDs are allowed, entities not
        raise ImportRefusedError(_("The XML file has a document type declaration.")) from error
    except ParseError as error:
        raise ImportRefusedError(
            _("The file is not well-formed XML (%(reason)s).") % {"reason": str(error)[:120]}
        ) from error


def record_elements(path: Path) -> list[str]:
    """The elements that repeat and have children of their own, shallowest first and
    then most frequent: the candidates for the record element (INDIVIDUAL before its
    INDIVIDUAL_ALIAS)."""
    counts: Counter[str] = Counter()
    depths: dict[str, int] = {}
    depth = 0
    for seen, (event, element) in enumerate(_events(path, ("start", "end"))):
        if event == "start":
            depth += 1
            continue
        depth -= 1
        if depth >= 1 and len(element):
            name = _local(element.tag)
            counts[name] += 1
            depths[name] = min(depths.get(name, depth), depth)
        element.clear()
        if seen > SURVEY_ELEMENTS:
            break
    repeated = [name for name, count in counts.items() if count > 1] or list(counts)
    return sorted(repeated, key=lambda name: (depths[name], -counts[name]))[:10]


def _columns(element: Element) -> dict[str, str]:
    """The record's attributes (``@name``), and each descendant's text and attributes by
    its path (``INDIVIDUAL_ALIAS.ALIAS_NAME``); repeated ones joined."""
    values: dict[str, list[str]] = {}

    def add(name: str, text: str | None) -> None:
        text = (text or "").strip()
        if text and text not in values.setdefault(name, []):
            values[name].append(text)
        values.setdefault(name, [])

    for attribute, value in element.attrib.items():
        add(f"@{_local(attribute)}", value)

    def walk(node: Element, prefix: str) -> None:
        for child in node:
            name = f"{prefix}{_local(child.tag)}"
            if len(child):
                walk(child, f"{name}.")
            else:
                add(name, child.text)
            for attribute, value in child.attrib.items():
                add(f"{name}@{_local(attribute)}", value)

    walk(element, "")
    if not len(element):
        add("text", element.text)
    return {name: LIST_SEPARATOR.join(texts) for name, texts in values.items()}


def read_xml(path: Path, *, record_element: str) -> Iterator[tuple[int, dict[str, str]]]:
    """Each ``record_element`` as a row, numbered from 1."""
    if not record_element:
        raise ImportRefusedError(_("Choose the XML element that holds one record."))
    parents: list[Element] = []
    # A record element inside a record (a <declaration> number inside a <declaration>)
    # is one of its values, not a record of its own.
    open_records = 0
    number = 0
    for event, element in _events(path, ("start", "end")):
        is_record = _local(element.tag) == record_element
        if event == "start":
            parents.append(element)
            open_records += is_record
            continue
        parents.pop()
        if not is_record:
            continue
        open_records -= 1
        if open_records:
            continue
        number += 1
        check_row_count(number)
        yield number, check_record(number, _columns(element))
        # Drop the record from its parent so the tree never grows with the file.
        element.clear()
        if parents:
            parents[-1].remove(element)
