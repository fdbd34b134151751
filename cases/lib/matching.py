"""Likely matches between registry entities, with their reasons and a score.

Names are compared after transliteration to Latin ASCII (rigour / normality, which
followthemoney brings: "Жуков" -> "zukov", "Šimkus" -> "simkus"), word by word with
Jaro-Winkler similarity, so that one alphabet's spelling meets another's ("Zhukov"). The
registry keeps each name word's Soundex code (``name_codes``) to find candidates with an
index; dates of birth and shared identifiers (registration numbers, tax codes, IBANs,
phones...) add to or take from the score.

Pure: no database. The services (cases/services/resolution.py) store the proposals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from rigour.names import remove_org_types
from rigour.text import jaro_winkler, soundex
from rigour.text.translit import ascii_text

from cases.lib.ftm import schema_get

__all__ = [
    "PROPOSE_AT",
    "MatchResult",
    "comparable_kinds",
    "entity_identifiers",
    "is_matchable",
    "match_score",
    "name_codes",
    "name_words",
]

# Proposals at or above this score (percent) go to the review queue.
PROPOSE_AT = 70

# Words shorter than this carry no weight on their own ("de", "ir", initials).
_MIN_WORD = 2

# Jaro-Winkler similarity at which two name words count as the same word spelt in
# another alphabet or with another transliteration ("zukov" ~ "zhukov" is 0.95).
_WORD_SAME = 0.88

# FtM property types whose values identify an entity when two share one.
_IDENTIFYING_TYPES = frozenset({"identifier", "iban", "phone", "email", "checksum"})

# Properties of an identifying type that do not identify (a shared "program" id says
# two entities are on the same sanctions programme, not that they are one).
# The same goes for a Russian KPP (the tax office's registration reason code, shared by
# every company registered at that office).
_NOT_IDENTIFYING = frozenset({"programId", "recordId", "sourceUrl", "kppCode"})

_PARTIES = frozenset({"Company", "Organization", "LegalEntity", "PublicBody"})


@lru_cache(maxsize=65536)
def _name_words(name: str) -> tuple[str, ...]:
    text = ascii_text(remove_org_types(name)).lower()
    cleaned = "".join(char if char.isalnum() else " " for char in text)
    return tuple(word for word in cleaned.split() if len(word) >= _MIN_WORD)


def name_words(name: str) -> list[str]:
    """The words of ``name`` in lower-case Latin ASCII ("Šimkus Жуков" -> ["simkus",
    "zhukov"]), punctuation and legal forms ("UAB", "LLC", "Limited Liability Company")
    dropped: two companies are not alike for both being limited companies.

    Cached: a batch's proposals compare the same names many times over, and
    transliteration is most of a comparison's cost."""
    return list(_name_words(name))


def name_codes(names: list[str]) -> list[str]:
    """The Soundex code of every word of ``names``, sorted and unique: the index key for
    finding candidates ("Zhukov" and "Жуков" share Z210)."""
    return sorted({soundex(word) for name in names for word in name_words(name) if soundex(word)})


def entity_identifiers(kind: str, properties: dict[str, Any], key: str = "") -> list[str]:
    """Every identifying value of the entity, compacted and upper-cased, prefixed with
    the property's type ("identifier:808000714", "iban:LT12..."), sorted and unique."""
    schema = schema_get(kind)
    values: set[str] = set()
    if schema is not None:
        for name, items in (properties or {}).items():
            prop = schema.get(name)
            if prop is None or name in _NOT_IDENTIFYING:
                continue
            if prop.type.name not in _IDENTIFYING_TYPES:
                continue
            for item in items if isinstance(items, list) else [items]:
                compact = "".join(ch for ch in str(item).upper() if ch.isalnum() or ch in "@+")
                if len(compact) >= 4:
                    values.add(f"{prop.type.name}:{compact}"[:200])
    if key:
        values.add(f"key:{key}"[:200])
    return sorted(values)


def is_matchable(kind: str) -> bool:
    """Whether entities of ``kind`` can be one and the same (FtM's ``matchable``: a
    person, a company, a vehicle; not a sanction, a payment or an address record)."""
    schema = schema_get(kind)
    return bool(schema is not None and schema.matchable and not schema.edge)


