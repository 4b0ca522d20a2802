from django.urls import path  # noqa: F401

app_name = "lms_assessment"

urlpatterns: list = []
