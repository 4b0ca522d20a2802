from django.urls import path

from lms.learning import views

app_name = "lms"

urlpatterns = [
    path("my/", views.my_learning, name="my_learning"),
    path("my/transcript/", views.transcript_view, name="transcript"),
    path("my/credits/declare/", views.declare_view, name="declare"),
    path(
        "my/credits/declarations/<int:record_id>/evidence/",
        views.declaration_evidence,
        name="declaration_evidence",
    ),
    path("my/certificates/<str:code>/", views.certificate_view, name="certificate"),
    path("my/courses/<int:course_id>/enrol/", views.enrol_view, name="enrol"),
    path("my/courses/<int:course_id>/withdraw/", views.withdraw_view, name="withdraw"),
    path("my/courses/<int:course_id>/feedback/", views.feedback_view, name="leave_feedback"),
    path(
        "my/lessons/<int:lesson_id>/position/",
        views.lesson_position_view,
        name="lesson_position",
    ),
    path(
        "my/lessons/<int:lesson_id>/complete/",
        views.complete_lesson_view,
        name="complete_lesson",
    ),
    path(
        "my/lessons/<int:lesson_id>/quizzes/<str:quiz_id>/",
        views.submit_quiz_view,
        name="submit_quiz",
    ),
    path(
        "my/sessions/<int:session_id>/sign-up/",
        views.session_sign_up_view,
        name="session_sign_up",
    ),
    path("my/sessions/<int:session_id>/cancel/", views.session_cancel_view, name="session_cancel"),
    path("my/sessions/<int:session_id>/check-in/", views.check_in_view, name="check_in"),
    path(
        "my/sessions/<int:session_id>/calendar.ics",
        views.session_calendar_view,
        name="session_calendar",
    ),
    path("certificates/", views.certificate_lookup, name="certificate_lookup"),
    path("certificates/<str:code>/", views.verify_certificate, name="verify_certificate"),
]
