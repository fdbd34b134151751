"""Production settings: Django's deployment checks pass, and a missing secret stops the
start. Run as a subprocess: settings are read once per process."""

import os
import secrets
import subprocess
import sys

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
