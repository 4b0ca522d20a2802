"""The catalogue editors' form: the Wagtail page form, with its choice lists read once.

Wagtail's page editor renders every widget twice: once for the page and once, with an
empty value, as the template its client-side panels build new fields from. A choice list
backed by a queryset (instructors, ranks, post categories, assessment signals) is read from
the database on each render. The form below gives each such widget a choice iterator that
reads its rows once per form, reads which of them the course holds in one query for all its
many-to-many fields, and loads the course's tags in one query instead of one per tag, so
the editor's query count does not grow with its choice lists or tags. It also packs the
body's block definitions once per process and language instead of on every request, and
renders each empty widget (the client-side template) and each choice list with its chosen
values once per process for the same inputs (name, value, choices, attributes, language):
a select of forty options costs tens of milliseconds through Django's templates, and the
result only changes when its inputs do.
"""

from django import forms
from django.core.exceptions import EmptyResultSet
from django.db import models
from django.db.models import Prefetch, Value, prefetch_related_objects
from django.utils.functional import Promise
from django.utils.translation import get_language
from taggit.models import Tag
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.blocks.base import BlockWidget


class RememberedChoices(forms.models.ModelChoiceIterator):
    """A choice iterator that reads its queryset on first use and replays the rows after.

    Fields of one form that list the same rows (the course's ranks and its lowest rank)
    share one read through `shared`, keyed by the query's SQL."""

    def __init__(self, field, shared=None):
        super().__init__(field)
        self._rows = None
        self._shared = {} if shared is None else shared

    def _load(self):
        if self._rows is None:
            objects = self._objects()
            rows = [self.choice(obj) for obj in objects]
            if self.field.empty_label is not None:
                rows.insert(0, ("", self.field.empty_label))
            self._rows = rows
        return self._rows

    def _objects(self):
        queryset = self.queryset
        try:
            key = (queryset.model, str(queryset.query))
        except EmptyResultSet:
            return []
        if key not in self._shared:
            self._shared[key] = list(queryset)
        return self._shared[key]

    def __iter__(self):
        yield from self._load()

    def __len__(self):
        return len(self._load())

    def __bool__(self):
        return len(self) > 0


def load_tags(page) -> None:
    """Load the page's tagged items with their tags in one query.

    A page read from the database gets them prefetched; a page opened from its latest
    revision keeps them in memory with only the tag's id, and gets the tags in bulk.
    Either way the form's tag field then reads no more rows."""
    manager = page.tagged_items
    if not manager.is_deferring:
        prefetch_related_objects(
            [page], Prefetch("tagged_items", queryset=manager.model.objects.select_related("tag"))
        )
        return
    items = list(manager.all())
    missing = {item.tag_id for item in items if item.tag_id and not _tag_loaded(item)}
    if not missing:
        return
    tags = Tag.objects.in_bulk(missing)
    for item in items:
        if item.tag_id in tags:
            item.tag = tags[item.tag_id]


def _tag_loaded(item) -> bool:
    return item._meta.get_field("tag").is_cached(item)


def chosen_ids(page, names) -> dict[str, list]:
    """The ids each many-to-many field of a saved page holds, from one UNION query.

    Only fields still read from the database are asked: a page opened from a revision
    holds its choices in memory already."""
    asked = [name for name in names if isinstance(getattr(page, name).all(), models.QuerySet)]
    if not asked or page.pk is None:
        return {}
    parts = []
    for index, name in enumerate(asked):
        field = page._meta.get_field(name)
        through = field.remote_field.through
        parts.append(
            through.objects.filter(**{field.m2m_field_name(): page.pk})
            .order_by()
            .annotate(relation=Value(index, output_field=models.IntegerField()))
            .values_list("relation", f"{field.m2m_reverse_field_name()}_id")
        )
    chosen = {name: [] for name in asked}
    for index, target_id in parts[0].union(*parts[1:], all=True):
        chosen[asked[index]].append(target_id)
    return chosen


