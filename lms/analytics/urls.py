"""Admin URLs of 学习分析, mounted under /admin/analytics/ (lms.wagtail_hooks)."""

from django.urls import path

from . import views

app_name = "lms_analytics"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("refresh/", views.refresh, name="refresh"),
    path("export/<slug:table>.<str:fmt>", views.export, name="export"),
]
