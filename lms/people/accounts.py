"""The roles' Django groups and the demo accounts."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

from lms.people.models import AdministratorScope
from lms.people.roles import DEPARTMENT_ADMINS, INSTRUCTORS

PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page"]
COLLECTION_PERMISSIONS = {
    "wagtailimages": ["add_image", "change_image", "choose_image"],
    "wagtaildocs": ["add_document", "change_document", "choose_document"],
}


def instructors_group(catalogue_root: Page) -> Group:
    """Instructors author and publish pages under the catalogue and upload media."""
    group, _ = Group.objects.get_or_create(name=INSTRUCTORS)
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        *Permission.objects.filter(
            content_type__app_label="courses",
            codename__in=["add_instructor", "change_instructor", "view_instructor"],
        ),
        # 学习分析 for the courses they teach (lms.analytics.queries.scope_for).
        *Permission.objects.filter(content_type__app_label="lms", codename="view_analytics"),
    )
    for codename in PAGE_PERMISSIONS:
        GroupPagePermission.objects.get_or_create(
            group=group,
            page=catalogue_root,
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            ),
        )
    collection = Collection.get_first_root_node()
    for app_label, codenames in COLLECTION_PERMISSIONS.items():
        for permission in Permission.objects.filter(
            content_type__app_label=app_label, codename__in=codenames
        ):
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=collection, permission=permission
            )
    return group


def ensure_user(username: str, password: str, **fields):
    """Create or update a demo account, always resetting its password."""
    User = get_user_model()
    user, _ = User.objects.update_or_create(username=username, defaults=fields)
    user.set_password(password)
    user.save()
    return user


# What a department administrator may do in the admin; querysets limit it to their subtree.
DEPARTMENT_ADMIN_PERMISSIONS = {
    "wagtailadmin": ["access_admin"],
    "lms": [
        "view_cadreprofile",
        "add_cadreprofile",
        "change_cadreprofile",
        "add_rosterimport",
        "view_rosterimport",
        "view_audience",
        "add_audience",
        "change_audience",
        "delete_audience",
        "view_campaign",
        "add_campaign",
        "change_campaign",
        "view_enrollment",
        "view_creditrecord",
        "view_analytics",
    ],
}


def department_admins_group() -> Group:
    group, _ = Group.objects.get_or_create(name=DEPARTMENT_ADMINS)
    for app_label, codenames in DEPARTMENT_ADMIN_PERMISSIONS.items():
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        )
    return group


def make_department_admin(user, department) -> None:
    """Give an account the department administrator's role over a department's subtree."""
    user.groups.add(department_admins_group())
    AdministratorScope.objects.update_or_create(user=user, defaults={"department": department})
