"""Demo ratings and comments, so the course report and the course pages show some.

About 40 % of completed enrolments leave a rating: mostly 4 or 5 stars, sometimes 3, rarely
lower; a third of those add one of a few comments a cadre might write. Randomness is seeded
per enrolment, and an enrolment rated once is never rated again, so seeding twice changes
nothing. Written with bulk_create, as the learning history is.
"""

import random

from django.db.models import OuterRef, Subquery

from lms.models.learning import CourseFeedback, Enrollment, EnrollmentStatus

SHARE_RATING = 0.4
SHARE_COMMENTING = 1 / 3
STARS = [(5, 0.45), (4, 0.35), (3, 0.14), (2, 0.04), (1, 0.02)]
COMMENTS = [
    "案例贴近工作实际，方法可以直接用上。",
    "讲得很实在，希望多安排线下交流。",
    "放松练习很有帮助，睡前做了几次效果不错。",
    "内容有点多，建议每节课再短一些。",
    "希望增加一些基层一线的案例。",
    "测验题目帮助我巩固了重点。",
]


def seed_feedback() -> int:
    """Rate a share of completed enrolments that have no rating yet; returns how many."""
    rated = set(CourseFeedback.objects.values_list("enrollment_id", flat=True))
    rows = []
    completed = Enrollment.objects.filter(status=EnrollmentStatus.COMPLETED).values_list(
        "pk", flat=True
    )
    for pk in completed.iterator(chunk_size=2000):
        if pk in rated:
            continue
        rng = random.Random(f"feedback:{pk}")  # noqa: S311  (demo data, not security)
        if rng.random() >= SHARE_RATING:
            continue
        stars = rng.choices([s for s, _w in STARS], weights=[w for _s, w in STARS])[0]
        comment = rng.choice(COMMENTS) if rng.random() < SHARE_COMMENTING else ""
        rows.append(CourseFeedback(enrollment_id=pk, rating=stars, comment=comment))
    CourseFeedback.objects.bulk_create(rows, batch_size=1000)
    # Rated when they completed, as a cadre rates on finishing (created_at is set to now
    # on insert).
    CourseFeedback.objects.filter(enrollment_id__in=[row.enrollment_id for row in rows]).update(
        created_at=Subquery(
            Enrollment.objects.filter(pk=OuterRef("enrollment_id")).values("completed_at")[:1]
        )
    )
    return len(rows)
