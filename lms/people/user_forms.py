"""Wagtail's user admin with the separation of duties around the counsellor role.

The user viewset (installed by lms.people.apps_users in place of Wagtail's own) gives the
create and edit views forms that refuse a group change `check_group_change` refuses, and
save the groups through `change_groups`, which announces a counsellor grant or revoke for
the audit trail. Wagtail's "assign role" bulk action is held to the same rules. A password
set here for another account must be replaced by its owner at the next sign-in.
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.users import forms as wagtail_forms
from wagtail.users.views import users as wagtail_users
from wagtail.users.views.bulk_actions import AssignRoleBulkAction

from lms.people.passwords import require_password_change
from lms.people.roles import COUNSELLORS
from lms.people.separation import change_groups, check_group_change, grant_permission


class SeparationOfDutiesMixin:
    """Takes the acting account as `for_user`, as Wagtail's own admin forms do."""

    def __init__(self, *args, for_user=None, **kwargs):
        self.for_user = for_user
        self.role_change = None
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned_data = super().clean()
        if "groups" in cleaned_data:
            # The superuser box is not on the form when editing one's own account.
            is_superuser = cleaned_data.get("is_superuser", self.instance.is_superuser)
            for reason in check_group_change(
                self.for_user, self.instance, cleaned_data["groups"], is_superuser=is_superuser
            ):
                self.add_error("groups", reason)
        return cleaned_data

    def _save_m2m(self):
        # Groups are the only many-to-many field on Wagtail's user forms; the service checks
        # them again inside the save's transaction and announces a role change.
        self.role_change = change_groups(self.for_user, self.instance, self.cleaned_data["groups"])


class PasswordSetByAdministratorMixin:
    """A password typed here for someone else is known to whoever typed it: its owner
    must replace it at the next sign-in (lms.people.passwords)."""

    def _save_m2m(self):
        super()._save_m2m()
        if self.cleaned_data.get("password1") and self.for_user != self.instance:
            require_password_change(self.instance)


class UserCreationForm(
    PasswordSetByAdministratorMixin, SeparationOfDutiesMixin, wagtail_forms.UserCreationForm
):
    pass


class UserEditForm(
    PasswordSetByAdministratorMixin, SeparationOfDutiesMixin, wagtail_forms.UserEditForm
):
    pass


class CreateView(wagtail_users.CreateView):
    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "for_user": self.request.user}


class EditView(wagtail_users.EditView):
    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "for_user": self.request.user}


def check_bulk_role_assignment(request, action_type, objects, action):
    """A `before_bulk_action` hook: "assign role" may not grant the counsellor role, which is
    granted one account at a time, nor make a counsellor an administrator."""
    if not isinstance(action, AssignRoleBulkAction):
        return None
    role = action.cleaned_form.cleaned_data["role"]
    if role.name == COUNSELLORS:
        refused = [
            _(
                "The counsellor role is granted one account at a time, from that account's "
                "edit page, so that every grant is checked and audited."
            )
        ]
    else:
        refused = [
            f"{user}: {reason}"
            for user in objects
            for reason in check_group_change(request.user, user, [*user.groups.all(), role])
        ]
    if not refused:
        return None
    for message in refused:
        messages.error(request, message)
    return redirect(action.next_url)


class UserViewSet(wagtail_users.UserViewSet):
    add_view_class = CreateView
    edit_view_class = EditView

    def get_form_class(self, for_update=False):
        return UserEditForm if for_update else UserCreationForm

    def get_permissions_to_register(self):
        # Offered in the group editor beside the user permissions it goes with.
        return super().get_permissions_to_register() | grant_permission()

    def on_register(self):
        super().on_register()
        hooks.register("before_bulk_action", check_bulk_role_assignment)
