"""Admin forms for the roster, audiences and campaigns. Every choice of department,
audience or cadre is limited to what the signed-in administrator may act on."""

from django import forms
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from courses.models import CoursePage
from lms.models.targeting import Audience, Campaign, CampaignStatus
from lms.people.models import CadreProfile, Department, admin_scope_q

from .audiences import owner_for
from .roster import MAX_UPLOAD_BYTES


def departments_for(user):
    return Department.objects.filter(admin_scope_q(user, "path")).order_by("path")


class ScopedModelForm(WagtailAdminModelForm):
    """Department choices limited to the administrator's subtree; new objects belong to it."""

    department_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.department_fields:
            if name in self.fields:
                self.fields[name].queryset = departments_for(self.for_user)
                self.fields[name].label_from_instance = lambda d: d.tree_label

    def save(self, commit=True):
        instance = super().save(commit=False)
        if instance._state.adding and hasattr(instance, "owner_department_id"):
            instance.owner_department = owner_for(self.for_user)
            instance.created_by = self.for_user
        if commit:
            instance.save()
            self.save_m2m()
        return instance


class CadreProfileForm(ScopedModelForm):
    department_fields = ("department",)

    class Meta:
        model = CadreProfile
        fields = [
            "employee_id",
            "name",
            "gender",
            "birth_year",
            "department",
            "rank",
            "post_title",
            "post_category",
            "in_post_since",
        ]

    @transaction.atomic
    def save(self, commit=True):
        profile = super(ScopedModelForm, self).save(commit=False)
        if profile._state.adding:
            # Cadres sign in through the host platform's single sign-on, or with a first
            # password an administrator sets; the account starts without a usable one.
            user = get_user_model()(
                username=profile.employee_id.lower(), first_name=profile.name, is_active=True
            )
            user.set_unusable_password()
            user.save()
            profile.user = user
        if commit:
            profile.save()
        return profile

    def clean_employee_id(self):
        employee_id = self.cleaned_data["employee_id"]
        if self.instance._state.adding:
            taken = get_user_model().objects.filter(username=employee_id.lower()).exists()
            if taken:
                raise forms.ValidationError(_("An account with this employee ID exists already."))
        return employee_id


class AudienceForm(ScopedModelForm):
    department_fields = ("departments",)

    class Meta:
        model = Audience
        fields = [
            "name",
            "description",
            "departments",
            "min_rank",
            "max_rank",
            "ladder",
            "gender",
            "post_categories",
            "min_age",
            "max_age",
            "min_years_in_post",
            "new_in_post_within_days",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "departments": forms.CheckboxSelectMultiple,
            "post_categories": forms.CheckboxSelectMultiple,
        }


class CampaignForm(ScopedModelForm):
    class Meta:
        model = Campaign
        fields = [
            "name",
            "description",
            "courses",
            "audience",
            "required",
            "due_date",
            "remind_days_before",
            "remind_overdue",
            "remind_not_started_after_days",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "courses": forms.CheckboxSelectMultiple,
        }

    # What a launched campaign keeps: changing them would change who was assigned what.
    fixed_after_launch = ("courses", "audience", "required", "due_date")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["courses"].queryset = CoursePage.objects.live().order_by("path")
        self.fields["audience"].queryset = Audience.objects.for_admin(self.for_user)
        if self.instance.pk and self.instance.status != CampaignStatus.DRAFT:
            for name in self.fixed_after_launch:
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Fixed once the campaign has been launched.")

    def clean_due_date(self):
        due_date = self.cleaned_data["due_date"]
        if "due_date" in self.changed_data and due_date < timezone.localdate():
            raise forms.ValidationError(_("The due date is in the past."))
        return due_date


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Roster file"),
        help_text=_(
            "CSV (UTF-8 or GBK/GB18030, as saved by WPS or Excel) or XLSX, one cadre a row, "
            "with a header row: 工号, 姓名, 性别, 出生年份, 部门, 职级, 岗位类别, 任现职时间 "
            "(optional: 职务, 电子邮箱)."
        ),
    )
    deactivate_missing = forms.BooleanField(
        label=_("This is the complete roster: deactivate cadres of my departments not in it"),
        required=False,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB.") % {"mb": MAX_UPLOAD_BYTES // 2**20}
            )
        return upload
