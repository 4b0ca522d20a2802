"""Production: PostgreSQL, Redis-backed Celery workers, Elasticsearch; all from the environment."""

from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_str

from .base import *  # noqa: F403
from .base import LOG_FORMATS, LOGGING, STORAGES

DEBUG = False
# Turns on the system checks for committed keys, empty ALLOWED_HOSTS and DEBUG (lms/conf.py).
DEPLOYMENT_ENVIRONMENT = "production"
SECRET_KEY = env_str("SECRET_KEY")
LMS_ASSESSMENT_KEYS = env_str("LMS_ASSESSMENT_KEYS")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# HTTPS only. Behind a TLS-terminating proxy that redirects to HTTPS itself, set
# SECURE_SSL_REDIRECT=false; the proxy must still send X-Forwarded-Proto.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 60 * 60)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "SAMEORIGIN"

SILENCED_SYSTEM_CHECKS = [
    # X-Frame-Options SAMEORIGIN, not DENY: Wagtail's preview panel frames our own pages.
    "security.W019",
    # No HSTS preload: putting the domain on browsers' preload list is its owner's decision.
    "security.W021",
]
if not SECURE_SSL_REDIRECT:
    # The switch declares that the TLS-terminating proxy redirects plain HTTP to HTTPS.
    SILENCED_SYSTEM_CHECKS.append("security.W008")

# Logs for a collector: one JSON object per line, each with its request id.
LOG_FORMAT = env_str("LOG_FORMAT", "json")
if LOG_FORMAT not in LOG_FORMATS:
    raise ImproperlyConfigured(f"LOG_FORMAT must be one of {LOG_FORMATS}, not {LOG_FORMAT!r}.")
LOGGING["handlers"]["console"]["formatter"] = LOG_FORMAT
# Workers say when they start and each task's outcome (with the request id that queued it).
LOGGING["loggers"]["celery"] = {"level": "INFO"}
