"""`manage.py check --deploy` is clean under production settings with every variable set.

Each run is a fresh process with a fresh environment: production settings are read once,
at start-up, from the variables an operator sets.
"""

import os
import secrets
import subprocess
import sys

from cryptography.fernet import Fernet
from django.conf import settings

# Variables of the outer environment that would change what production settings read.
OURS = {
    "DJANGO_SETTINGS_MODULE",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "LMS_ASSESSMENT_KEYS",
    "DEBUG",
    "SECURE_COOKIES",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "CSP_MEDIA_ORIGINS",
    "LMS_SSO_HEADER",
    # Set for the test run by tests/e2e/conftest.py (Playwright's loop beside Django); a
    # deployment never has it, and `check --deploy` refuses it (async.E001).
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def production_env(**overrides) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name not in OURS}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="xinyu.dangxiao.example,127.0.0.1",
        LMS_ASSESSMENT_KEYS=f"k2026:{Fernet.generate_key().decode()}",
    )
    env.update(overrides)
    return env


def manage(*args, **overrides) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (our own manage.py, no shell)
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=production_env(**overrides),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def deploy_check(**overrides) -> subprocess.CompletedProcess:
    return manage("check", "--deploy", "--fail-level", "WARNING", **overrides)


def test_check_deploy_is_clean_with_every_variable_set():
    result = deploy_check()

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output and "ERRORS" not in output
    assert "System check identified no issues" in output


def test_https_is_enforced_by_default():
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SESSION_COOKIE_SECURE, "
        "s.SECURE_PROXY_SSL_HEADER)",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split(maxsplit=4) == [
        "True",
        "31536000",
        "True",
        "True",
        "('HTTP_X_FORWARDED_PROTO', 'https')",
    ]


def test_behind_a_proxy_that_redirects_the_check_stays_clean():
    result = deploy_check(SECURE_SSL_REDIRECT="false")

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output


def test_switching_hsts_off_is_still_reported():
    result = deploy_check(SECURE_HSTS_SECONDS="0")

    assert result.returncode != 0
    assert "security.W004" in result.stdout + result.stderr


def test_a_committed_secret_key_fails_the_check():
    result = deploy_check(SECRET_KEY="test-only-key")

    assert result.returncode != 0
    assert "lms.E003" in result.stdout + result.stderr
