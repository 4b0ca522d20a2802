"""Settings shared by every environment. Environment-specific modules import from here."""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_str
from lms.conf import DEFAULTS as LMS_DEFAULTS

BASE_DIR = Path(__file__).resolve().parent.parent.parent

INSTALLED_APPS = [
    "courses",
    "lms",
    "search",
    "theme",
    # Chinese for the Wagtail admin strings that Wagtail's own zh_Hans catalogue lacks.
    "theme.wagtail_catalogue",
    "csp",
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
    "axes",  # login lockouts (lms/people/throttling.py)
]

MIDDLEWARE = [
    # First: /healthz and /readyz for load balancers, before Host checks and redirects.
    "config.health.HealthCheckMiddleware",
    # Every request gets an id, in its log records and its X-Request-ID header.
    "config.logging.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "theme.middleware.PrivateCacheMiddleware",
    "theme.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lms.people.sessions.SessionRenewalMiddleware",
    "theme.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "lms.people.passwords.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # 413 for a body over DATA_UPLOAD_MAX_MEMORY_SIZE before a view reads it (and handler400).
    "theme.request_limits.RequestSizeLimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: turns a refused sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Response headers (theme/middleware.py). The site's own pages run no inline script or
# style: an inline <script> must carry the nonce ({{ request.csp_nonce }}).
# Lessons may play videos from the intranet video server (CSP_MEDIA_ORIGINS).
CSP_MEDIA_ORIGINS = env_list("CSP_MEDIA_ORIGINS")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "media-src": [SELF, *CSP_MEDIA_ORIGINS],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    }
}
# Wagtail 8's admin still ships inline scripts (inline panels, date pickers) and style
# attributes; the policy allows those and, enforced, still refuses other hosts and eval.
ADMIN_CONTENT_SECURITY_POLICY = {
    "URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "script-src": [SELF, "'unsafe-inline'"],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:"],
        "media-src": [SELF, "blob:", *CSP_MEDIA_ORIGINS],
    },
}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

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
    {
        # Django's, with its Chinese error message (see the class).
        "NAME": "lms.people.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# Sessions end after SESSION_COOKIE_AGE without a request and when the browser closes:
# cadres share intranet desktops. A signed-in request renews the session every few
# minutes (lms/people/sessions.py) rather than with SESSION_SAVE_EVERY_REQUEST, which
# would write the session row on every request.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Without Wagtail's "remember me", which would outlive the browser.
WAGTAILADMIN_USER_LOGIN_FORM = "lms.people.sessions.AdminLoginForm"

# Login lockouts (django-axes, lms/people/throttling.py): AXES_FAILURE_LIMIT failed
# sign-ins within the cool-off lock the account, and separately the address, until the
# newest of them is AXES_COOLOFF_MINUTES old. The site login, the Wagtail admin login and
# API bearer tokens all count; `manage.py axes_reset_username USER` unlocks early.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = "lms.people.throttling.lockout_parameters"
AXES_CLIENT_IP_CALLABLE = "lms.people.throttling.client_address"
AXES_WHITELIST_CALLABLE = "lms.people.throttling.is_single_sign_on"
AXES_LOCKOUT_CALLABLE = "lms.people.throttling.lockout_response"
# Tries during a lockout do not extend it, so the time on the lockout page holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Every failure is kept (who, from where, whether it locked) for the audit trail.
AXES_ENABLE_ACCESS_FAILURE_LOG = True

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
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "theme.staticfiles.PlotlyFinder",  # /static/plotly/plotly.min.js, from the plotly package
]
STATIC_ROOT = BASE_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# Evidence that cadres upload with declared study hours is personal: kept apart from MEDIA
# (which a web server may serve to anyone) and handed out only by the views that check
# who asks (lms.learning.views.declaration_evidence, lms.targeting.declarations).
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private-media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "evidence": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": "/no-public-url/"},
    },
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
# No avatars from gravatar.com: intranets have no internet, and the admin's CSP refuses them.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILEMBEDS_RESPONSIVE_HTML = True

