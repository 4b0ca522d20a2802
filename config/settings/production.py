"""Production: PostgreSQL, Redis-backed Celery workers, Elasticsearch; all from the environment."""

from config.env import env_bool, env_int, env_list, env_str

from .base import *  # noqa: F403
from .base import STORAGES

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
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "SAMEORIGIN"
