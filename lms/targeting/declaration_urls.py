"""Admin URLs of 学时审核, mounted under /admin/declarations/ (lms.wagtail_hooks)."""

from django.urls import path

from . import declarations

app_name = "lms_declarations"
urlpatterns = [
    path("", declarations.queue, name="queue"),
    path("<int:record_id>/decision/", declarations.decision, name="decide"),
    path("<int:record_id>/evidence/", declarations.evidence, name="evidence"),
]
