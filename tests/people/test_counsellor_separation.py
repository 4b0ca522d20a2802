"""Separation of duties: granting the counsellor role takes its own permission and is
audited; nobody grants it to themselves; an administrator is never also a counsellor."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from wagtail import hooks

from lms.assessments.role_audit import record_counsellor_role_change
from lms.models import AdministratorScope, AuditAction, AuditLog
from lms.people.roles import DEPARTMENT_ADMINS, INSTRUCTORS, counsellors_group, is_counsellor
from lms.people.separation import (
    GRANT_CODENAME,
    ROLE_CHANGED_HOOK,
    SeparationOfDuties,
    can_be_counsellor,
    change_groups,
    install_role_permissions,
)
from tests.factories import make_department

pytestmark = pytest.mark.django_db

WORKLIST = reverse("lms_counsellor:worklist")
SELF_GRANT = "You cannot grant the counsellor role to your own account."
NO_PERMISSION = "You do not have permission to grant or remove the counsellor role."
ADMINISTRATOR = "An administrator account cannot also be a counsellor"


@pytest.fixture(autouse=True)
def english(client, settings):
    """Pages in English, so the assertions hold whatever the Chinese catalogue says."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture(autouse=True)
def role_permission(db):
    # Idempotent: it also runs after migrate once LmsConfig.ready wires it.
    install_role_permissions()


@pytest.fixture(autouse=True)
def audited():
    """The audit receiver, registered here until lms/wagtail_hooks.py registers it."""
    if record_counsellor_role_change in hooks.get_hooks(ROLE_CHANGED_HOOK):
        yield
        return
    with hooks.register_temporarily(ROLE_CHANGED_HOOK, record_counsellor_role_change):
        yield


def permissions(*names: str) -> list[Permission]:
    found = []
    for name in names:
        app_label, codename = name.split(".")
        found.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return found


def group_with(name: str, *permission_names: str) -> Group:
    group = Group.objects.get_or_create(name=name)[0]
    group.permissions.add(*permissions(*permission_names))
    return group


USER_ADMIN = ("wagtailadmin.access_admin", "auth.add_user", "auth.change_user")


def account(django_user_model, username: str, *groups: Group, **fields) -> object:
    user = django_user_model.objects.create_user(
        username,
        password="pw-account-1",
        email=f"{username}@xinyu.invalid",
        first_name=username,
        last_name="测试",
        **fields,
    )
    user.groups.add(*groups)
    return user


@pytest.fixture
def root(django_user_model):
    return account(django_user_model, "root", is_superuser=True, is_staff=True)


@pytest.fixture
def granter(django_user_model):
    """A user administrator who also holds the grant permission."""
    group = group_with("用户与角色管理员", *USER_ADMIN, f"lms.{GRANT_CODENAME}")
    return account(django_user_model, "granter", group)


@pytest.fixture
def user_admin(django_user_model):
    """A user administrator without the grant permission."""
    return account(django_user_model, "useradmin", group_with("用户管理员", *USER_ADMIN))


@pytest.fixture
def plain(django_user_model):
    return account(django_user_model, "plain")


def edit(client, actor, target, groups, **extra):
    """Post Wagtail's user edit form for `target` as `actor`, with these groups."""
    client.force_login(actor)
    data = {
        "username": target.username,
        "email": target.email,
        "first_name": target.first_name,
        "last_name": target.last_name,
        "is_active": "on",
        "groups": [group.pk for group in groups],
    }
    if target.is_superuser:
        data["is_superuser"] = "on"
    data.update(extra)
    return client.post(reverse("wagtailusers_users:edit", args=[target.pk]), data)


def group_errors(response) -> list[str]:
    assert response.status_code == 200, "the form should be shown again with its errors"
    return response.context["form"].errors.get("groups", [])


def role_audit(user):
    return AuditLog.objects.filter(target=f"counsellor_role:{user.pk}")


def holds_role(user) -> bool:
    return user.groups.filter(pk=counsellors_group().pk).exists()


# Through the user admin --------------------------------------------------------------------


def test_a_superuser_cannot_tick_the_counsellor_role_for_their_own_account(client, root):
    response = edit(client, root, root, [counsellors_group()])
    errors = group_errors(response)
    assert SELF_GRANT in errors
    assert any(error.startswith(ADMINISTRATOR) for error in errors)
    assert not holds_role(root)
    assert not role_audit(root).exists()


