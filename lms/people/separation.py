"""Separation of duties around the counsellor role (心理咨询师).

A counsellor reads the results of cadres who share them with counsellors, so the role is
kept apart from administration: granting or removing it takes its own permission
(`lms.grant_counsellor_role`), nobody grants it to their own account, and an
administrator account is never also a counsellor. An administrator is a superuser, a
staff account, a member of 组织部门管理员, anyone with an AdministratorScope, or anyone
who reaches the Wagtail admin through something other than the counsellor role itself.

The user admin checks a group change here before saving it and saves it through
`change_groups`, which announces every grant and revoke on the `ROLE_CHANGED_HOOK` hook;
lms registers the receiver that writes the audit record (this layer cannot import the
audit log). `is_counsellor` asks `can_be_counsellor` too, so a membership written behind
the admin's back still opens nothing.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.apps import apps as global_apps
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from wagtail import hooks

from lms.people.models import AdministratorScope
from lms.people.roles import COUNSELLORS, DEPARTMENT_ADMINS

GRANT_CODENAME = "grant_counsellor_role"
GRANT_PERMISSION = f"lms.{GRANT_CODENAME}"
ROLE_CHANGED_HOOK = "lms_counsellor_role_changed"


class SeparationOfDuties(ValidationError):
    """A group change that would break the separation of duties; `messages` says why."""


@dataclass(frozen=True)
class RoleChange:
    actor: object
    user: object
    granted: bool


def install_role_permissions(*, apps=global_apps, using=DEFAULT_DB_ALIAS, **_kwargs) -> None:
    """After every migrate (post_migrate, wired in LmsConfig.ready): the permission to grant
    the counsellor role. It sits on the audit log's content type because the grant is
    audited there and the user model belongs to another app."""
    try:
        content_types = apps.get_model("contenttypes", "ContentType")
        permissions = apps.get_model("auth", "Permission")
    except LookupError:
        return
    content_type, _created = content_types.objects.db_manager(using).get_or_create(
        app_label="lms", model="auditlog"
    )
    permissions.objects.db_manager(using).get_or_create(
        content_type=content_type,
        codename=GRANT_CODENAME,
        # Stored in English, as Django stores every permission's name; the group editor
        # translates it on display ({% trans custom_perm.name %}), hence gettext_noop.
        defaults={"name": gettext_noop("Can grant the counsellor role")},
    )


def grant_permission():
    return Permission.objects.filter(content_type__app_label="lms", codename=GRANT_CODENAME)


# --- who is an administrator ------------------------------------------------------------


def administrator_roles(user, groups: Iterable[Group], *, is_superuser: bool) -> list[str]:
    """Why this account counts as an administrator (empty if it does not), given the groups
    and superuser flag it has or is about to have."""
    groups = list(groups)
    roles = []
    if is_superuser:
        roles.append(_("superuser"))
    if user.is_staff:
        roles.append(_("staff account"))
    if any(group.name == DEPARTMENT_ADMINS for group in groups):
        roles.append(_("member of %(group)s") % {"group": DEPARTMENT_ADMINS})
    if user.pk is not None and AdministratorScope.objects.filter(user_id=user.pk).exists():
        roles.append(_("department administrator scope"))
    if _opens_admin_beyond_counselling(user, groups):
        roles.append(_("Wagtail admin access"))
    return roles


def _opens_admin_beyond_counselling(user, groups: list[Group]) -> bool:
    # The counsellors' own group may open the admin (for the worklist menu item); any other
    # group, or a permission given to the account directly, makes it an administrator.
    other_groups = [group.pk for group in groups if group.name != COUNSELLORS]
    holders = Q(group__in=other_groups) if other_groups else Q(pk__in=[])
    if user.pk is not None:
        holders |= Q(user=user)
    return (
        Permission.objects.filter(holders)
        .filter(content_type__app_label="wagtailadmin", codename="access_admin")
        .exists()
    )


def can_be_counsellor(user, groups: Iterable[Group] | None = None) -> bool:
    """Whether this account may hold the counsellor role as it stands: signed in, and not
    an administrator. `groups`: the account's groups, when the caller has them already."""
    if user is None or not user.is_authenticated:
        return False
    groups = user.groups.all() if groups is None else groups
    return not administrator_roles(user, groups, is_superuser=user.is_superuser)


# --- changing groups ------------------------------------------------------------------------


def _holds_role(user) -> bool:
    return user.pk is not None and user.groups.filter(name=COUNSELLORS).exists()


def _may_grant(actor) -> bool:
    return actor is not None and actor.is_authenticated and actor.has_perm(GRANT_PERMISSION)


def check_group_change(actor, target_user, groups_after, *, is_superuser=None) -> list[str]:
    """Why `actor` may not give `target_user` exactly `groups_after` (empty if they may).

    `is_superuser` is the flag the account is about to have (default: the one it has)."""
    if is_superuser is None:
        is_superuser = target_user.is_superuser
    groups_after = list(groups_after)
    before = _holds_role(target_user)
    after = any(group.name == COUNSELLORS for group in groups_after)
    reasons = []
    if before != after and not _may_grant(actor):
        reasons.append(_("You do not have permission to grant or remove the counsellor role."))
    if after and not before and actor is not None and actor.pk == target_user.pk:
        reasons.append(_("You cannot grant the counsellor role to your own account."))
    if after:
        roles = administrator_roles(target_user, groups_after, is_superuser=is_superuser)
        if roles:
            reasons.append(
                _("An administrator account cannot also be a counsellor (%(roles)s).")
                % {"roles": ", ".join(roles)}
            )
    return reasons


@transaction.atomic
def change_groups(actor, user, groups_after) -> RoleChange | None:
    """Give a saved account exactly `groups_after`, the counsellor role included or not.

    Raises SeparationOfDuties when check_group_change refuses. A grant or revoke of the
    counsellor role is announced on ROLE_CHANGED_HOOK, in the same transaction, and
    returned; None means the role did not change."""
    groups_after = list(groups_after)
    reasons = check_group_change(actor, user, groups_after)
    if reasons:
        raise SeparationOfDuties(reasons)
    before = _holds_role(user)
    user.groups.set(groups_after)
    after = any(group.name == COUNSELLORS for group in groups_after)
    if before == after:
        return None
    for fn in hooks.get_hooks(ROLE_CHANGED_HOOK):
        fn(actor=actor, user=user, granted=after)
    return RoleChange(actor=actor, user=user, granted=after)
