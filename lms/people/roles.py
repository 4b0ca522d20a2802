"""The five roles. Cadres have a CadreProfile; the others are Django groups."""

from django.contrib.auth.models import Group

from lms.people.models import CadreProfile

COUNSELLORS = "心理咨询师"
INSTRUCTORS = "党校教师"
DEPARTMENT_ADMINS = "组织部门管理员"


def in_group(user, name: str) -> bool:
    if not user.is_authenticated:
        return False
    return any(group.name == name for group in user.groups.all())


def is_counsellor(user) -> bool:
    return in_group(user, COUNSELLORS)


def counsellors_group() -> Group:
    return Group.objects.get_or_create(name=COUNSELLORS)[0]


def cadre_of(user) -> CadreProfile | None:
    """The user's learner profile, or None for visitors, instructors and administrators.

    The one answer to "is this user a cadre?": pages, the API and recommendations ask it
    here (the API turns None into its 403 `not_a_cadre`)."""
    if user is None or not user.is_authenticated:
        return None
    try:
        return user.cadre_profile
    except CadreProfile.DoesNotExist:
        return None
