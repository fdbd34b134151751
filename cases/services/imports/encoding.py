"""The text encoding of an uploaded file, found by charset-normalizer (not guessed) from
its first bytes; the analyst may override it on the preview."""

from pathlib import Path

from charset_normalizer import from_bytes
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.services.imports.errors import ImportRefusedError

SAMPLE_BYTES = 256 * 1024
REGIONAL_ENCODINGS = ["utf_8", "utf_16", "cp1257", "cp1251"]
# charset-normalizer's "chaos" (0: reads as natural text); above this, look further.
CLEAN_CHAOS = 0.1

# What the preview offers (Python codec names); the detected one is added when missing.
ENCODING_CHOICES = [
    ("utf-8-sig", gettext_lazy("UTF-8")),
    ("utf-16", gettext_lazy("UTF-16")),
    ("cp1257", gettext_lazy("Windows-1257 (Baltic)")),
    ("cp1251", gettext_lazy("Windows-1251 (Cyrillic)")),
    ("cp1252", gettext_lazy("Windows-1252 (Western)")),
    ("iso8859-13", gettext_lazy("ISO 8859-13 (Baltic)")),
    ("latin-1", gettext_lazy("ISO 8859-1 (Latin-1)")),
]
_ALIASES = {
    "utf_8": "utf-8-sig",
    "ascii": "utf-8-sig",
    "utf_16": "utf-16",
    "utf_16_le": "utf-16",
    "utf_16_be": "utf-16",
    "cp1257": "cp1257",
    "cp1251": "cp1251",
    "cp1252": "cp1252",
    "iso8859_13": "iso8859-13",
    "latin_1": "latin-1",
}


def _sample(path: Path) -> bytes:
    with path.open("rb") as stream:
        data = stream.read(SAMPLE_BYTES)
    if len(data) == SAMPLE_BYTES and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Cut at the last line end so that a multi-byte character is not split.
        cut = data.rfind(b"\n")
        data = data[: cut + 1] if cut > 0 else data
    return data


def detect_encoding(path: Path) -> str:
    """The Python codec of the file's text; UTF-8 for an empty or plain ASCII file."""
    data = _sample(path)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if not data:
        return "utf-8-sig"
    # The region's encodings first: a Lithuanian text in Windows-1257 is also valid
    # Windows-1254 or -1252, and a detector left to choose among all of them may pick
    # the wrong one; only when none of them reads the file cleanly are all tried.
    regional = from_bytes(data, cp_isolation=REGIONAL_ENCODINGS).best()
    if regional is not None and regional.chaos <= CLEAN_CHAOS:
        return _ALIASES.get(regional.encoding, regional.encoding)
    best = from_bytes(data).best()
    if best is None:
        raise ImportRefusedError(
            _("The file is not text in any encoding we know (it may be a binary file).")
        )
    return _ALIASES.get(best.encoding, best.encoding)


def encoding_choices(detected: str) -> list[tuple[str, str]]:
    choices = [(name, str(label)) for name, label in ENCODING_CHOICES]
    if detected and detected not in dict(choices):
        choices.append((detected, detected))
    return choices


def decode_problem(error: UnicodeDecodeError, encoding: str, row: int) -> ImportRefusedError:
    return ImportRefusedError(
        _(
            "The file cannot be read as %(encoding)s near row %(row)d; choose another "
            "encoding on the preview."
        )
        % {"encoding": encoding, "row": row}
    )