# (block definition, language) -> (JSContext, JSON) of the definition as the editor packs it.
_PACKED_BLOCKS: dict[tuple[int, str], tuple[object, object, str]] = {}


def reuse_block_definitions(form) -> None:
    """Pack each StreamField's block definition once per process and language.

    Wagtail packs a StreamField's whole block tree (every child block's label, help text
    and widget template) for the client on every render of the editor; the tree is fixed
    at import time, so the packed form only changes with the language."""
    for field in form.fields.values():
        widget = field.widget
        if not isinstance(widget, BlockWidget):
            continue
        key = (id(widget.block_def), get_language())
        packed = _PACKED_BLOCKS.get(key)
        if packed is None or packed[0] is not widget.block_def:
            packed = (widget.block_def, widget.js_context, widget.block_json)
            _PACKED_BLOCKS[key] = packed
        _block_def, widget._js_context, widget._block_json = packed


# (widget class, name, value, its state, attributes, choices, language) -> the HTML.
_RENDERS: dict[tuple, str] = {}
RENDERS_MAX = 512


class Unremembered(Exception):
    """A widget's state holds something without a stable value: render it every time."""


def _plain(value):
    """A hashable stand-in for a widget's attribute or choice, or Unremembered."""
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, str | int | float | bool | type(None)):
        return value
    if isinstance(value, forms.models.ModelChoiceIteratorValue):
        return ("model", value.value)
    if isinstance(value, dict):
        return ("dict", tuple(sorted(((str(k), _plain(v)) for k, v in value.items()))))
    if isinstance(value, list | tuple):
        return tuple(_plain(v) for v in value)
    raise Unremembered(type(value).__name__)


def render_key(widget, name, value, attrs) -> tuple | None:
    """The inputs of a render of one of Django's own widgets, or None when they cannot be
    told apart safely (the render is then not remembered)."""
    state = {k: v for k, v in vars(widget).items() if k not in ("choices", "_choices", "render")}
    try:
        choices = _plain(list(widget.choices)) if hasattr(widget, "choices") else ()
        return (
            type(widget),
            name,
            _plain(value),
            _plain(state),
            _plain(attrs or {}),
            choices,
            get_language(),
        )
    except Unremembered:
        return None


def remember_renders(form) -> None:
    """Render each empty widget (as Wagtail packs it for the client), and each choice list
    with its chosen values, once per process for the same inputs."""
    for field in form.fields.values():
        widget = field.widget
        if type(widget).__module__ == "django.forms.widgets":
            widget.render = _remembering_render(widget, widget.render, form.renderer)


def _remembering_render(widget, render, form_renderer):
    def remembered(name, value, attrs=None, renderer=None):
        key = None
        empty = name == "__NAME__" and value is None
        # The form passes its own renderer (a bound field's as_widget); any other renderer
        # could render differently, so its output is not remembered.
        usual = renderer is None or renderer is form_renderer
        if usual and (empty or hasattr(widget, "choices")):
            key = render_key(widget, name, value, attrs)
        if key is None:
            return render(name, value, attrs, renderer)
        html = _RENDERS.get(key)
        if html is None:
            if len(_RENDERS) >= RENDERS_MAX:
                _RENDERS.clear()
            html = _RENDERS[key] = render(name, value, attrs, renderer)
        return html

    return remembered


class CataloguePageForm(WagtailAdminPageForm):
    """The form of the catalogue's pages in the Wagtail editor."""

    def __init__(self, *args, instance=None, **kwargs):
        if instance is not None and instance.pk is not None and hasattr(instance, "tagged_items"):
            load_tags(instance)
        super().__init__(*args, instance=instance, **kwargs)
        reuse_block_definitions(self)
        remember_renders(self)
        many, shared = [], {}
        for name, field in self.fields.items():
            if isinstance(field, forms.ModelChoiceField):
                field.widget.choices = RememberedChoices(field, shared)
            if isinstance(field, forms.ModelMultipleChoiceField) and name in self.initial:
                many.append(name)
        if not self.is_bound and self.instance.pk is not None:
            self.initial.update(chosen_ids(self.instance, many))
