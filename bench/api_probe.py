"""The hardening probe: schemathesis over the whole API schema as each role, against a
running portal (`make run`), the way issue 9's probe was made.

    make probe                                  # 200 cases per operation and role
    PROBE_ARGS="--examples 50" make probe

Needs `make run` in another terminal (or --base for another server). Issues one API
token per demo account for the run (revoked at the end), fetches the schema once, then
runs `schemathesis run` per role (officer, dispatcher, analyst, administrator and
anonymous) with a fixed seed, and prints per role: operations, cases generated, server
errors and schema violations. Exits non-zero when any role has a failure.

The checks are the ones a server error or a disagreement with the schema fails
(not_a_server_error, status code, content type, body and header conformance). The rest
of `--checks all` judges refusals the schema cannot express (permissions, a task's
lifecycle): see tests/fuzz/test_schema.py for why each is left out of the suite too.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
django.setup()

from portal.models import User  # noqa: E402
from portal.services.accounts import api_token_issue, api_token_revoke  # noqa: E402

# Role → the demo account that has it (portal/services/demo.py).
ROLES = {
    "officer": "officer",
    "dispatcher": "dispatcher",
    "analyst": "analyst",
    "administrator": "admin",
}
CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
        "response_headers_conformance",
    ]
)
CLIENT_NAME = "hardening probe"
# Each role's full schemathesis output (.txt: the failures with a curl line to replay
# each) and its events (.ndjson).
REPORTS = ROOT / "artifacts" / "probe"


def _schema(base: str, token: str, folder: Path) -> Path:
    if not base.startswith(("http://", "https://")):
        raise SystemExit(f"--base must be an http(s) address, not {base!r}")
    url = f"{base}/api/schema/?format=json"
    request = urllib.request.Request(url, headers={"Authorization": f"Token {token}"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310  checked above
        schema = json.load(answer)
    path = folder / "schema.json"
    path.write_text(json.dumps(schema))
    return path


def _run(
    schema: Path, base: str, token: str | None, args: argparse.Namespace, report: Path
) -> tuple[subprocess.CompletedProcess[str], float]:
    command = [
        str(ROOT / ".venv" / "bin" / "schemathesis"),
        "run",
        str(schema),
        "--url",
        base,
        "--checks",
        CHECKS,
        "--max-examples",
        str(args.examples),
        "--seed",
        str(args.seed),
        "--generation-deterministic",
        "--report",
        "ndjson",
        "--report-ndjson-path",
        str(report.with_suffix(".ndjson")),
    ]
    if token:
        command += ["-H", f"Authorization: Token {token}"]
    started = time.monotonic()
    # In the reports folder: schemathesis keeps its cache (.schemathesis/) where it runs.
    result = subprocess.run(  # noqa: S603
        command, capture_output=True, text=True, check=False, cwd=REPORTS
    )
    return result, time.monotonic() - started


def _tally(output: str) -> dict[str, int]:
    """Operations, cases and failures from schemathesis's printed summary."""
    tested = re.search(r"Tested: (\d+)", output)
    generated = re.search(r"(\d+) generated", output)
    failures = re.search(r"(\d+) unique failures?", output)
    return {
        "operations": int(tested.group(1)) if tested else 0,
        "cases": int(generated.group(1)) if generated else 0,
        "failures": int(failures.group(1)) if failures else 0,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default=f"http://127.0.0.1:{os.environ.get('PORT', '8000')}")
    parser.add_argument("--examples", type=int, default=200, help="cases per operation")
    parser.add_argument("--seed", type=int, default=20261203)
    args = parser.parse_args()

    tokens = {}
    for role, username in ROLES.items():
        user = User.objects.get(username=username)
        tokens[role] = api_token_issue(user=user, client=CLIENT_NAME)
    failed = False
    REPORTS.mkdir(parents=True, exist_ok=True)
    try:
        with tempfile.TemporaryDirectory() as folder:
            schema = _schema(args.base, tokens["administrator"][1], Path(folder))
            print(f"{'role':14} {'operations':>10} {'cases':>7} {'failures':>9} {'seconds':>8}")
            for role in [*ROLES, "anonymous"]:
                key = tokens[role][1] if role in tokens else None
                report = REPORTS / role
                result, seconds = _run(schema, args.base, key, args, report)
                report.with_suffix(".txt").write_text(result.stdout + result.stderr)
                tally = _tally(result.stdout)
                failed = failed or result.returncode != 0 or tally["failures"] > 0
                print(
                    f"{role:14} {tally['operations']:>10} {tally['cases']:>7} "
                    f"{tally['failures']:>9} {seconds:>8.1f}"
                )
                if result.returncode != 0:
                    print(f"  what failed: {report.with_suffix('.txt')}")
    finally:
        for issued, _key in tokens.values():
            api_token_revoke(actor=issued.user, token=issued, reason="end of the probe")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
