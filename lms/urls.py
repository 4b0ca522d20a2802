"""The lms pages. Each package keeps its own URL namespace (lms, lms_assessment,
lms_counsellor), so every URL name stays what it was."""

from django.urls import include, path

urlpatterns = [
    path("", include("lms.learning.urls")),
    path("", include("lms.assessments.urls")),
    path("", include("lms.assessments.counsellor_urls")),
]
