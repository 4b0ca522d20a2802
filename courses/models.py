"""The course catalogue as a Wagtail page tree: home → curriculum → course → lesson."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail import hooks
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from lms.people.models import AssessmentSignal, Gender, PostCategory, Rank

from .blocks import CourseBodyBlock
from .forms import CataloguePageForm


class CourseRole(models.TextChoices):
    """What kind of help a course is (issue 15): recommendations pair it with the signals
    a cadre's assessment raised, per the reviewed rules (lms ProfileRules.signal_rules)."""

    SELF_HELP = "self_help", _("Self-help skills")
    HELP_SEEKING = "help_seeking", _("Help-seeking guidance")
    PSYCHO_EDUCATION = "psycho_education", _("Psycho-education")
    LEADERSHIP = "leadership", _("Skills for leaders")
    PEER_ACTIVITY = "peer_activity", _("Peer activity")


class Track(models.TextChoices):
    """The five curricula of the party school's course system (docs/domain.md §2)."""

    POPULAR_SCIENCE = "popular_science", _("Mental-health popular science")
    STRESS_RESILIENCE = "stress_resilience", _("Work-stress resilience")
    POLITICAL_ETHICS = "political_ethics", _("Political-ethics psychology")
    COMMUNICATION = "communication", _("Communication and leadership")
    WOMEN_DUAL_PRESSURE = "women_dual_pressure", _("Women cadres' dual pressure")


class DeliveryMode(models.TextChoices):
    ONLINE = "online", _("Online")
    OFFLINE = "offline", _("Offline")
    BLENDED = "blended", _("Blended")


# Higher layers add their part of a page's context (a cadre's enrolment, progress and
# recommendations) by registering fn(page, request, context) -> dict under this hook;
# courses itself knows no learning state.
PAGE_CONTEXT_HOOK = "courses_page_context"


def context_from_hooks(page, request, context: dict) -> dict:
    for extend in hooks.get_hooks(PAGE_CONTEXT_HOOK):
        context.update(extend(page, request, context))
    return context


class RememberedWorkflowMixin:
    """Whether a page is under a workflow (教研审核), asked once per page object.

    Wagtail's editor asks `has_workflow` several times per request (the edit view, the
    action menu, each permission test), one query each; the answer cannot change while one
    request holds the page object."""

    @property
    def has_workflow(self):
        try:
            return self.__dict__["_has_workflow"]
        except KeyError:
            found = self.__dict__["_has_workflow"] = Page.has_workflow.fget(self)
            return found


