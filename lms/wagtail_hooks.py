from django.urls import include, path, reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin import widgets as wagtailadmin_widgets
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from courses.models import PAGE_CONTEXT_HOOK, CoursePage
from lms.analytics import queries as analytics_queries
from lms.analytics import urls as analytics_urls
from lms.assessments import records
from lms.assessments import views as assessment_views
from lms.assessments.role_audit import record_counsellor_role_change
from lms.learning import enrollment, pages
from lms.learning.recommendations import VIEWER_PROFILE_HOOK, forget_recommendations
from lms.learning.views import MY_LEARNING_CARE_HOOK, MY_LEARNING_NOTICES_HOOK
from lms.people.forms import DepartmentForm
from lms.people.roles import is_counsellor
from lms.people.separation import ROLE_CHANGED_HOOK
from lms.targeting import admin as targeting_admin
from lms.targeting import declaration_urls, reminders
from lms.targeting import declarations as declared_hours
from lms.targeting import tasks as targeting_tasks
from lms.targeting.admin import ScopedSnippetChooserViewSet, ScopedViewSetMixin
from lms.targeting.roster import ROSTER_CHANGED_HOOK
from lms.teaching import report as course_report
from lms.teaching import urls as teaching_urls
from search.documents import COURSE_STATISTICS_HOOK

from .models import (
    AnnualTarget,
    AssessmentSignal,
    CreditRecord,
    Department,
    PostCategory,
    ProfileRules,
    Rank,
)


class RankViewSet(SnippetViewSet):
    model = Rank
    icon = "order"
    list_display = ["name", "ladder", "ordinal"]
    list_filter = ["ladder"]
    ordering = ["-ordinal", "ladder"]


class PostCategoryViewSet(SnippetViewSet):
    model = PostCategory
    icon = "tag"
    list_display = ["name", "code", "sort_order"]


class DepartmentViewSet(SnippetViewSet):
    model = Department
    icon = "group"
    list_display = [Column("tree_label", label=_("name")), "code"]
    ordering = ["path"]
    search_fields = ["name", "code"]
    edit_handler = ObjectList(
        [FieldPanel("name"), FieldPanel("code"), FieldPanel("parent")],
        base_form_class=DepartmentForm,
    )


class AssessmentSignalViewSet(SnippetViewSet):
    model = AssessmentSignal
    icon = "radio-full"
    list_display = ["name", "key", "kind"]
    list_filter = ["kind"]


class AnnualTargetViewSet(SnippetViewSet):
    model = AnnualTarget
    icon = "date"
    list_display = ["name", "min_ordinal", "max_ordinal", "annual_hours", "online_hours"]


class CreditRecordViewSet(ScopedViewSetMixin, SnippetViewSet):
    """The credit-hour ledger, for looking up; hours are awarded by the learning services.
    A department administrator sees their subtree's cadres only, in its chooser too."""

    chooser_viewset_class = ScopedSnippetChooserViewSet

    model = CreditRecord
    icon = "time"
    list_display = ["title", "cadre", "hours", "source", "status", "earned_on"]
    list_filter = ["source", "status"]
    search_fields = ["title", "cadre__name", "cadre__employee_id"]
    list_per_page = 50
    inspect_view_enabled = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("cadre")


class ProfileRulesViewSet(SnippetViewSet):
    """Ladder thresholds and signal → course rules: a proposal awaiting clinical sign-off,
    edited only with `lms.change_profilerules`; every save is a revision (the audit trail)."""

    model = ProfileRules
    icon = "cogs"
    list_display = ["name"]


class ReferenceDataGroup(SnippetViewSetGroup):
    menu_label = _("Reference data")
    menu_icon = "list-ul"
    menu_order = 300
    items = (
        RankViewSet,
        PostCategoryViewSet,
        DepartmentViewSet,
        AssessmentSignalViewSet,
        ProfileRulesViewSet,
        AnnualTargetViewSet,
        CreditRecordViewSet,
    )


register_snippet(ReferenceDataGroup)


class CounsellorMenuItem(MenuItem):
    """Shown to counsellors only; the worklist itself checks the role again."""

    def is_shown(self, request):
        return is_counsellor(request.user)


@hooks.register("register_admin_menu_item")
def register_counsellor_worklist_menu_item():
    return CounsellorMenuItem(
        _("Follow-up worklist"),
        reverse_lazy("lms_counsellor:worklist"),
        name="counsellor-worklist",
        icon_name="help",
        order=250,
    )


class AnalyticsMenuItem(MenuItem):
    """学习分析: system and department administrators, and instructors for their courses."""

    def is_shown(self, request):
        return analytics_queries.scope_for(request.user) is not None


