import os

from celery import Celery
from celery.signals import before_task_publish, task_postrun, task_prerun

from config.logging import drop_request_id, send_request_id, take_request_id

# Workers are production processes: without DJANGO_SETTINGS_MODULE they get production
# settings, never DEBUG and the committed keys (manage.py sets dev before importing this).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

app = Celery("xinyu")
# Every Celery option is read once from Django settings with the CELERY_ prefix.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The lms app keeps its tasks in its packages, not in one lms/tasks.py.
app.autodiscover_tasks(["lms.assessments", "lms.targeting", "lms.analytics"])

# Log records of a task carry the id of the request that queued it (config/logging.py).
before_task_publish.connect(send_request_id, weak=False)
task_prerun.connect(take_request_id, weak=False)
task_postrun.connect(drop_request_id, weak=False)
