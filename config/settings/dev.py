"""The embedded default: SQLite, eager Celery, database search. Needs no environment."""

from config.env import env_list, env_str

from .base import *  # noqa: F403

DEBUG = True
# A development-only key: production.py refuses to start without a real SECRET_KEY.
SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-not-for-production")  # noqa: S105
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# A development-only key ring; production.py requires LMS_ASSESSMENT_KEYS.
LMS_ASSESSMENT_KEYS = env_str(
    "LMS_ASSESSMENT_KEYS",
    "dev1:ZGV2LW9ubHkta2V5LW5vdC1mb3ItcHJvZHVjdGlvbiE=",  # noqa: S105
)