@hooks.register("register_admin_urls")
def register_analytics_urls():
    return [path("analytics/", include(analytics_urls, namespace="lms_analytics"))]


@hooks.register("register_admin_menu_item")
def register_analytics_menu_item():
    return AnalyticsMenuItem(
        _("Learning analytics"),
        reverse_lazy("lms_analytics:dashboard"),
        name="learning-analytics",
        icon_name="table",
        order=260,
    )


class DeclarationsMenuItem(MenuItem):
    """学时审核: for system and department administrators."""

    def is_shown(self, request):
        return declared_hours.may_decide(request.user)


@hooks.register("register_admin_urls")
def register_declaration_urls():
    return [path("declarations/", include(declaration_urls, namespace="lms_declarations"))]


@hooks.register("register_admin_menu_item")
def register_declarations_menu_item():
    return DeclarationsMenuItem(
        _("Declared hours"),
        reverse_lazy("lms_declarations:queue"),
        name="declared-hours",
        icon_name="time",
        order=258,
    )


class CourseReportMenuItem(MenuItem):
    """课程学习报告: instructors (their courses), department and system administrators."""

    def is_shown(self, request):
        # A superuser may open every report (the index says so when there is no course).
        return request.user.is_superuser or course_report.reportable_courses(request.user).exists()


@hooks.register("register_admin_urls")
def register_course_report_urls():
    return [path("courses/", include(teaching_urls, namespace="lms_teaching"))]


@hooks.register("register_admin_menu_item")
def register_course_report_menu_item():
    return CourseReportMenuItem(
        _("Course reports"),
        reverse_lazy("lms_teaching:reports"),
        name="course-reports",
        icon_name="list-ul",
        order=255,
    )


@hooks.register("register_page_header_buttons")
def course_report_button(page, user, view_name=None, next_url=None):
    """学习报告 beside a course's title in the page editor, for those who may read it."""
    if isinstance(page.specific_deferred, CoursePage) and course_report.report_scope(user, page):
        yield wagtailadmin_widgets.Button(
            _("Learning report"),
            reverse("lms_teaching:report", args=[page.pk]),
            icon_name="list-ul",
            priority=15,
        )


# How the layers below reach lms without importing it -----------------------------------


@hooks.register(PAGE_CONTEXT_HOOK)
def learning_page_context(page, request, context):
    """The cadre's part of the catalogue, course and lesson pages."""
    return pages.page_context(page, request, context)


@hooks.register(VIEWER_PROFILE_HOOK)
def assessment_viewer_profile(cadre):
    """The consented assessment profile, for recommendations."""
    return records.viewer_profile(cadre)


@hooks.register(COURSE_STATISTICS_HOOK)
def enrolment_statistics(course_ids, *, whole):
    """Enrolment counts behind the search index's popularity prior."""
    return enrollment.course_statistics(course_ids, whole=whole)


@hooks.register(MY_LEARNING_NOTICES_HOOK)
def assignment_reminders(cadre):
    """Reminders about required courses, shown on 我的学习."""
    return reminders.notices_for(cadre)


# The administrators' screens: 干部名册, 目标人群, 培训任务, 学习记录.


@hooks.register("register_admin_viewset")
def register_roster():
    return targeting_admin.RosterViewSet()


@hooks.register("register_admin_viewset")
def register_audiences():
    return targeting_admin.AudienceViewSet()


@hooks.register("register_admin_viewset")
def register_campaigns():
    return targeting_admin.CampaignViewSet()


@hooks.register("register_admin_viewset")
def register_learning_records():
    return targeting_admin.LearningRecordViewSet()


@hooks.register(ROSTER_CHANGED_HOOK)
def assign_joiners_to_running_campaigns(cadre_ids):
    """Cadres added or changed by an import are checked against running campaigns."""
    targeting_tasks.assign_joiners.delay(list(cadre_ids))


@hooks.register(ROSTER_CHANGED_HOOK)
def forget_changed_cadres_recommendations(cadre_ids):
    """A new rank, post or age changes what a cadre is recommended."""
    forget_recommendations(cadre_ids)


# Granting or revoking the counsellor role is audited (lms.people.separation).
hooks.register(ROLE_CHANGED_HOOK, record_counsellor_role_change)


@hooks.register("construct_homepage_panels")
def add_targeting_panel(request, panels):
    panel = targeting_admin.targeting_panel_for(request.user)
    if panel is not None:
        panels.append(panel)


@hooks.register(MY_LEARNING_CARE_HOOK)
def crisis_help_first(request, cadre):
    """Help first on 我的学习 while a crisis follow-up is open: who to call, no score."""
    return assessment_views.care_first(request, cadre)
