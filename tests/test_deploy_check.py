"""`manage.py check --deploy` is clean with the production settings and the variables production
requires — and the check is not vacuous: weakening a setting makes it fail."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Only what locates the services: the test run's own variables (DJANGO_ALLOW_ASYNC_UNSAFE, a
# DEBUG) must not leak into a production check.
PASSED = ("PATH", "HOME", "LANG", "LC_ALL", "DATABASE_URL", "REDIS_URL", "CACHE_URL")


def deploy_check(**env) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k in PASSED}
    base.update(
        DJANGO_SETTINGS_MODULE="salesmgmt.settings.prod",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="sales.example.com",
    )
    base.update(env)
    base = {k: v for k, v in base.items() if v is not None}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_production_settings_pass_the_deploy_check():
    result = deploy_check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_a_weakened_setting_fails_it():
    result = deploy_check(SECURE_SSL_REDIRECT="False", SECRET_KEY="short")
    assert result.returncode != 0
    assert (
        "security.W008" in result.stderr + result.stdout and "security.W009" in result.stderr + result.stdout
    )


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_its_required_variables(missing):
    result = deploy_check(**{missing: None})
    assert result.returncode != 0 and missing in result.stderr
