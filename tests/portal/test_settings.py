"""Production settings: Django's deployment checks pass, and a missing secret stops the
start. Run as a subprocess: settings are read once per process."""

import json
import os
import secrets
import subprocess
import sys
from typing import Any

import pytest
from django.conf import settings

from tests.conftest import ROOT


def production_env(**overrides: str) -> dict[str, str]:
    db = settings.DATABASES["default"]
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "SECRET_KEY",
            "DEBUG",
            "ALLOWED_HOSTS",
            "DJANGO_SETTINGS_MODULE",
            "AUDIT_HMAC_KEY_FILE",
        }
    }
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        ALLOWED_HOSTS="portal.example",
        DATABASE_URL=os.environ.get(
            "DATABASE_URL", f"postgis://{db['USER']}@{db['HOST']}:{db['PORT']}/portal"
        ),
        REDIS_URL=settings.REDIS_URL,
        AUDIT_HMAC_KEY=secrets.token_hex(32),
        AUDIT_ANCHOR_FILE="/var/lib/portal-anchors/audit-anchors.jsonl",
    )
    env.update(overrides)
    return env


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603  fixed arguments, our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_the_deployment_checks_without_a_warning():
    env = production_env(SECRET_KEY=secrets.token_urlsafe(64))

    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_with_a_short_secret_fail_the_deployment_checks():
    env = production_env(SECRET_KEY="short")

    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)

    assert result.returncode != 0
    assert "security.W009" in result.stderr


@pytest.mark.parametrize(
    "missing", ["SECRET_KEY", "ALLOWED_HOSTS", "AUDIT_HMAC_KEY", "AUDIT_ANCHOR_FILE"]
)
def test_production_settings_refuse_to_start_without_a_required_value(missing):
    env = production_env(SECRET_KEY=secrets.token_urlsafe(64))
    del env[missing]

    result = manage("check", env=env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


def test_production_settings_refuse_a_short_audit_key():
    env = production_env(SECRET_KEY=secrets.token_urlsafe(64), AUDIT_HMAC_KEY="short")

    result = manage("check", env=env)

    assert result.returncode != 0
    assert "an audit key of at least 32 characters" in result.stderr


def settings_of(module: str, names: list[str], **env_overrides: str) -> dict[str, Any]:
    """The values of ``names`` as a fresh process with ``module`` reads them."""
    env = production_env(
        DJANGO_SETTINGS_MODULE=module, SECRET_KEY=secrets.token_urlsafe(64), **env_overrides
    )
    if module != "portal.settings.production":
        del env["ALLOWED_HOSTS"]
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}, default=str))"
    )
    result = manage("shell", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_settings_send_https_only_with_hsts():
    values = settings_of(
        "portal.settings.production",
        [
            "SECURE_SSL_REDIRECT",
            "SECURE_HSTS_SECONDS",
            "SECURE_HSTS_INCLUDE_SUBDOMAINS",
            "SESSION_COOKIE_SECURE",
            "CSRF_COOKIE_SECURE",
            "DEBUG",
        ],
    )

    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["DEBUG"] is False


def test_make_run_settings_serve_with_debug_off_on_the_local_addresses():
    values = settings_of("portal.settings.dev", ["DEBUG", "ALLOWED_HOSTS"])

    assert values["DEBUG"] is False
    assert {"127.0.0.1", "localhost"} <= set(values["ALLOWED_HOSTS"])


def test_a_developer_turns_debug_on_with_the_environment():
    assert settings_of("portal.settings.dev", ["DEBUG"], DEBUG="true")["DEBUG"] is True


def test_a_configured_tile_server_is_allowed_for_images_only():
    values = settings_of(
        "portal.settings.dev",
        ["CONTENT_SECURITY_POLICY"],
        MAP_TILE_URL="https://{s}.tiles.example.lt/{z}/{x}/{y}.png",
    )

    directives = values["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    assert "https://*.tiles.example.lt" in directives["img-src"]
    assert directives["script-src"] == ["'self'"]
    assert directives["connect-src"] == ["'self'"]


def test_a_server_errors_traceback_goes_to_stderr_with_debug_off():
    """What Django's handler logs for a 500 (django.request, with the exception) reaches
    the process's stderr: gunicorn's terminal under `make run`."""
    code = (
        "import logging\n"
        "try:\n"
        "    raise RuntimeError('a bug inside a view')\n"
        "except RuntimeError:\n"
        "    logging.getLogger('django.request').error('Internal Server Error', exc_info=True)\n"
    )
    env = production_env(DJANGO_SETTINGS_MODULE="portal.settings.dev")
    del env["ALLOWED_HOSTS"]

    result = manage("shell", "-c", code, env=env)

    assert result.returncode == 0, result.stderr
    assert "ERROR django.request: Internal Server Error" in result.stderr
    assert "Traceback (most recent call last)" in result.stderr
    assert "RuntimeError: a bug inside a view" in result.stderr
