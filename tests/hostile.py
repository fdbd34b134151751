"""A corpus of hostile inputs, by name: what an attacker or a careless client sends.
Used by the write-endpoint and export suites in tests/fuzz/ (one parametrised suite
each); every value here must end in a clear 4xx or a cleaned value stored, never a 500,
and every export must still open with it stored."""

import re
from typing import Any

HOSTILE_TEXT: dict[str, str] = {
    "nul": "before\u0000after",
    "lone-surrogate": "x\ud800",
    "bidi-override": "Jonas\u202esavonak",
    "zero-width": "AB\u200b123",
    "bell": "ring\u0007bell",
    "c0-controls": "".join(chr(code) for code in range(1, 32)) + "end",
    "escape-sequence": "\u001b[31mred\u001b[0m",
    "very-long": "y" * 100_000,
    "formula-cmd": "=cmd|' /C calc'!A0",
    "formula-plus": "+1+1",
    "formula-minus": "-2+3",
    "formula-at": "@SUM(A1:A9)",
    "control-then-formula": "\u0007=1+1",
    "html-script": "<script>alert(1)</script><img src=x onerror=alert(2)>",
    "nan-string": "NaN",
    "infinity-string": "-Infinity",
    "far-offset": "2026-01-05T08:00:00+20:00",
    "empty": "",
    "blank": " \t ",
}

HOSTILE_NUMBERS: dict[str, Any] = {
    "huge-integer": 10**40,
    "huge-float": 1e308,
    "subnormal": 5e-324,
    "negative-huge": -(10**40),
    "true": True,
    "false": False,
    "null": None,
    "list": [1, 2],
    "object": {"a": 1},
}

HOSTILE: dict[str, Any] = {**HOSTILE_TEXT, **HOSTILE_NUMBERS}

# What an export cell must never hold: a C0 control character but tab, LF and CR.
EXPORT_FORBIDDEN = re.compile("[\u0000-\u0008\u000b\u000c\u000e-\u001f]")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")


def storable(value: str) -> str:
    """``value`` as PostgreSQL can hold it (no NUL, no lone surrogate): what stored text
    with hostile characters looks like, whatever path put it there."""
    return value.replace("\u0000", "").encode("utf-8", "ignore").decode("utf-8")