class CatalogueHomePage(RememberedWorkflowMixin, Page):
    """The catalogue at the site root: every published course, filterable."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["courses.CurriculumPage"]
    max_count = 1

    class Meta:
        verbose_name = _("catalogue home")

    def get_context(self, request, *args, **kwargs):
        from .catalogue import catalogue_context

        context = super().get_context(request, *args, **kwargs)
        context.update(catalogue_context(self, request.GET))
        # The cadre's recommendations, from lms.
        return context_from_hooks(self, request, context)


class CurriculumPage(RememberedWorkflowMixin, Page):
    """One of the five tracks: a curated sequence of courses."""

    track = models.CharField(_("track"), max_length=30, choices=Track.choices)
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("track"), FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["courses.CatalogueHomePage"]
    subpage_types = ["courses.CoursePage"]

    class Meta:
        verbose_name = _("curriculum")
        verbose_name_plural = _("curricula")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        courses = list(CoursePage.objects.child_of(self).for_listing())
        for course in courses:
            course.curriculum = self
        context["courses"] = courses
        return context


class CourseTag(TaggedItemBase):
    content_object = ParentalKey(
        "courses.CoursePage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class CoursePageQuerySet(PageQuerySet):
    def for_listing(self):
        """Published, public courses with what a course card shows, in fixed queries."""
        return self.live().public().prefetch_related("tags").order_by("path")


CoursePageManager = PageManager.from_queryset(CoursePageQuerySet)


class CoursePage(RememberedWorkflowMixin, Page):
    summary = models.TextField(_("summary"), max_length=500)
    body = StreamField(CourseBodyBlock(), verbose_name=_("overview"), blank=True)
    tags = ClusterTaggableManager(through=CourseTag, blank=True, verbose_name=_("tags"))

    credit_hours = models.DecimalField(
        _("credit hours (学时)"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("1.0"),
        validators=[
            MinValueValidator(Decimal("0"), _("Credit hours cannot be negative.")),
            MaxValueValidator(Decimal("200"), _("Credit hours cannot exceed 200.")),
        ],
    )
    delivery_mode = models.CharField(
        _("delivery mode"), max_length=10, choices=DeliveryMode.choices, default=DeliveryMode.ONLINE
    )
    estimated_minutes = models.PositiveIntegerField(
        _("estimated minutes"),
        default=60,
        validators=[MinValueValidator(1, _("Estimated time must be at least one minute."))],
    )
    instructors = ParentalManyToManyField(
        "courses.Instructor", blank=True, related_name="courses", verbose_name=_("instructors")
    )

    # Audience: every empty criterion means "everyone".
    audience_ranks = ParentalManyToManyField(
        Rank,
        blank=True,
        related_name="+",
        verbose_name=_("ranks"),
        help_text=_("Leave empty for all ranks."),
    )
    audience_min_rank = models.ForeignKey(
        Rank,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("this rank and above"),
        help_text=_("Admits every rank of the same or higher ordinal, on any ladder."),
    )
    audience_gender = models.CharField(
        _("gender"), max_length=10, choices=Gender.choices, blank=True, help_text=_("Empty: all.")
    )
    audience_post_categories = ParentalManyToManyField(
        PostCategory,
        blank=True,
        related_name="+",
        verbose_name=_("post categories"),
        help_text=_("Leave empty for all post categories."),
    )
    audience_min_age = models.PositiveSmallIntegerField(
        _("minimum age"), null=True, blank=True, validators=[MaxValueValidator(70)]
    )
    audience_max_age = models.PositiveSmallIntegerField(
        _("maximum age"), null=True, blank=True, validators=[MaxValueValidator(70)]
    )
    role = models.CharField(
        _("what the course offers"),
        max_length=20,
        choices=CourseRole.choices,
        blank=True,
        help_text=_(
            "The kind of help the course gives; recommendations pair it with a cadre's "
            "self-assessment. Empty counts as psycho-education."
        ),
    )
    signals = ParentalManyToManyField(
        AssessmentSignal,
        blank=True,
        related_name="courses",
        verbose_name=_("assessment signals addressed"),
        help_text=_("Used privately to recommend this course; never shown next to a person."),
    )

    objects = CoursePageManager()
    base_form_class = CataloguePageForm

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [
                        FieldPanel("credit_hours"),
                        FieldPanel("estimated_minutes"),
                        FieldPanel("delivery_mode"),
                    ]
                ),
                FieldPanel("instructors"),
                FieldPanel("tags"),
            ],
            heading=_("Course facts"),
        ),
        InlinePanel("sessions", heading=_("Offline sessions"), label=_("session")),
    ]
    audience_panels = [
        MultiFieldPanel(
            [
                FieldPanel("audience_min_rank"),
                FieldPanel("audience_ranks"),
                FieldPanel("audience_gender"),
                FieldPanel("audience_post_categories"),
                FieldRowPanel([FieldPanel("audience_min_age"), FieldPanel("audience_max_age")]),
            ],
            heading=_("Audience"),
        ),
        FieldPanel("role"),
        FieldPanel("signals"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("delivery_mode"),
    ]
    parent_page_types = ["courses.CurriculumPage"]
    subpage_types = ["courses.LessonPage"]

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def clean(self):
        super().clean()
        if (
            self.audience_min_age is not None
            and self.audience_max_age is not None
            and self.audience_min_age > self.audience_max_age
        ):
            raise ValidationError(
                {"audience_max_age": _("The maximum age must not be below the minimum age.")}
            )

    @property
    def curriculum_path(self) -> str:
        return self.path[: -self.steplen]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["lessons"] = list(
            LessonPage.objects.child_of(self).live().public().order_by("path")
        )
        context["upcoming_sessions"] = list(self.sessions.filter(ends_at__gte=timezone.now()))
        context["curriculum"] = self.get_parent().specific
        # The cadre's enrolment, progress, session sign-ups and the course's rating (lms).
        return context_from_hooks(self, request, context)

    def audience_description(self) -> list[str]:
        """Plain-language lines saying who the course is for (empty: everyone)."""
        lines = []
        if self.audience_min_rank_id:
            lines.append(_("%(rank)s and above") % {"rank": self.audience_min_rank})
        ranks = list(self.audience_ranks.all())
        if ranks:
            lines.append("、".join(rank.name for rank in ranks))
        if self.audience_gender:
            lines.append(self.get_audience_gender_display())
        categories = list(self.audience_post_categories.all())
        if categories:
            lines.append("、".join(category.name for category in categories))
        if self.audience_min_age or self.audience_max_age:
            lines.append(
                _("Aged %(low)s–%(high)s")
                % {"low": self.audience_min_age or "", "high": self.audience_max_age or ""}
            )
        return lines


CoursePage.edit_handler = TabbedInterface(
    [
        ObjectList(CoursePage.content_panels, heading=_("Content")),
        ObjectList(CoursePage.audience_panels, heading=_("Audience")),
        ObjectList(CoursePage.promote_panels, heading=_("Promote")),
        ObjectList(CoursePage.settings_panels, heading=_("Settings")),
    ]
)


class OfflineSession(Orderable):
    """A scheduled lecture, salon or experience session of a course."""

    page = ParentalKey(CoursePage, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200)
    capacity = models.IntegerField(
        _("capacity"),
        validators=[MinValueValidator(1, _("Capacity must be at least 1."))],
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    panels = [
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
        FieldRowPanel([FieldPanel("place"), FieldPanel("capacity")]),
        FieldPanel("note"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("offline session")
        verbose_name_plural = _("offline sessions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="offline_session_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__gte=1), name="offline_session_capacity_positive"
            ),
        ]

    def __str__(self):
        return f"{self.page.title} · {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("A session must end after it starts.")})


class LessonPage(RememberedWorkflowMixin, Page):
    body = StreamField(CourseBodyBlock(), verbose_name=_("content"))
    estimated_minutes = models.PositiveIntegerField(
        _("estimated minutes"),
        default=20,
        validators=[MinValueValidator(1, _("Estimated time must be at least one minute."))],
    )
    required = models.BooleanField(
        _("required"), default=True, help_text=_("Required lessons count toward completion.")
    )

    base_form_class = CataloguePageForm

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("estimated_minutes"), FieldPanel("required")]),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("body")]
    parent_page_types = ["courses.CoursePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    def quizzes(self) -> dict[str, dict]:
        """The lesson's quiz blocks by block id, in page order."""
        return {block.id: block.value for block in self.body if block.block_type == "quiz"}

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        course = self.get_parent().specific
        siblings = list(
            LessonPage.objects.child_of(course)
            .live()
            .public()
            .order_by("path")
            .only("id", "title", "url_path", "path")
        )
        index_of = next((i for i, s in enumerate(siblings) if s.pk == self.pk), None)
        context["course"] = course
        context["lessons"] = siblings
        if index_of is not None:
            context["previous_lesson"] = siblings[index_of - 1] if index_of > 0 else None
            context["next_lesson"] = (
                siblings[index_of + 1] if index_of + 1 < len(siblings) else None
            )
        # The cadre's progress and quiz state; a GET by an enrolled cadre records the visit.
        return context_from_hooks(self, request, context)


class Instructor(index.Indexed, models.Model):
    """A party-school teacher shown on course pages (a snippet)."""

    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    title = models.CharField(pgettext_lazy("job", "title"), max_length=100, blank=True)
    bio = models.TextField(_("biography"), blank=True)
    photo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("photo"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="instructor_profiles",
        verbose_name=_("user account"),
    )

    panels = [FieldPanel("name"), FieldPanel("title"), FieldPanel("bio"), FieldPanel("photo")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("instructor")
        verbose_name_plural = _("instructors")

    def __str__(self):
        return self.name


def course_counts_by_curriculum(home: CatalogueHomePage) -> dict[str, int]:
    """Live course counts keyed by curriculum path, in one aggregate query."""
    prefix_len = (home.depth + 1) * home.steplen
    rows = (
        CoursePage.objects.descendant_of(home)
        .live()
        .public()
        .annotate(curriculum_path=Substr("path", 1, prefix_len))
        .values("curriculum_path")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["curriculum_path"]: row["n"] for row in rows}
