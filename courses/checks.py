"""System checks of the catalogue's content (registered in CoursesConfig.ready)."""

from django.core import checks
from django.db import DatabaseError

SHOWN = 10


def check_course_roles(app_configs=None, databases=None, **kwargs):
    """Live courses without a kind of help (role) are ranked as psycho-education: listed
    so that an instructor can say what each one really offers (issue 15).

    It reads the database, so it runs where Django runs database checks: `migrate` (and so
    `make run`) and `manage.py check --database default`."""
    from courses.models import CoursePage

    if not databases:
        return []
    try:
        missing = list(CoursePage.objects.live().filter(role="").values_list("title", flat=True))
    except DatabaseError:  # no tables yet (before migrate): nothing to check
        return []
    if not missing:
        return []
    names = "、".join(missing[:SHOWN]) + ("……" if len(missing) > SHOWN else "")
    return [
        checks.Warning(
            f"{len(missing)} live course(s) have no role and are recommended as "
            f"psycho-education: {names}",
            hint="Choose 课程提供的帮助 in each course's 受众 tab.",
            id="courses.W001",
        )
    ]
