"""Test settings: SQLite by default, PostgreSQL when DATABASE_URL says so (CI runs both)."""

from .base import *  # noqa: F403

DEBUG = False
DEPLOYMENT_ENVIRONMENT = "test"
SECRET_KEY = "test-only-key"  # noqa: S105
LMS_ASSESSMENT_KEYS = "test1:dGVzdC1vbmx5LWtleS1mb3ItYXNzZXNzbWVudHMhIT0="  # noqa: S105
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# Hashing passwords with the production hasher would dominate the suite's run time.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
MEDIA_ROOT = BASE_DIR / ".test-media"  # noqa: F405
PRIVATE_MEDIA_ROOT = BASE_DIR / ".test-private-media"  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # On disk, as in production, but under the checkout (ignored by git).
    "evidence": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": "/no-public-url/"},
    },
}
WAGTAILADMIN_BASE_URL = "http://testserver"
# No raising `string_if_invalid`: it would fire in Wagtail's templates too, which reference
# missing variables routinely. tests/test_log_hygiene.py finds those of ours from the log.
