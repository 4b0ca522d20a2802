"""The roles' Django groups and the demo accounts."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from lms.people.models import AdministratorScope
from lms.people.roles import DEPARTMENT_ADMINS, INSTRUCTORS

# Instructors write and submit; reviewers also publish (and unpublish).
AUTHOR_PAGE_PERMISSIONS = ["add_page", "change_page"]
REVIEWER_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page"]
REVIEWERS = "教研室"
REVIEW = "教研审核"
COLLECTION_PERMISSIONS = {
    "wagtailimages": ["add_image", "change_image", "choose_image"],
    "wagtaildocs": ["add_document", "change_document", "choose_document"],
}


def _authoring_basics(group: Group) -> None:
    """What every author needs: the admin, the instructors' snippet, media, and 学习分析
    of their courses (lms.analytics.queries.scope_for)."""
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        *Permission.objects.filter(
            content_type__app_label="courses",
            codename__in=["add_instructor", "change_instructor", "view_instructor"],
        ),
        *Permission.objects.filter(content_type__app_label="lms", codename="view_analytics"),
    )
    collection = Collection.get_first_root_node()
    for app_label, codenames in COLLECTION_PERMISSIONS.items():
        for permission in Permission.objects.filter(
            content_type__app_label=app_label, codename__in=codenames
        ):
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=collection, permission=permission
            )


def _page_permissions(group: Group, page: Page, codenames) -> None:
    for codename in codenames:
        GroupPagePermission.objects.get_or_create(
            group=group,
            page=page,
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            ),
        )


def instructors_group(catalogue_root: Page | None = None) -> Group:
    """Instructors: the admin, media and snippets. Which pages they may write comes from
    the curricula they are assigned to (curriculum_authors_group); none may publish:
    their changes go to 教研审核 (review_workflow)."""
    group, _ = Group.objects.get_or_create(name=INSTRUCTORS)
    _authoring_basics(group)
    # Earlier versions let every instructor write and publish the whole catalogue.
    GroupPagePermission.objects.filter(group=group).delete()
    return group


def curriculum_authors_group(curriculum: Page) -> Group:
    """The instructors assigned to one curriculum: they add and edit its courses and
    lessons, and submit them for review. Instructor A cannot touch another track's course."""
    group, _ = Group.objects.get_or_create(name=f"{INSTRUCTORS}·{curriculum.title}"[:150])
    _page_permissions(group, curriculum, AUTHOR_PAGE_PERMISSIONS)
    return group


def assign_instructor(user, curricula) -> None:
    """Make an account an instructor of these curricula."""
    user.groups.add(instructors_group())
    for curriculum in curricula:
        user.groups.add(curriculum_authors_group(curriculum))


def reviewers_group(catalogue_root: Page) -> Group:
    """教研室 / 心理专家: review what instructors submit, and publish the catalogue."""
    group, _ = Group.objects.get_or_create(name=REVIEWERS)
    _authoring_basics(group)
    _page_permissions(group, catalogue_root, REVIEWER_PAGE_PERMISSIONS)
    return group


def review_workflow(catalogue_root: Page) -> Workflow:
    """教研审核: mental-health content is approved by a reviewer before cadres see it.
    Assigned to the catalogue, so every course and lesson goes through it."""
    task = GroupApprovalTask.objects.filter(name=REVIEW).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=REVIEW)
    task.groups.add(reviewers_group(catalogue_root))
    workflow, _ = Workflow.objects.get_or_create(name=REVIEW)
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=catalogue_root, defaults={"workflow": workflow})
    return workflow


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