def test_a_granter_grants_and_revokes_the_role_and_both_are_audited(client, granter, plain):
    response = edit(client, granter, plain, [counsellors_group()])
    assert response.status_code == 302
    plain.refresh_from_db()
    assert holds_role(plain)
    assert is_counsellor(plain)
    grant = role_audit(plain).get()
    assert (grant.action, grant.actor, grant.subject) == (AuditAction.CREATE, granter, None)

    response = edit(client, granter, plain, [])
    assert response.status_code == 302
    assert not holds_role(plain)
    assert [entry.action for entry in role_audit(plain).order_by("at", "pk")] == [
        AuditAction.CREATE,
        AuditAction.DELETE,
    ]


def test_an_unrelated_edit_writes_no_role_audit(client, granter, plain):
    plain.groups.add(counsellors_group())
    response = edit(client, granter, plain, [counsellors_group()], first_name="改名")
    assert response.status_code == 302
    assert holds_role(plain)
    assert not role_audit(plain).exists()


def test_a_granter_cannot_grant_the_role_to_themselves(client, django_user_model):
    # Only the grant permission, no administrator rights: the self-grant alone refuses it.
    granter = account(
        django_user_model, "selfgranter", group_with("仅授权", f"lms.{GRANT_CODENAME}")
    )
    granter.user_permissions.add(*permissions(*USER_ADMIN))
    response = edit(client, granter, granter, [counsellors_group()])
    assert SELF_GRANT in group_errors(response)
    assert not holds_role(granter)


def test_without_the_grant_permission_granting_is_refused(client, user_admin, plain):
    response = edit(client, user_admin, plain, [counsellors_group()])
    assert group_errors(response) == [NO_PERMISSION]
    assert not holds_role(plain)
    assert not AuditLog.objects.exists()


def test_without_the_grant_permission_removing_is_refused(client, user_admin, plain):
    plain.groups.add(counsellors_group())
    response = edit(client, user_admin, plain, [])
    assert group_errors(response) == [NO_PERMISSION]
    assert holds_role(plain)


def test_other_groups_change_without_the_grant_permission(client, user_admin, plain):
    instructors = Group.objects.get_or_create(name=INSTRUCTORS)[0]
    response = edit(client, user_admin, plain, [instructors])
    assert response.status_code == 302
    assert list(plain.groups.all()) == [instructors]


@pytest.mark.parametrize(
    "kind", ["superuser", "staff", "admin_scope", "department_admins", "admin_access"]
)
def test_an_administrator_cannot_be_made_a_counsellor(client, django_user_model, granter, kind):
    target = account(
        django_user_model,
        "target",
        is_superuser=kind == "superuser",
        is_staff=kind == "staff",
    )
    groups = [counsellors_group()]
    if kind == "admin_scope":
        AdministratorScope.objects.create(user=target, department=make_department())
    elif kind == "department_admins":
        groups.append(Group.objects.get_or_create(name=DEPARTMENT_ADMINS)[0])
        target.groups.add(groups[-1])
    elif kind == "admin_access":
        groups.append(group_with(INSTRUCTORS, "wagtailadmin.access_admin"))
        target.groups.add(groups[-1])
    response = edit(client, granter, target, groups)
    errors = group_errors(response)
    assert len(errors) == 1
    assert errors[0].startswith(ADMINISTRATOR)
    assert not holds_role(target)
    assert not role_audit(target).exists()


def test_a_counsellor_cannot_be_made_a_superuser(client, granter, plain):
    plain.groups.add(counsellors_group())
    response = edit(client, granter, plain, [counsellors_group()], is_superuser="on")
    assert group_errors(response)[0].startswith(ADMINISTRATOR)
    plain.refresh_from_db()
    assert not plain.is_superuser


def test_a_counsellors_group_that_opens_the_admin_makes_nobody_an_administrator(
    client, granter, plain
):
    group_with(counsellors_group().name, "wagtailadmin.access_admin")
    response = edit(client, granter, plain, [counsellors_group()])
    assert response.status_code == 302
    assert is_counsellor(plain)


