from django.urls import path

from lms.assessments import views

app_name = "lms_assessment"

urlpatterns = [
    path("assessment/", views.index, name="index"),
    path("assessment/consent/", views.consent, name="consent"),
    path("assessment/help/", views.help_page, name="help"),
    path("assessment/results/<int:pk>/", views.result, name="result"),
    # Last: an instrument key would otherwise shadow the fixed paths above.
    path("assessment/<slug:key>/", views.take, name="take"),
    path("my/data/export/", views.export, name="export"),
    path("my/data/delete-assessments/", views.delete, name="delete"),
]
