"""What recommendations may know of a cadre, gathered in a fixed number of queries.

The assessment profile is read only while the cadre's consent is active; without it the
viewer carries no signals and recommendations rest on audience, assignments and
popularity. The viewer is passed to a backend as query parameters and never indexed.
"""

from django.utils import timezone

from lms.assessments import profile_for_recommendations
from lms.models import AssessmentSignal, CadreProfile, Enrollment, EnrollmentStatus, ProfileRules

from .ranking import Viewer


def viewer_for(cadre: CadreProfile, *, personalised: bool = True) -> Viewer:
    today = timezone.localdate()
    enrollments = Enrollment.objects.filter(cadre=cadre).values_list(
        "course_id", "status", "required", "due_date"
    )
    completed, required_due = set(), []
    for course_id, status, required, due_date in enrollments:
        if status == EnrollmentStatus.COMPLETED:
            completed.add(course_id)
        elif required and status == EnrollmentStatus.ACTIVE:
            required_due.append((course_id, due_date.isoformat() if due_date else ""))
    profile = profile_for_recommendations(cadre) if personalised else None
    signals: tuple[str, ...] = ()
    rung = None
    if profile:
        signals = tuple(dict.fromkeys([*profile.get("factors", []), *profile.get("sources", [])]))
        rung = profile.get("rung")
    rules = ProfileRules.current()
    return Viewer(
        rank_id=cadre.rank_id,
        rank_ordinal=cadre.rank.ordinal,
        rank_name=cadre.rank.name,
        gender=cadre.gender,
        post_category=cadre.post_category.code,
        age=cadre.age_in(today.year),
        completed=frozenset(completed),
        required_due=tuple(sorted(required_due)),
        signals=signals,
        rung=rung,
        signal_tracks=rules.signal_tracks,
        signal_names=dict(AssessmentSignal.objects.values_list("key", "name")),
    )


def anonymous_viewer() -> Viewer:
    """For visitors and staff: everyone-courses ranked by popularity."""
    return Viewer(signal_names=dict(AssessmentSignal.objects.values_list("key", "name")))