# The cache: per process by default; production sets CACHE_URL (Redis) so that every
# worker process sees the same entries, and a change one process makes (a cadre's
# enrolment dropping their cached recommendations) is seen by all.
CACHE_URL = env_str("CACHE_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

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
# Workers log through LOGGING below, as the web processes do (LOG_FORMAT, request ids of
# the requests that queued each task), not through Celery's own root handler.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
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
LMS_CERTIFICATE_LOOKUP_LIMIT = env_int(
    "LMS_CERTIFICATE_LOOKUP_LIMIT", LMS_DEFAULTS["LMS_CERTIFICATE_LOOKUP_LIMIT"]
)
LMS_CERTIFICATE_LOOKUP_WINDOW = env_int(
    "LMS_CERTIFICATE_LOOKUP_WINDOW", LMS_DEFAULTS["LMS_CERTIFICATE_LOOKUP_WINDOW"]
)
# Behind the intranet's reverse proxy REMOTE_ADDR is the proxy: without this, one
# address's lockout would lock everyone out.
LMS_PROXY_COUNT = env_int("LMS_PROXY_COUNT", LMS_DEFAULTS["LMS_PROXY_COUNT"])
# Recommendations' cache, declared hours, PDF certificates (lms/conf.py says more).
LMS_RECOMMENDATION_CACHE_SECONDS = env_int(
    "LMS_RECOMMENDATION_CACHE_SECONDS", LMS_DEFAULTS["LMS_RECOMMENDATION_CACHE_SECONDS"]
)
LMS_DECLARED_DAILY_CAP = env_int("LMS_DECLARED_DAILY_CAP", LMS_DEFAULTS["LMS_DECLARED_DAILY_CAP"])
LMS_EVIDENCE_MAX_BYTES = env_int("LMS_EVIDENCE_MAX_BYTES", LMS_DEFAULTS["LMS_EVIDENCE_MAX_BYTES"])
LMS_CERTIFICATE_FONT = env_str("LMS_CERTIFICATE_FONT", LMS_DEFAULTS["LMS_CERTIFICATE_FONT"])
# 学习分析: small-cell thresholds and the largest site built while the dashboard waits.
LMS_ANALYTICS_K = env_int("LMS_ANALYTICS_K", LMS_DEFAULTS["LMS_ANALYTICS_K"])
LMS_ANALYTICS_K_HEALTH = env_int("LMS_ANALYTICS_K_HEALTH", LMS_DEFAULTS["LMS_ANALYTICS_K_HEALTH"])
LMS_ANALYTICS_COLD_BUILD_MAX = env_int(
    "LMS_ANALYTICS_COLD_BUILD_MAX", LMS_DEFAULTS["LMS_ANALYTICS_COLD_BUILD_MAX"]
)
# Exactly one beat sends the schedule, however many machines run one (config/beat.py).
CELERY_BEAT_SCHEDULER = "config.beat:SingleBeatScheduler"
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
    # 学习分析 reads summaries rebuilt each night (and on demand from the dashboard).
    "analytics-rebuild": {
        "task": "lms.analytics.tasks.rebuild_summaries",
        "schedule": crontab(hour=2, minute=0),
    },
    # Repairs whatever the per-page sync tasks missed (an outage beyond their retries).
    "reconcile-course-search": {
        "task": "search.tasks.reconcile",
        "schedule": 24 * 60 * 60,
    },
}

# Trusted-header single sign-on (lms/people/sso.py): off unless the header name is given.
LMS_SSO_HEADER = env_str("LMS_SSO_HEADER", LMS_DEFAULTS["LMS_SSO_HEADER"])
AUTHENTICATION_BACKENDS = [
    # First, as django-axes asks: refuses any sign-in while locked out.
    "lms.people.throttling.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
if LMS_SSO_HEADER:
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
        "lms.people.sso.TrustedHeaderMiddleware",
    )
    AUTHENTICATION_BACKENDS.insert(1, "lms.people.sso.ExistingUsersOnlyBackend")

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

# "plain" lines for a terminal, or "json" (one object per line) for a log collector.
LOG_FORMAT = env_str("LOG_FORMAT", "plain")
LOG_FORMATS = ("plain", "json")
if LOG_FORMAT not in LOG_FORMATS:
    raise ImproperlyConfigured(f"LOG_FORMAT must be one of {LOG_FORMATS}, not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"},
        "json": {"()": "config.logging.JsonFormatter"},
    },
    # A template's context holds a cadre's name and scores: never logged (config/logging.py).
    # On the django.template logger, so no handler sees it (Django's own or one added later),
    # and on every handler here too, for records of its child loggers, which skip that filter.
    "filters": {
        "no_template_context": {"()": "config.logging.DropTemplateContext"},
        "request_id": {"()": "config.logging.RequestIdFilter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["no_template_context", "request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "django.template": {"filters": ["no_template_context"]},
        "courses": {"level": "INFO"},
        "lms": {"level": "INFO"},
        "search": {"level": "INFO"},
    },
}
