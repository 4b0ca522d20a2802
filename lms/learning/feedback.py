"""Ratings after completion, and a course's average."""

from django.db.models import Avg, Count

from lms.errors import FeedbackNotAllowed, InvalidRating
from lms.models.learning import CourseFeedback, Enrollment, EnrollmentStatus


def leave_feedback(enrollment: Enrollment, rating: int, comment: str = "") -> CourseFeedback:
    """One rating per enrollment; leaving it again updates it."""
    if enrollment.status != EnrollmentStatus.COMPLETED:
        raise FeedbackNotAllowed()
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise InvalidRating()
    feedback, _ = CourseFeedback.objects.update_or_create(
        enrollment=enrollment, defaults={"rating": rating, "comment": comment.strip()}
    )
    return feedback


def course_rating(course) -> dict:
    result = CourseFeedback.objects.filter(enrollment__course=course).aggregate(
        average=Avg("rating"), count=Count("pk")
    )
    return {"average": result["average"], "count": result["count"]}
