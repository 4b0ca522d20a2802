"""The catalogue listing: filter form and the queries behind the home page."""

from django import forms
from django.core.paginator import Paginator
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from .models import (
    CatalogueHomePage,
    CoursePage,
    CurriculumPage,
    DeliveryMode,
    course_counts_by_curriculum,
)

PAGE_SIZE = 12


class CatalogueFilterForm(forms.Form):
    track = forms.SlugField(label=_("Track"), required=False, allow_unicode=True)
    tag = forms.SlugField(label=_("Tag"), required=False, max_length=100, allow_unicode=True)
    mode = forms.ChoiceField(
        label=_("Delivery mode"),
        required=False,
        choices=[("", _("All modes")), *DeliveryMode.choices],
    )
    page = forms.IntegerField(required=False, min_value=1)


def catalogue_context(home: CatalogueHomePage, params) -> dict:
    """Everything the catalogue template shows, in a fixed number of queries."""
    curricula = list(CurriculumPage.objects.child_of(home).live().public().order_by("path"))
    by_path = {curriculum.path: curriculum for curriculum in curricula}
    counts = course_counts_by_curriculum(home)
    for curriculum in curricula:
        curriculum.course_count = counts.get(curriculum.path, 0)

    form = CatalogueFilterForm(params)
    form.is_valid()
    # cleaned_data keeps every field that was valid: an unknown mode does not
    # discard a good track, and each bad value is reported on its own.
    data = form.cleaned_data
    courses = CoursePage.objects.descendant_of(home).for_listing()
    selected_track = None
    if data.get("track"):
        selected_track = next((c for c in curricula if c.slug == data["track"]), None)
        if selected_track is None:
            form.add_error("track", _("There is no such track."))
        else:
            courses = courses.child_of(selected_track)
    if data.get("tag"):
        courses = courses.filter(tags__slug=data["tag"])
    if data.get("mode"):
        courses = courses.filter(delivery_mode=data["mode"])
    page_number = data.get("page") or 1

    paginator = Paginator(courses, PAGE_SIZE)
    page = paginator.get_page(page_number)
    for course in page.object_list:
        course.curriculum = by_path.get(course.curriculum_path)

    tags = (
        Tag.objects.filter(courses_coursetag_items__content_object__live=True)
        .distinct()
        .order_by("name")
    )
    return {
        "filter_form": form,
        "curricula": curricula,
        "selected_track": selected_track,
        "courses_page": page,
        "tags": tags,
        "modes": DeliveryMode.choices,
    }
