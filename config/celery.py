import os

from celery import Celery

# Workers are production processes: without DJANGO_SETTINGS_MODULE they get production
# settings, never DEBUG and the committed keys (manage.py sets dev before importing this).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

app = Celery("xinyu")
# Every Celery option is read once from Django settings with the CELERY_ prefix.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The lms app keeps its tasks in its packages, not in one lms/tasks.py.
app.autodiscover_tasks(["lms.assessments", "lms.targeting", "lms.analytics"])
