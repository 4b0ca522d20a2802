"""The administrators' screens in the Wagtail admin: 干部名册 (the roster and its import),
目标人群 (audiences), 培训任务 (campaigns) and 学习记录 (their cadres' learning records).

Scope is enforced on the querysets every view reads (`for_admin(user)`), list and object
views alike: an object outside the administrator's subtree is a 404, never a partial
write. Assessment data appears on none of these screens.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.snippets.views.chooser import (
    ChooseResultsView,
    ChooseView,
    SnippetChooserViewSet,
    SnippetChosenMultipleView,
    SnippetChosenView,
)

from lms.errors import LmsError
from lms.models.learning import CreditRecord, Enrollment
from lms.models.targeting import (
    AssignmentOutcome,
    Audience,
    Campaign,
    CampaignStatus,
    ImportStatus,
    RosterImport,
)
from lms.people.models import CadreProfile, Department, Rank, admin_scope_q

from . import campaigns, roster
from .audiences import Criteria, audience_cadres, owner_for, preview
from .forms import AudienceForm, CadreProfileForm, CampaignForm, RosterUploadForm
from .reminders import overdue_by_campaign

PREVIEW_ROWS = 1000

# --- scoping ---------------------------------------------------------------------------------


def scoped_queryset(model, user):
    """What this administrator may see of a model, by where its rows belong."""
    if model is CadreProfile:
        return CadreProfile.objects.for_admin(user)
    if model in (Enrollment, CreditRecord):
        return model.objects.filter(admin_scope_q(user, "cadre__department__path"))
    return model.objects.for_admin(user)


class ScopedObjectMixin:
    """Object views (edit, delete, inspect, history, usage) find only rows in scope."""

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        if not scoped_queryset(type(obj), self.request.user).filter(pk=obj.pk).exists():
            raise Http404
        return obj


class ScopedIndexMixin:
    """The listing (and its search and filter results) reads the viewset's scoped queryset."""

    queryset_for = None

    def get_base_queryset(self):
        return self.queryset_for(self.request)


class ScopedViewSetMixin:
    """For model and snippet viewsets alike: the listing and every object view are scoped."""

    def get_queryset(self, request):
        return scoped_queryset(self.model, request.user)

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(queryset_for=self.get_queryset, **kwargs)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not issubclass(self.index_view_class, ScopedIndexMixin):
            base = self.index_view_class
            self.index_view_class = type(f"Scoped{base.__name__}", (ScopedIndexMixin, base), {})
        for name in (
            "edit_view_class",
            "delete_view_class",
            "inspect_view_class",
            "history_view_class",
            "usage_view_class",
        ):
            base = getattr(self, name, None)
            if base is not None and not issubclass(base, ScopedObjectMixin):
                setattr(self, name, type(f"Scoped{base.__name__}", (ScopedObjectMixin, base), {}))


