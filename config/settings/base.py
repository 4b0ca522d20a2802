"""Settings shared by every environment. Environment-specific modules import from here."""

from pathlib import Path

import dj_database_url
from celery.schedules import crontab

from config.env import env_bool, env_int, env_list, env_str
from lms.conf import DEFAULTS as LMS_DEFAULTS

BASE_DIR = Path(__file__).resolve().parent.parent.parent

INSTALLED_APPS = [
    "courses",
    "lms",
    "search",
    "theme",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "lms.people.apps_users.UsersAppConfig",  # wagtail.users, with the role separation
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "theme.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# The embedded default is SQLite; production sets DATABASE_URL (PostgreSQL).
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# Chinese first: every cadre-facing page defaults to Simplified Chinese.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [
    ("zh-hans", "简体中文"),
    ("en", "English"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Wagtail
WAGTAIL_SITE_NAME = "心育"
WAGTAILADMIN_BASE_URL = env_str("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
# Wagtail's database search with Chinese text cut into bigrams (search/wagtail_search.py).
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "search.wagtail_search"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "pptx", "xlsx", "txt", "mp3", "mp4", "webm", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 500 * 1024 * 1024  # lecture recordings are large
WAGTAIL_ENABLE_UPDATE_CHECK = False  # intranets have no internet
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
WAGTAILEMBEDS_RESPONSIVE_HTML = True

# Celery: the embedded default runs tasks eagerly in-process; production sets
# CELERY_BROKER_URL (Redis) and runs real workers.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "memory://localhost/")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env_bool(
    "CELERY_TASK_ALWAYS_EAGER", CELERY_BROKER_URL.startswith("memory://")
)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_TIME_LIMIT = 10 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 9 * 60
CELERY_TASK_ACKS_LATE = True
# A task whose worker dies is redelivered, not lost; with acks_late a worker takes one
# message at a time, so a killed worker strands no others.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redis hands an unacknowledged task to another worker after this many seconds; longer
# than any task runs (an assignment of 50,000 cadres takes under a minute).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 60 * 60),
}
CELERY_TIMEZONE = TIME_ZONE

# The lms app's own settings; their defaults and meaning are in lms/conf.py.
# Assessment answers and scores are encrypted with LMS_ASSESSMENT_KEYS
# (lms/assessments/crypto.py), never with SECRET_KEY. Production must set it; dev and
# test use fixed keys, which a system check refuses under production settings.
LMS_ASSESSMENT_KEYS = env_str("LMS_ASSESSMENT_KEYS", LMS_DEFAULTS["LMS_ASSESSMENT_KEYS"])
LMS_ASSESSMENT_RETENTION_DAYS = env_int(
    "LMS_ASSESSMENT_RETENTION_DAYS", LMS_DEFAULTS["LMS_ASSESSMENT_RETENTION_DAYS"]
)
DEPLOYMENT_ENVIRONMENT = LMS_DEFAULTS["DEPLOYMENT_ENVIRONMENT"]
LMS_CAMPAIGN_BATCH = env_int("LMS_CAMPAIGN_BATCH", LMS_DEFAULTS["LMS_CAMPAIGN_BATCH"])
CELERY_BEAT_SCHEDULE = {
    "purge-expired-assessments": {
        "task": "lms.tasks.purge_expired_assessments",
        "schedule": 24 * 60 * 60,
    },
    # Reminders and digests arrive at the start of the working day.
    "targeting-reminders": {
        "task": "lms.targeting.tasks.send_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
    "targeting-overdue-digests": {
        "task": "lms.targeting.tasks.send_overdue_digests",
        "schedule": crontab(hour=8, minute=30),
    },
    # Repairs whatever the per-page sync tasks missed (an outage beyond their retries).
    "reconcile-course-search": {
        "task": "search.tasks.reconcile",
        "schedule": 24 * 60 * 60,
    },
}

# Trusted-header single sign-on (lms/people/sso.py): off unless the header name is given.
LMS_SSO_HEADER = env_str("LMS_SSO_HEADER", LMS_DEFAULTS["LMS_SSO_HEADER"])
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
if LMS_SSO_HEADER:
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
        "lms.people.sso.TrustedHeaderMiddleware",
    )
    AUTHENTICATION_BACKENDS.insert(0, "lms.people.sso.ExistingUsersOnlyBackend")

# Search backends for courses (see search/backends): the database alone by default; with
# ELASTICSEARCH_URL, Elasticsearch answers and the database stays beside it as the fallback.
ELASTICSEARCH_URL = env_str("ELASTICSEARCH_URL", "")
LMS_SEARCH_BACKENDS = {"default": {"BACKEND": "search.backends.database"}}
if ELASTICSEARCH_URL:
    LMS_SEARCH_BACKENDS = {
        "default": {
            "BACKEND": "search.backends.elasticsearch",
            "URLS": env_list("ELASTICSEARCH_URL"),
            "INDEX": env_str("ELASTICSEARCH_INDEX", "xinyu-courses"),
            "ANALYZER": env_str("ELASTICSEARCH_ANALYZER", "cjk"),
            "TIMEOUT": env_int("ELASTICSEARCH_TIMEOUT", 2),
            # For servers that refuse the 8.x client's compatibility headers.
            "PLAIN_JSON": env_bool("ELASTICSEARCH_PLAIN_JSON", False),
        },
        "database": {"BACKEND": "search.backends.database"},
    }

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "courses": {"level": "INFO"},
        "lms": {"level": "INFO"},
        "search": {"level": "INFO"},
    },
}
