"""The assessment key ring is checked when the site starts (lms.E001, lms.E002)."""

from django.core.checks import run_checks

COMMITTED_DEV_KEYS = "dev1:ZGV2LW9ubHkta2V5LW5vdC1mb3ItcHJvZHVjdGlvbiE="
FRESH_KEYS = "k2026:cHJvZHVjdGlvbi1rZXktZm9yLXRoZS10ZXN0cy0hISE="


def ids() -> set[str]:
    return {message.id for message in run_checks() if message.id.startswith("lms.E00")}


def test_keys_that_do_not_parse_stop_the_start(settings):
    for broken in ("", "no-colon-here", "k1:not-a-fernet-key", "k-1:" + FRESH_KEYS[6:]):
        settings.LMS_ASSESSMENT_KEYS = broken
        assert ids() == {"lms.E001"}, broken


def test_a_committed_key_is_refused_under_production_settings(settings):
    settings.DEPLOYMENT_ENVIRONMENT = "production"
    settings.SECRET_KEY = "a-long-random-production-secret-not-in-the-repository"
    settings.ALLOWED_HOSTS = ["xinyu.example.org"]
    settings.LMS_ASSESSMENT_KEYS = f"{FRESH_KEYS},{COMMITTED_DEV_KEYS}"
    assert ids() == {"lms.E002"}
    settings.LMS_ASSESSMENT_KEYS = FRESH_KEYS
    assert ids() == set()


def test_development_may_use_the_committed_keys(settings):
    settings.DEPLOYMENT_ENVIRONMENT = "development"
    settings.LMS_ASSESSMENT_KEYS = COMMITTED_DEV_KEYS
    assert ids() == set()