class ScopedChooserMixin:
    """A snippet's chooser modal: only rows in scope, and only for those allowed to view."""

    def dispatch(self, request, *args, **kwargs):
        meta = self.model_class._meta
        if not request.user.has_perm(f"{meta.app_label}.view_{meta.model_name}"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def scoped(self):
        return scoped_queryset(self.model_class, self.request.user)

    def get_object_list(self):
        return self.scoped()

    def get_object(self, pk):
        return self.scoped().get(pk=pk)

    def get_objects(self, pks):
        return self.scoped().filter(pk__in=pks)


class ScopedSnippetChooserViewSet(SnippetChooserViewSet):
    choose_view_class = type("ScopedChooseView", (ScopedChooserMixin, ChooseView), {})
    choose_results_view_class = type(
        "ScopedChooseResultsView", (ScopedChooserMixin, ChooseResultsView), {}
    )
    chosen_view_class = type("ScopedChosenView", (ScopedChooserMixin, SnippetChosenView), {})
    chosen_multiple_view_class = type(
        "ScopedChosenMultipleView", (ScopedChooserMixin, SnippetChosenMultipleView), {}
    )


class ScopedViewSet(ScopedViewSetMixin, ModelViewSet):
    add_to_admin_menu = True
    inspect_view_enabled = True


# --- 干部名册: the roster ---------------------------------------------------------------------


class RosterIndexView(ModelViewSet.index_view_class):
    @property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.request.user.has_perm("lms.add_rosterimport"):
            buttons.append(
                HeaderButton(_("Import roster"), url=reverse("roster:import"), icon_name="upload")
            )
        return buttons


class RosterViewSet(ScopedViewSet):
    model = CadreProfile
    icon = "group"
    menu_label = _("Cadre roster")
    menu_order = 210
    url_prefix = "roster"
    name = "roster"
    form_class = CadreProfileForm
    index_view_class = RosterIndexView
    list_display = ["name", "employee_id", "department", "rank", "post_category"]
    list_filter = ["gender", "post_category", "rank__ladder"]
    search_fields = ["name", "employee_id"]
    list_per_page = 50
    copy_view_enabled = False

    def get_form_class(self, for_update=False):
        return CadreProfileForm

    def get_queryset(self, request):
        return super().get_queryset(request).with_reference()

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("import/", self.import_view, name="import"),
            path("import/<int:pk>/", self.import_preview_view, name="import_preview"),
            path("import/<int:pk>/problems.csv", self.import_problems_view, name="import_problems"),
        ]

    def import_view(self, request):
        require(request, "lms.add_rosterimport")
        form = RosterUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            scope = owner_for(request.user)
            try:
                checked = roster.check_roster(
                    roster.read_roster(upload.read(), upload.name), scope=scope
                )
            except roster.RosterError as error:
                form.add_error("file", str(error.message))
            else:
                record = RosterImport.objects.create(
                    file_name=upload.name[:200],
                    owner_department=scope,
                    rows=checked["rows"],
                    problems=checked["problems"],
                    report={"deactivate_missing": form.cleaned_data["deactivate_missing"]},
                    created_by=request.user,
                )
                return redirect("roster:import_preview", pk=record.pk)
        return TemplateResponse(
            request,
            "lms/admin/roster_import.html",
            {
                "form": form,
                "page_title": _("Import roster"),
                "recent": RosterImport.objects.for_admin(request.user)[:10],
                "header_icon": "upload",
            },
        )

    def import_preview_view(self, request, pk):
        require(request, "lms.add_rosterimport")
        record = get_object_or_404(RosterImport.objects.for_admin(request.user), pk=pk)
        if request.method == "POST" and record.status == ImportStatus.PREVIEWED:
            action = request.POST.get("action")
            if action == "discard":
                record.status = ImportStatus.DISCARDED
                record.save(update_fields=["status"])
                messages.info(request, _("The import was discarded; nothing was written."))
                return redirect("roster:import")
            try:
                report = roster.commit_roster(
                    {"rows": record.rows, "problems": record.problems},
                    scope=record.owner_department,
                    valid_only=action == "valid_only",
                    deactivate_missing=bool(record.report.get("deactivate_missing")),
                )
            except (LmsError, roster.RosterError) as error:
                messages.error(request, str(error.message))
            else:
                report.pop("cadre_ids", None)
                record.status = ImportStatus.COMMITTED
                record.report = {**record.report, **report}
                record.save(update_fields=["status", "report"])
                messages.success(request, _("The roster was imported."))
                return redirect("roster:import_preview", pk=record.pk)
        departments = dict(Department.objects.values_list("code", "name"))
        ranks = dict(Rank.objects.values_list("code", "name"))
        problems_by_row: dict[int, list] = {}
        for problem in record.problems:
            label = roster.COLUMN_LABELS.get(problem.get("column"), problem.get("column"))
            problems_by_row.setdefault(problem.get("row"), []).append({**problem, "label": label})
        return TemplateResponse(
            request,
            "lms/admin/roster_preview.html",
            {
                "record": record,
                "rows": [
                    {
                        "data": row,
                        "department": departments.get(row.get("department"), row.get("department")),
                        "rank": ranks.get(row.get("rank"), row.get("rank")),
                        "problems": problems_by_row.get(row.get("row"), []),
                    }
                    for row in record.rows[:PREVIEW_ROWS]
                ],
                "more_rows": max(0, len(record.rows) - PREVIEW_ROWS),
                "file_problems": problems_by_row.get(None, []),
                "bad_rows": len({p.get("row") for p in record.problems}),
                "page_title": _("Check the roster before importing"),
                "header_icon": "upload",
            },
        )

    def import_problems_view(self, request, pk):
        require(request, "lms.add_rosterimport")
        record = get_object_or_404(RosterImport.objects.for_admin(request.user), pk=pk)
        response = HttpResponse(
            roster.problems_csv(record.problems), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="roster-problems-{pk}.csv"'
        return response


def require(request, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


# --- 目标人群: audiences ----------------------------------------------------------------------


class AudiencePreviewMixin:
    """A "preview" submit shows how many cadres the form's criteria cover, and who, without
    saving anything."""

    template_name = "lms/admin/audience_form.html"

    def post(self, request, *args, **kwargs):
        if "preview" not in request.POST:
            return super().post(request, *args, **kwargs)
        if not hasattr(self, "object"):
            self.object = None  # a create view has no object until it saves one
        self.form = self.get_form()
        if self.form.is_valid():
            owner = (
                self.object.owner_department
                if getattr(self, "object", None) is not None and self.object.pk
                else owner_for(request.user)
            )
            criteria = Criteria.from_values(**self.form.cleaned_data, owner_department=owner)
            self.audience_preview = preview(criteria, timezone.localdate())
        return self.render_to_response(self.get_context_data(form=self.form))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        saved = getattr(self, "object", None)
        if not hasattr(self, "audience_preview") and saved is not None and saved.pk:
            self.audience_preview = preview(Criteria.of(saved), timezone.localdate())
        context["audience_preview"] = getattr(self, "audience_preview", None)
        return context


class CoveredColumn(Column):
    """How many cadres an audience covers today (one count per row of a short list)."""

    def get_value(self, instance):
        return audience_cadres(instance, timezone.localdate()).count()


class AudienceViewSet(ScopedViewSet):
    model = Audience
    icon = "crosshairs"
    menu_label = _("Audiences")
    menu_order = 220
    url_prefix = "audiences"
    name = "audiences"
    list_display = [
        "name",
        "description",
        CoveredColumn("covered", label=_("Cadres covered today")),
    ]
    search_fields = ["name"]
    list_per_page = 20
    add_view_class = type(
        "AudienceCreateView", (AudiencePreviewMixin, ModelViewSet.add_view_class), {}
    )
    edit_view_class = type(
        "AudienceEditView", (AudiencePreviewMixin, ModelViewSet.edit_view_class), {}
    )
    copy_view_enabled = False

    def get_form_class(self, for_update=False):
        return AudienceForm


# --- 培训任务: campaigns -----------------------------------------------------------------------


class ProgressColumn(Column):
    def get_value(self, instance):
        if instance.status == CampaignStatus.DRAFT:
            return "—"
        if instance.assigning:
            return _("Assigning: %(done)d of %(total)d cadres") % {
                "done": instance.processed,
                "total": instance.total,
            }
        return _("%(done)d cadres assigned") % {"done": instance.processed}


class CampaignIndexView(ModelViewSet.index_view_class):
    def get_list_more_buttons(self, instance):
        buttons = list(super().get_list_more_buttons(instance))
        for action, label, icon, allowed in CAMPAIGN_ACTIONS:
            if instance.status in allowed and self.request.user.has_perm("lms.change_campaign"):
                buttons.append(
                    MenuItem(
                        label,
                        url=reverse(f"campaigns:{action}", args=[instance.pk]),
                        icon_name=icon,
                        priority=30,
                    )
                )
        return buttons


CAMPAIGN_ACTIONS = [
    ("launch", _("Launch"), "arrow-right", {CampaignStatus.DRAFT}),
    ("pause", _("Pause"), "pick", {CampaignStatus.RUNNING}),
    ("resume", _("Resume"), "redirect", {CampaignStatus.PAUSED}),
    (
        "cancel",
        _("Cancel campaign"),
        "cross",
        {CampaignStatus.DRAFT, CampaignStatus.RUNNING, CampaignStatus.PAUSED},
    ),
]
SERVICES = {
    "pause": campaigns.pause,
    "resume": campaigns.resume,
    "cancel": campaigns.cancel,
}
DONE = {
    "launch": _("The campaign is launched: courses are being assigned in the background."),
    "pause": _("The campaign is paused: no assignments or reminders until you resume it."),
    "resume": _("The campaign is running again."),
    "cancel": _("The campaign is cancelled. Courses already assigned stay with the cadres."),
}


class CampaignViewSet(ScopedViewSet):
    model = Campaign
    icon = "list-ol"
    menu_label = _("Training campaigns")
    menu_order = 230
    url_prefix = "campaigns"
    name = "campaigns"
    index_view_class = CampaignIndexView
    list_display = [
        "name",
        "audience",
        "due_date",
        "status",
        ProgressColumn("progress", label=_("Progress")),
    ]
    list_filter = ["status", "required"]
    search_fields = ["name"]
    copy_view_enabled = False

    def get_form_class(self, for_update=False):
        return CampaignForm

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("audience")

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("launch/<int:pk>/", self.launch_view, name="launch"),
            path("pause/<int:pk>/", self.action_view("pause"), name="pause"),
            path("resume/<int:pk>/", self.action_view("resume"), name="resume"),
            path("cancel/<int:pk>/", self.action_view("cancel"), name="cancel"),
            path("progress/<int:pk>/", self.progress_view, name="progress"),
        ]

    def campaign_for(self, request, pk) -> Campaign:
        require(request, "lms.change_campaign")
        return get_object_or_404(Campaign.objects.for_admin(request.user), pk=pk)

    def launch_view(self, request, pk):
        """GET: who the campaign will reach, before anything happens; POST: launch."""
        campaign = self.campaign_for(request, pk)
        today = timezone.localdate()
        problem = None
        if request.method == "POST":
            try:
                campaigns.launch(campaign, today=today)
            except LmsError as error:
                problem = error.message
            else:
                messages.success(request, DONE["launch"])
                return redirect("campaigns:progress", pk=campaign.pk)
        if problem is None and campaign.status == CampaignStatus.DRAFT:
            try:
                campaigns.check_launchable(campaign, today)
            except LmsError as error:
                problem = error.message
        return TemplateResponse(
            request,
            "lms/admin/campaign_launch.html",
            {
                "campaign": campaign,
                "courses": campaigns.live_courses(campaign),
                "preview": preview(Criteria.of(campaign.audience), today),
                "problem": problem,
                "page_title": _("Launch “%(name)s”") % {"name": campaign.name},
                "header_icon": "arrow-right",
            },
            status=409 if problem and request.method == "POST" else 200,
        )

    def action_view(self, action: str):
        @require_POST
        def view(request, pk):
            campaign = self.campaign_for(request, pk)
            try:
                SERVICES[action](campaign)
            except LmsError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, DONE[action])
            return redirect("campaigns:index")

        return view

    def progress_view(self, request, pk):
        campaign = get_object_or_404(Campaign.objects.for_admin(request.user), pk=pk)
        require(request, "lms.view_campaign")
        outcomes = dict(
            campaign.assignments.values_list("outcome").annotate(n=Count("pk")).order_by()
        )
        return TemplateResponse(
            request,
            "lms/admin/campaign_progress.html",
            {
                "campaign": campaign,
                "outcomes": [
                    (label, outcomes.get(value, 0)) for value, label in AssignmentOutcome.choices
                ],
                "page_title": campaign.name,
                "header_icon": "list-ol",
            },
        )


