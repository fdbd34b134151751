"""The followthemoney (FtM) data model as the entity registry uses it.

The registry's kinds are FtM schemata and its properties FtM properties (the data model
of Aleph and OpenSanctions). FtM itself is not rewritten here: this module loads FtM's
own schemata plus the portal's few extensions (``ftm_extensions.yaml``: Phone,
EmailAddress, Container, CustomsDeclaration and Vehicle's VIN), and offers the small
helpers the services need: checking and cleaning property values with FtM's types,
names of schemata and properties, and reading values back.

Pure: no database.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from followthemoney.model import Model
from followthemoney.property import Property
from followthemoney.schema import Schema
from followthemoney.settings import MODEL_PATH
from followthemoney.util import const

__all__ = [
    "EXTENSION_SCHEMATA",
    "LEGACY_KINDS",
    "FtmProperties",
    "clean_properties",
    "edge_schemata",
    "first",
    "ftm_model",
    "property_problems",
    "schema_get",
]

# The registry's kinds before they became FtM schemata, as older clients (a phone's
# queue of unsent forms) may still send them.
LEGACY_KINDS: dict[str, str] = {
    "person": "Person",
    "company": "Company",
    "vehicle": "Vehicle",
    "vessel": "Vessel",
    "container": "Container",
    "phone": "Phone",
    "email": "EmailAddress",
    "address": "Address",
    "identity_document": "Identification",
    "bank_account": "BankAccount",
    "shipment": "CustomsDeclaration",
}


EXTENSIONS_FILE = Path(__file__).with_name("ftm_extensions.yaml")

# FtM properties as stored in Entity.properties: property name -> list of string values.
FtmProperties = dict[str, list[str]]


def _extension_config() -> dict[str, Any]:
    with EXTENSIONS_FILE.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict):  # pragma: no cover - the file is ours
        raise TypeError("ftm_extensions.yaml must be a mapping")
    return data


EXTENSION_SCHEMATA: frozenset[str] = frozenset(
    name for name in _extension_config() if not name.startswith("+")
)


class _PortalModel(Model):
    """FtM's model with the portal's extensions: new schemata are added; a ``+Name`` entry
    adds properties to FtM's schema ``Name`` before the model is generated."""

    __slots__ = ()

    def __init__(self) -> None:
        self.path = MODEL_PATH
        self.schemata: dict[str, Schema] = {}
        self.properties: set[Property] = set()
        self.qnames: dict[str, Property] = {}
        configs: dict[str, dict[str, Any]] = {}
        for dirpath, _dirs, filenames in os.walk(MODEL_PATH):
            for filename in sorted(filenames):
                with open(os.path.join(dirpath, filename), encoding="utf-8") as handle:
                    data = yaml.safe_load(handle)
                if isinstance(data, dict):
                    configs.update(data)
        for name, config in _extension_config().items():
            if name.startswith("+"):
                extended = configs[name[1:]]
                extended["properties"] = {
                    **extended.get("properties", {}),
                    **config.get("properties", {}),
                }
            else:
                configs[name] = config
        for name, config in configs.items():
            # Our YAML has FtM's own shape (SchemaSpec); read as plain dicts here.
            self.schemata[const(name)] = Schema(self, const(name), config)  # type: ignore[arg-type]
        self.generate()


@cache
def ftm_model() -> Model:
    """The one model (FtM plus extensions), built on first use."""
    return _PortalModel()


def schema_get(name: str) -> Schema | None:
    """The schema called ``name`` ("Person", "Ownership", "Container"...), or None."""
    return ftm_model().get(name)


def edge_schemata() -> list[Schema]:
    """The interstitial schemata (Ownership, Directorship, Family, Payment...): FtM
    entities that stand for a relation between two others, with attributes of their own."""
    return sorted((s for s in ftm_model() if s.edge and not s.abstract), key=lambda s: s.name)


def first(properties: dict[str, Any] | None, name: str) -> str:
    """The first value of property ``name``, or ""."""
    values = (properties or {}).get(name) or []
    if isinstance(values, str):
        return values
    return str(values[0]) if values else ""


def property_problems(schema: Schema, properties: dict[str, Any]) -> dict[str, str]:
    """What is wrong with ``properties`` for ``schema``, by property name: an unknown
    property, or a value FtM's type for it does not accept (a date that is not a date,
    a country that is not a country, an IBAN with wrong check digits...). Empty when
    nothing is. Messages are plain English keys translated by the caller."""
    problems: dict[str, str] = {}
    for name, values in properties.items():
        prop = schema.get(name)
        if prop is None:
            problems[name] = "unknown"
            continue
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            problems[name] = "not-a-list"
            continue
        for value in values:
            if prop.type.name == "entity":
                continue
            if not prop.type.validate(value):
                problems[name] = "invalid"
                break
    return problems


def clean_properties(schema: Schema, properties: dict[str, Any]) -> FtmProperties:
    """``properties`` with each value cleaned by FtM's type (dates to ISO, countries to
    lower-case codes, phones to E.164...), empty values and duplicates dropped. Call
    property_problems first: values FtM cannot clean are dropped here."""
    cleaned: FtmProperties = {}
    for name, values in properties.items():
        prop = schema.get(name)
        if prop is None:
            continue
        seen: list[str] = []
        for value in values if isinstance(values, list) else [values]:
            text = str(value).strip()
            if not text:
                continue
            result = text if prop.type.name == "entity" else prop.type.clean(text)
            if result and result not in seen:
                seen.append(result)
        if seen:
            cleaned[name] = seen
    return cleaned
