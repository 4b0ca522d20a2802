"""Domain errors. Each has a stable code for the API and a Chinese message for people."""

from django.utils.translation import gettext_lazy as _


class LmsError(Exception):
    code = "lms_error"
    status = 400
    default_message = _("The request could not be completed.")

    def __init__(self, message=None, *, details=None):
        self.message = message or self.default_message
        self.details = details or []
        super().__init__(str(self.message))


class NotACadre(LmsError):
    code = "not_a_cadre"
    status = 403
    default_message = _("Only cadres with a learner profile can do this.")


class CourseNotAvailable(LmsError):
    code = "course_not_found"
    status = 404
    default_message = _("This course does not exist or is not published.")


class LessonNotFound(LmsError):
    code = "lesson_not_found"
    status = 404
    default_message = _("This lesson does not exist or is not published.")


class NotEnrolled(LmsError):
    code = "not_enrolled"
    status = 403
    default_message = _("You are not enrolled in this course.")


class RequiredCourse(LmsError):
    code = "required_course"
    status = 409
    default_message = _("This course was assigned to you as required and cannot be dropped.")


class AlreadyCompleted(LmsError):
    code = "already_completed"
    status = 409
    default_message = _("You have already completed this course.")


class QuizNotFound(LmsError):
    code = "quiz_not_found"
    status = 404
    default_message = _("This quiz does not exist in the lesson.")


class InvalidAnswers(LmsError):
    code = "invalid_answers"
    status = 400
    default_message = _("Some answers are missing or invalid; nothing was saved.")


class AttemptsExhausted(LmsError):
    code = "attempts_exhausted"
    status = 409
    default_message = _("You have used all attempts for this quiz.")


class QuizNotPassed(LmsError):
    code = "quiz_not_passed"
    status = 409
    default_message = _("Pass this lesson's quiz to complete it.")


class SessionNotAvailable(LmsError):
    code = "session_not_available"
    status = 404
    default_message = _("This session does not exist or has already taken place.")


class FeedbackNotAllowed(LmsError):
    code = "feedback_not_allowed"
    status = 409
    default_message = _("You can rate a course once you have completed it.")


class InvalidRating(LmsError):
    code = "invalid_rating"
    status = 400
    default_message = _("Choose 1 to 5 stars.")


class ConsentRequired(LmsError):
    code = "consent_required"
    status = 403
    default_message = _("Please read the notice and give your consent before taking an assessment.")


class InstrumentNotFound(LmsError):
    code = "instrument_not_found"
    status = 404
    default_message = _("This assessment is not offered.")


class IncompleteAssessment(LmsError):
    code = "invalid_assessment_answers"
    status = 400
    default_message = _("Some items are unanswered or out of range; nothing was saved.")


class EmptyAudience(LmsError):
    code = "empty_audience"
    status = 409
    default_message = _("The audience covers no cadre today, so the campaign cannot start.")


class DueDateInPast(LmsError):
    code = "due_date_in_past"
    status = 400
    default_message = _("The due date is in the past.")


class NoLiveCourse(LmsError):
    code = "no_live_course"
    status = 409
    default_message = _("Choose at least one published course.")


class CampaignStateError(LmsError):
    code = "campaign_state"
    status = 409
    default_message = _("The campaign cannot do this in its present state.")


class InvalidDeclaration(LmsError):
    """Declared study hours that cannot be accepted; `problems` lists every reason."""

    code = "invalid_declaration"
    status = 400
    default_message = _("The declaration could not be accepted; nothing was saved.")

    def __init__(self, problems):
        super().__init__(details=list(problems))
        self.problems = self.details


class DeclarationAlreadyDecided(LmsError):
    code = "declaration_already_decided"
    status = 409
    default_message = _("This declaration has already been decided.")


class CheckInRefused(LmsError):
    """Checking in at a session's venue with its code did not work; the message says why."""

    code = "check_in_refused"
    status = 400
    default_message = _("Check-in did not work.")