# --- 学习记录: learning records -----------------------------------------------------------------


class LearningRecordViewSet(ScopedViewSet):
    """Who is enrolled in what, with status and due dates: learning data only."""

    model = Enrollment
    icon = "tasks"
    menu_label = _("Learning records")
    menu_order = 240
    url_prefix = "learning-records"
    name = "learning_records"
    list_display = ["cadre", "course", "status", "required", "due_date", "completed_at"]
    list_filter = ["status", "required", "origin"]
    search_fields = ["cadre__name", "cadre__employee_id"]
    list_per_page = 50
    copy_view_enabled = False
    form_fields = ["due_date"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("cadre", "course")


# --- the administrator's dashboard panel -------------------------------------------------


class TargetingPanel(Component):
    """On the admin home page: the administrator's scope at a glance, with the way in."""

    name = "targeting"
    template_name = "lms/admin/targeting_panel.html"
    order = 50

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        today = timezone.localdate()
        campaigns_in_scope = Campaign.objects.for_admin(self.user)
        context.update(
            {
                "department": owner_for(self.user),
                "cadres": CadreProfile.objects.for_admin(self.user).active().count(),
                "running": campaigns_in_scope.filter(status=CampaignStatus.RUNNING).count(),
                "drafts": campaigns_in_scope.filter(status=CampaignStatus.DRAFT).count(),
                "overdue": sum(row["overdue"] for row in overdue_by_campaign(self.user, today)),
            }
        )
        return context


def targeting_panel_for(user) -> TargetingPanel | None:
    if user.has_perm("lms.view_campaign"):
        return TargetingPanel(user)
    return None
