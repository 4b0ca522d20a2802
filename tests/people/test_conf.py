"""A bad configuration is refused at start-up by a system check, not at the first request."""

import os
import subprocess
import sys
from pathlib import Path

from django.core.checks import run_checks

from lms.conf import DEFAULTS, lms_settings

ROOT = Path(__file__).resolve().parents[2]
DEV_KEY = "dev-only-insecure-key-not-for-production"
GOOD_KEYS = "prod1:" + "cHJvZHVjdGlvbi1rZXktZm9yLXRoZS10ZXN0cy0hISE="


def ids(**kwargs) -> set[str]:
    return {message.id for message in run_checks(**kwargs) if message.id.startswith("lms.")}


def production(settings, **overrides):
    settings.DEPLOYMENT_ENVIRONMENT = "production"
    settings.DEBUG = False
    settings.SECRET_KEY = "a-long-random-production-secret-not-in-the-repository"
    settings.ALLOWED_HOSTS = ["xinyu.example.org"]
    settings.LMS_ASSESSMENT_KEYS = GOOD_KEYS
    for name, value in overrides.items():
        setattr(settings, name, value)


def test_the_test_settings_pass_every_check():
    assert ids() == set()


def test_a_sound_production_configuration_passes(settings):
    production(settings)
    assert ids() == set()


def test_the_committed_secret_key_is_refused_in_production(settings):
    production(settings, SECRET_KEY=DEV_KEY)
    assert ids() == {"lms.E003"}


def test_empty_allowed_hosts_are_refused_in_production(settings):
    production(settings, ALLOWED_HOSTS=[])
    assert ids() == {"lms.E004"}


def test_debug_is_refused_in_production(settings):
    production(settings, DEBUG=True)
    assert "lms.E005" in ids()


def test_the_development_settings_are_not_held_to_production_rules(settings):
    settings.DEPLOYMENT_ENVIRONMENT = "development"
    settings.SECRET_KEY = DEV_KEY
    settings.ALLOWED_HOSTS = []
    assert ids() == set()


def test_lms_settings_fall_back_to_the_defaults_in_conf(settings):
    del settings.LMS_ASSESSMENT_RETENTION_DAYS
    days = lms_settings.LMS_ASSESSMENT_RETENTION_DAYS
    assert days == DEFAULTS["LMS_ASSESSMENT_RETENTION_DAYS"]
    settings.LMS_ASSESSMENT_RETENTION_DAYS = 30
    assert lms_settings.LMS_ASSESSMENT_RETENTION_DAYS == 30


def test_the_wsgi_entry_point_defaults_to_production_settings():
    # Started without DJANGO_SETTINGS_MODULE, a server must not fall back to development
    # (DEBUG on, committed keys): production settings refuse to start without SECRET_KEY.
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "SECRET_KEY", "LMS_ASSESSMENT_KEYS"}
    }
    result = subprocess.run(
        [sys.executable, "-c", "import config.wsgi"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
