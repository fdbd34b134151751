"""Cytoscape.js is served from our static files: the committed file is the version
pinned in package.json and locked in package-lock.json, byte for byte the file of the
locked tarball (its SHA-256 recorded beside it with the tarball's integrity)."""

import hashlib
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "static" / "vendor" / "cytoscape"


def test_the_committed_cytoscape_is_the_locked_version():
    package = json.loads((ROOT / "package.json").read_text())
    lock = json.loads((ROOT / "package-lock.json").read_text())
    source = json.loads((VENDOR / "SOURCE.json").read_text())
    locked = lock["packages"]["node_modules/cytoscape"]
    assert package["dependencies"]["cytoscape"] == locked["version"] == source["version"]
    assert locked["integrity"] == source["integrity"]
    script = (VENDOR / "cytoscape.min.js").read_bytes()
    assert hashlib.sha256(script).hexdigest() == source["sha256"]
    # The library states its own version; it must be the locked one.
    assert re.search(rb'"%s"' % locked["version"].encode(), script)
    assert "MIT" in (VENDOR / "LICENSE").read_text()


def test_no_page_loads_cytoscape_from_elsewhere():
    templates = (ROOT / "templates").rglob("*.html")
    for template in templates:
        text = template.read_text()
        if "cytoscape" in text:
            assert "vendor/cytoscape/cytoscape.min.js" in text
            assert "//cdn" not in text
            assert "unpkg" not in text
            assert "jsdelivr" not in text
