"""The filter bar of 学习分析: choices limited to what the user may see. A value that does
not fit (typed into the URL, or gone since the link was bookmarked) is dropped with a
notice, never a 500."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from courses.models import CoursePage, Track
from lms.analytics.dimensions import FILTER_NAMES, RANK_LEVELS, Filters
from lms.models.targeting import Campaign
from lms.people.models import Department, Gender, PostCategory


class DepartmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.tree_label


class AnalyticsFilterForm(forms.Form):
    year = forms.TypedChoiceField(
        label=gettext_lazy("Year"), coerce=int, required=False, empty_value=None
    )
    track = forms.ChoiceField(label=gettext_lazy("Track"), required=False)
    course = forms.ModelChoiceField(
        label=gettext_lazy("Course"), queryset=CoursePage.objects.none(), required=False
    )
    department = DepartmentChoiceField(
        label=gettext_lazy("Department"), queryset=Department.objects.none(), required=False
    )
    rank_level = forms.ChoiceField(label=gettext_lazy("Rank level"), required=False)
    gender = forms.ChoiceField(label=gettext_lazy("Gender"), required=False)
    post_category = forms.ModelChoiceField(
        label=gettext_lazy("Post category"), queryset=PostCategory.objects.all(), required=False
    )
    campaign = forms.ModelChoiceField(
        label=gettext_lazy("Campaign"), queryset=Campaign.objects.none(), required=False
    )

    def __init__(self, data, *, scope, user):
        super().__init__(data)
        everyone = _("All")
        this_year = timezone.localdate().year
        self.fields["year"].choices = [("", _("All years"))] + [
            (year, str(year)) for year in range(this_year, this_year - 5, -1)
        ]
        self.fields["track"].choices = [("", everyone), *Track.choices]
        self.fields["rank_level"].choices = [("", everyone)] + [
            (key, label) for key, label, _low, _high in RANK_LEVELS
        ]
        self.fields["gender"].choices = [("", everyone), *Gender.choices]
        courses = CoursePage.objects.order_by("title")
        departments = Department.objects.order_by("path")
        if scope.kind == "instructor":
            courses = courses.filter(pk__in=scope.course_ids)
            del self.fields["campaign"]
        else:
            self.fields["campaign"].queryset = Campaign.objects.for_admin(user).order_by(
                "-created_at"
            )
        if scope.kind == "department":
            departments = departments.filter(path__startswith=scope.department.path)
        self.fields["course"].queryset = courses
        self.fields["department"].queryset = departments
        for field in self.fields.values():
            field.empty_label = everyone

    def filters(self) -> Filters:
        """The valid filters; each invalid one is dropped and named in `notices`."""
        self.is_valid()
        values, notices = {}, []
        for name in FILTER_NAMES:
            if name not in self.fields:
                continue
            if name in self.errors:
                notices.append(
                    _(
                        "The filter “%(name)s” had a value that does not exist or is not "
                        "yours to see; it was ignored."
                    )
                    % {"name": self.fields[name].label}
                )
                continue
            value = self.cleaned_data.get(name)
            if value not in (None, ""):
                values[name] = value
        return Filters(**values, notices=notices)
