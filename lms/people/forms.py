from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from lms.people.models import Department


class DepartmentForm(WagtailAdminModelForm):
    """Places a department in the tree through treebeard, which owns the paths."""

    parent = forms.ModelChoiceField(
        queryset=Department.objects.order_by("path"),
        required=False,
        label=_("Parent department"),
        help_text=_("Leave empty for a top-level department."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["parent"].initial = self.instance.get_parent()
            # A department cannot move below itself.
            self.fields["parent"].queryset = Department.objects.exclude(
                path__startswith=self.instance.path
            ).order_by("path")

    def save(self, commit=True):
        instance = super().save(commit=False)
        parent = self.cleaned_data.get("parent")
        if instance._state.adding:
            if parent is None:
                return Department.add_root(instance=instance)
            return parent.add_child(instance=instance)
        instance.save()
        if parent != instance.get_parent():
            if parent is None:
                instance.move(Department.get_last_root_node(), "sorted-sibling")
            else:
                instance.move(parent, "sorted-child")
            instance.refresh_from_db()
        return instance
