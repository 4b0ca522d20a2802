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
    """In the counsellors' group and allowed to be there: an administrator put into the
    group behind the user admin's back (shell, fixtures, SQL) still reads nothing."""
    # Imported here because separation builds on the names above.
    from lms.people.separation import can_be_counsellor

    # Asked several times per request (the view, the header, the admin menu): the answer is
    # kept on the user object, which lives for one request.
    if user is None or not user.is_authenticated or user.is_superuser:
        return False  # a superuser is an administrator, never a counsellor (separation)
    cached = getattr(user, "_lms_is_counsellor", None)
    if cached is None:
        groups = list(user.groups.all())
        cached = any(group.name == COUNSELLORS for group in groups) and can_be_counsellor(
            user, groups
        )
        user._lms_is_counsellor = cached
    return cached


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


def landing_url(user) -> str:
    """Where a user's work starts, after signing in: counsellors at their worklist,
    instructors and administrators in the Wagtail admin, cadres at 我的学习."""
    if is_counsellor(user):
        return "/counsellor/"
    if user.has_perm("wagtailadmin.access_admin"):
        return "/admin/"
    if cadre_of(user) is not None:
        return "/my/"
    return "/"
