from django.urls import path

from lms.assessments import counsellor_views as views

app_name = "lms_counsellor"

urlpatterns = [
    path("counsellor/", views.worklist, name="worklist"),
    path("counsellor/cadres/<int:cadre_id>/", views.cadre_results, name="cadre"),
    path("counsellor/follow-ups/<int:pk>/", views.follow_up, name="follow_up"),
    path("counsellor/follow-ups/<int:pk>/notes/", views.follow_up_note, name="follow_up_note"),
]
