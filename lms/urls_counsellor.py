from django.urls import path  # noqa: F401

app_name = "lms_counsellor"

urlpatterns: list = []
