"""The Content-Security-Policy source a configured map tile server needs."""

import re
from urllib.parse import urlsplit

_PLACEHOLDER = re.compile(r"\{[^}]*\}")


def tile_server_source(tile_url: str) -> str | None:
    """The CSP host source that lets the browser load tiles from ``tile_url``.

    A Leaflet tile template may name its sub-domains with a placeholder
    (``https://{s}.tile.example.org/{z}/{x}/{y}.png``): that label becomes CSP's
    wildcard (``https://*.tile.example.org``). A relative URL (tiles served by this site)
    needs no source of its own: ``'self'`` covers it, and None is returned. A placeholder
    anywhere but the first label of the host cannot be said in CSP and is refused.
    """
    if not tile_url:
        return None
    parts = urlsplit(tile_url)
    if not parts.netloc:
        return None
    if parts.scheme not in ("http", "https"):
        raise ValueError(f"MAP_TILE_URL must be an http(s) URL, not {tile_url!r}")
    first, _, rest = parts.netloc.partition(".")
    if _PLACEHOLDER.search(first):
        first = "*"
    host = f"{first}.{rest}" if rest else first
    if _PLACEHOLDER.search(host):
        raise ValueError(
            f"MAP_TILE_URL {tile_url!r}: a placeholder may stand only for the first "
            "label of the host, which CSP can match with '*'"
        )
    return f"{parts.scheme}://{host}"
