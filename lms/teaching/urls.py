"""Admin URLs of the course reports, mounted under /admin/courses/ (lms.wagtail_hooks)."""

from django.urls import path

from . import views

app_name = "lms_teaching"
urlpatterns = [
    path("reports/", views.index, name="reports"),
    path("<int:course_id>/report/", views.course, name="report"),
    path("<int:course_id>/report.<str:fmt>", views.export, name="report_export"),
    path(
        "<int:course_id>/sessions/<int:session_id>/attendance/",
        views.attendance,
        name="attendance",
    ),
]
