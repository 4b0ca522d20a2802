"""The five roles. Cadres have a CadreProfile; the others are Django groups."""

from django.contrib.auth.models import Group

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


def cadre_of(user):
    """The user's CadreProfile, or None for staff roles and anonymous visitors."""
    if not user.is_authenticated:
        return None
    from .models import CadreProfile

    try:
        return user.cadre_profile
    except CadreProfile.DoesNotExist:
        return None
