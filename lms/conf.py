"""The lms app's own settings: their defaults in one place, and the system checks that
refuse a bad configuration when the site starts (`manage.py check`, runserver, migrate),
not at the first request that needs it. The assessment key ring is checked where it is
parsed (lms.assessments.crypto, lms.E001 and lms.E002).

Read a setting as `lms_settings.LMS_ASSESSMENT_RETENTION_DAYS`: the project's value if
config/settings sets one, else the default below.
"""

from django.conf import settings
from django.core import checks

DEFAULTS = {
    # kid:fernet-key[,kid:fernet-key…]; the first encrypts, all decrypt (lms.assessments.crypto).
    "LMS_ASSESSMENT_KEYS": "",
    # Assessments older than this are deleted by the daily beat task.
    "LMS_ASSESSMENT_RETENTION_DAYS": 3 * 365,
    # Trusted-header single sign-on (lms.people.sso): off unless a header name is given.
    "LMS_SSO_HEADER": "",
    # Cadres assigned per transaction by a campaign's background task.
    "LMS_CAMPAIGN_BATCH": 500,
    # Public certificate checks per visitor address per window (lms.people.throttling):
    # enough for an office checking a pile of certificates, too few to guess codes.
    "LMS_CERTIFICATE_LOOKUP_LIMIT": 30,
    "LMS_CERTIFICATE_LOOKUP_WINDOW": 10 * 60,  # seconds
    # Reverse proxies in front of the site that append to X-Forwarded-For; 0 means
    # REMOTE_ADDR is the visitor. Lockouts and lookup limits count per visitor address.
    "LMS_PROXY_COUNT": 0,
    # 学习分析 (lms.analytics): no figure describes fewer than K people; K_HEALTH applies to
    # anything derived from assessments or from courses that address assessment signals.
    "LMS_ANALYTICS_K": 5,
    "LMS_ANALYTICS_K_HEALTH": 11,
    # With no summaries yet, a site with at most this many enrolments builds them while the
    # dashboard waits; a larger one shows a notice and builds them in the background.
    "LMS_ANALYTICS_COLD_BUILD_MAX": 20_000,
    # A cadre's recommendation panel is cached this long (seconds) at most; any change to
    # their enrolments, consent, profile or to the catalogue drops it sooner.
    "LMS_RECOMMENDATION_CACHE_SECONDS": 5 * 60,
    # Declared study hours (lms.learning.credits.declare): at most this many hours on one
    # day, and evidence files (PDF, JPEG, PNG) up to this size.
    "LMS_DECLARED_DAILY_CAP": 8,
    "LMS_EVIDENCE_MAX_BYTES": 5 * 1024 * 1024,
    # A TrueType font embedded in PDF certificates for their Chinese text (Debian's
    # fonts-wqy-zenhei); without the file, Adobe's STSong-Light is named instead.
    "LMS_CERTIFICATE_FONT": "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    # "production" turns on the checks for committed keys and missing hosts.
    "DEPLOYMENT_ENVIRONMENT": "development",
}

# The keys committed in config/settings/dev.py and test.py: anyone can read them, so
# they must never protect real data.
COMMITTED_ASSESSMENT_KEYS = {
    "ZGV2LW9ubHkta2V5LW5vdC1mb3ItcHJvZHVjdGlvbiE=",
    "dGVzdC1vbmx5LWtleS1mb3ItYXNzZXNzbWVudHMhIT0=",
}
COMMITTED_SECRET_KEYS = {"dev-only-insecure-key-not-for-production", "test-only-key"}


class LmsSettings:
    def __getattr__(self, name):
        if name not in DEFAULTS:
            raise AttributeError(name)
        return getattr(settings, name, DEFAULTS[name])


lms_settings = LmsSettings()


def in_production() -> bool:
    return lms_settings.DEPLOYMENT_ENVIRONMENT == "production"


@checks.register(checks.Tags.security)
def check_production_settings(app_configs=None, **kwargs):
    if not in_production():
        return []
    errors = []
    if settings.SECRET_KEY in COMMITTED_SECRET_KEYS:
        errors.append(
            checks.Error(
                "SECRET_KEY is a key committed to the repository.",
                hint="Set SECRET_KEY in the environment to a long random value.",
                id="lms.E003",
            )
        )
    if not settings.ALLOWED_HOSTS:
        errors.append(
            checks.Error(
                "ALLOWED_HOSTS is empty: every request would be refused with 400.",
                hint="Set ALLOWED_HOSTS to the site's host names, comma-separated.",
                id="lms.E004",
            )
        )
    if settings.DEBUG:
        errors.append(
            checks.Error(
                "DEBUG is on under production settings.",
                id="lms.E005",
            )
        )
    return errors


@checks.register()
def check_analytics_thresholds(app_configs=None, **kwargs):
    k, k_health = lms_settings.LMS_ANALYTICS_K, lms_settings.LMS_ANALYTICS_K_HEALTH
    if not (isinstance(k, int) and isinstance(k_health, int) and 2 <= k <= k_health):
        return [
            checks.Error(
                f"LMS_ANALYTICS_K ({k!r}) and LMS_ANALYTICS_K_HEALTH ({k_health!r}) must be "
                "whole numbers with 2 ≤ LMS_ANALYTICS_K ≤ LMS_ANALYTICS_K_HEALTH.",
                hint="Small-cell suppression needs a threshold of at least 2 people, and "
                "health data at least the threshold of learning data.",
                id="lms.E006",
            )
        ]
    return []
