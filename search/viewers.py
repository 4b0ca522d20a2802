"""The viewer for visitors and staff: everyone-courses ranked by popularity.

A cadre's own viewer (rank, gender, post, age, assignments and, with consent, the
assessment profile) is built by its caller, lms.learning.recommendations.viewer_for.
"""

from lms.people.models import AssessmentSignal

from .ranking import Viewer


def anonymous_viewer() -> Viewer:
    return Viewer(signal_names=dict(AssessmentSignal.objects.values_list("key", "name")))
