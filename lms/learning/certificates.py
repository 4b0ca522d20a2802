"""Certificates of completion with a public verification code."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from lms.models.learning import Certificate, CreditRecord, CreditSource, Enrollment


def issue_certificate(enrollment: Enrollment) -> Certificate:
    """Issue once per completed enrollment; the holder and course are frozen at issue."""
    existing = Certificate.objects.filter(enrollment=enrollment).first()
    if existing:
        return existing
    record = CreditRecord.objects.filter(
        cadre_id=enrollment.cadre_id, course_id=enrollment.course_id, source=CreditSource.ONLINE
    ).first()
    hours = record.hours if record else enrollment.course.credit_hours
    for _ in range(5):
        try:
            with transaction.atomic():
                return Certificate.objects.create(
                    enrollment=enrollment,
                    code=Certificate.new_code(),
                    holder_name=enrollment.cadre.name,
                    course_title=enrollment.course.title,
                    hours=hours,
                    issued_on=timezone.localdate(enrollment.completed_at or timezone.now()),
                )
        except IntegrityError:
            existing = Certificate.objects.filter(enrollment=enrollment).first()
            if existing:
                return existing
            # Otherwise the random code collided: draw another.
    raise RuntimeError("could not draw a unique certificate code")


def verify(code: str) -> Certificate | None:
    return Certificate.objects.filter(code=code.strip().upper()).first()