# Schemata whose things are told apart by a key (a plate or VIN, a number, an address of
# mail), not by what they are called: two plates a digit apart are two vehicles. Only a
# shared identifier proposes them (and an equal key merges them by rule); their "names"
# are never compared.
KEYED_KINDS = frozenset(
    {
        "Vehicle",
        "Phone",
        "EmailAddress",
        "BankAccount",
        "Container",
        "CustomsDeclaration",
        "Passport",
        "Identification",
    }
)


def comparable_kinds(kind: str) -> list[str]:
    """The schemata an entity of ``kind`` may turn out to be the same as: a company may
    be registered as an organisation elsewhere; other kinds only match their own."""
    if kind in _PARTIES:
        return sorted(_PARTIES)
    return [kind]


@dataclass
class MatchResult:
    score: int
    # [{"code": ..., "params": {...}}]: the reasons, shown translated by the page.
    reasons: list[dict[str, Any]] = field(default_factory=list)


def _word_similarity(left: list[str], right: list[str]) -> tuple[float, list[tuple[str, str]]]:
    """How well the words of the shorter name are found in the other (0..1), and the
    pairs that matched."""
    if not left or not right:
        return 0.0, []
    short, long_ = (left, right) if len(left) <= len(right) else (right, left)
    total = 0.0
    pairs: list[tuple[str, str]] = []
    for word in short:
        best, best_word = 0.0, ""
        for other in long_:
            similarity = jaro_winkler(word, other)
            if similarity > best:
                best, best_word = similarity, other
        total += best
        if best >= _WORD_SAME:
            pairs.append((word, best_word))
    return total / len(short), pairs


def _best_names(left: list[str], right: list[str]) -> tuple[float, str, str, list[tuple[str, str]]]:
    best: tuple[float, str, str, list[tuple[str, str]]] = (0.0, "", "", [])
    for one in left[:20]:
        words_one = name_words(one)
        for two in right[:20]:
            similarity, pairs = _word_similarity(words_one, name_words(two))
            if similarity > best[0]:
                best = (similarity, one, two, pairs)
    return best


# The properties match_score reads, besides the names it is given (a caller may fetch
# candidates with these alone).
SCORED_PROPERTIES = ("name", "birthDate", "nationality")


def match_score(
    *,
    left_names: list[str],
    left_properties: dict[str, Any],
    left_identifiers: list[str],
    right_names: list[str],
    right_properties: dict[str, Any],
    right_identifiers: list[str],
) -> MatchResult:
    """The likelihood (0..100) that two entities are one, with the reasons.

    A shared identifier is near-certain (95). Otherwise the names decide (up to 80),
    a same date of birth adds 15, a different one takes 40 away (two people of the same
    name born on different days are two people), a different nationality takes 10.
    """
    result = MatchResult(score=0)
    shared = sorted(set(left_identifiers) & set(right_identifiers))
    similarity, name_one, name_two, pairs = _best_names(left_names, right_names)
    score = similarity * 80
    if similarity >= 0.75:
        transliterated = any(a != b for a, b in pairs) or any(
            not name.isascii() for name in (name_one, name_two)
        )
        result.reasons.append(
            {
                "code": "name_transliterated" if transliterated else "name",
                "params": {
                    "left": name_one,
                    "right": name_two,
                    "similarity": round(similarity * 100),
                    "latin": " ".join(a for a, _b in pairs),
                    "latin_other": " ".join(b for _a, b in pairs),
                },
            }
        )
    if shared:
        score = max(score, 95.0)
        for value in shared[:3]:
            kind, _sep, text = value.partition(":")
            result.reasons.append({"code": "identifier", "params": {"type": kind, "value": text}})
    born_left = set(left_properties.get("birthDate") or [])
    born_right = set(right_properties.get("birthDate") or [])
    if born_left and born_right:
        same_day = born_left & born_right
        if same_day:
            score += 15
            result.reasons.append({"code": "birth_date", "params": {"date": min(same_day)}})
        else:
            score -= 40
            result.reasons.append(
                {
                    "code": "birth_date_differs",
                    "params": {"left": min(born_left), "right": min(born_right)},
                }
            )
    nation_left = set(left_properties.get("nationality") or [])
    nation_right = set(right_properties.get("nationality") or [])
    if nation_left and nation_right and not nation_left & nation_right:
        score -= 10
        result.reasons.append(
            {
                "code": "nationality_differs",
                "params": {
                    "left": ", ".join(sorted(nation_left)).upper(),
                    "right": ", ".join(sorted(nation_right)).upper(),
                },
            }
        )
    result.score = max(0, min(100, round(score)))
    return result