def test_creating_a_counsellor_is_audited_and_a_superuser_counsellor_is_refused(client, granter):
    client.force_login(granter)
    data = {
        "username": "newcounsellor",
        "email": "new@xinyu.invalid",
        "first_name": "新",
        "last_name": "咨询师",
        "password1": "Qz-7plover-harbour",
        "password2": "Qz-7plover-harbour",
        "groups": [counsellors_group().pk],
    }
    refused = client.post(reverse("wagtailusers_users:add"), {**data, "is_superuser": "on"})
    assert group_errors(refused)[0].startswith(ADMINISTRATOR)
    assert not counsellors_group().user_set.exists()

    created = client.post(reverse("wagtailusers_users:add"), data)
    assert created.status_code == 302
    user = counsellors_group().user_set.get()
    assert user.username == "newcounsellor"
    assert role_audit(user).get().action == AuditAction.CREATE


def bulk_assign(client, actor, users, role):
    client.force_login(actor)
    url = reverse("wagtail_bulk_action", args=["auth", "user", "assign_role"])
    query = "&".join(f"id={user.pk}" for user in users)
    return client.post(f"{url}?{query}", {"role": role.pk})


def test_the_bulk_action_cannot_assign_the_counsellor_role(client, granter, plain):
    response = bulk_assign(client, granter, [plain], counsellors_group())
    assert response.status_code == 302
    assert not holds_role(plain)


def test_the_bulk_action_cannot_make_a_counsellor_an_administrator(client, granter, plain):
    plain.groups.add(counsellors_group())
    department_admins = Group.objects.get_or_create(name=DEPARTMENT_ADMINS)[0]
    bulk_assign(client, granter, [plain], department_admins)
    assert not plain.groups.filter(pk=department_admins.pk).exists()


def test_the_bulk_action_still_assigns_other_roles(client, granter, plain):
    instructors = Group.objects.get_or_create(name=INSTRUCTORS)[0]
    bulk_assign(client, granter, [plain], instructors)
    assert plain.groups.filter(pk=instructors.pk).exists()


def test_the_group_editor_offers_the_grant_permission(client, root):
    client.force_login(root)
    response = client.get(reverse("wagtailusers_groups:add"))
    offered = response.context["form"].fields["permissions"].queryset
    assert offered.filter(content_type__app_label="lms", codename=GRANT_CODENAME).exists()


# Behind the admin's back -------------------------------------------------------------------


def test_a_superuser_put_in_the_group_directly_is_no_counsellor(client, root):
    root.groups.add(counsellors_group())
    assert not can_be_counsellor(root)
    assert not is_counsellor(root)
    client.force_login(root)
    assert client.get(WORKLIST).status_code == 403


@pytest.mark.parametrize("kind", ["admin_scope", "department_admins"])
def test_an_administrator_put_in_the_group_directly_is_no_counsellor(
    client, django_user_model, kind
):
    user = account(django_user_model, "sneaky", counsellors_group())
    assert is_counsellor(user)
    if kind == "admin_scope":
        AdministratorScope.objects.create(user=user, department=make_department())
    else:
        user.groups.add(Group.objects.get_or_create(name=DEPARTMENT_ADMINS)[0])
    user = django_user_model.objects.get(pk=user.pk)
    assert not is_counsellor(user)
    client.force_login(user)
    assert client.get(WORKLIST).status_code == 403


# The service --------------------------------------------------------------------------------


def test_the_service_refuses_what_the_form_refuses(root):
    with pytest.raises(SeparationOfDuties):
        change_groups(root, root, [counsellors_group()])
    assert not holds_role(root)


def test_the_service_announces_a_grant_once(granter, plain):
    heard = []

    def listener(**kwargs):
        heard.append(kwargs)

    with hooks.register_temporarily(ROLE_CHANGED_HOOK, listener):
        change = change_groups(granter, plain, [counsellors_group()])
        assert change_groups(granter, plain, [counsellors_group()]) is None
    assert (change.actor, change.user, change.granted) == (granter, plain, True)
    assert heard == [{"actor": granter, "user": plain, "granted": True}]


def test_installing_the_permission_twice_keeps_one():
    install_role_permissions()
    assert Permission.objects.filter(codename=GRANT_CODENAME).count() == 1
