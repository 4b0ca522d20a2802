"""The search page's parameters: parsing, validation and the links that change them.

The page and the API read the same filters. The query text is never refused: SearchQuery
trims it and caps its length, and the backends treat every character as plain text. A
filter value outside its choices is refused with InvalidFilter, because silently
dropping it would show results the cadre did not ask for.
"""

from math import ceil

from django import forms
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from courses.models import DeliveryMode, Track

from .backends.base import PAGE_SIZE, SearchQuery, SearchResults
from .errors import InvalidFilter
from .text import normalise_query

MAX_PAGE = 1000
TRACK_LABELS = dict(Track.choices)
MODE_LABELS = dict(DeliveryMode.choices)
# URL parameter → the facet name in SearchResults.facets.
FACET_PARAMS = {"track": "track", "mode": "delivery_mode"}


def track_label(key: str) -> str:
    return str(TRACK_LABELS.get(key, key))


def mode_label(key: str) -> str:
    return str(MODE_LABELS.get(key, key))


class QueryField(forms.CharField):
    """Search words are never refused: control characters (NUL too) go, the length is capped."""

    def to_python(self, value):
        return normalise_query(super().to_python(value))


class SearchForm(forms.Form):
    q = QueryField(required=False)
    track = forms.ChoiceField(
        required=False,
        choices=[("", ""), *Track.choices],
        error_messages={"invalid_choice": _("There is no such track.")},
    )
    mode = forms.ChoiceField(
        required=False,
        choices=[("", ""), *DeliveryMode.choices],
        error_messages={"invalid_choice": _("There is no such delivery mode.")},
    )
    tag = forms.SlugField(
        required=False,
        allow_unicode=True,
        max_length=100,
        error_messages={"invalid": _("There is no such tag.")},
    )
    page = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_PAGE,
        error_messages={
            "invalid": _("The page number must be a whole number from 1 to 1000."),
            "min_value": _("The page number must be a whole number from 1 to 1000."),
            "max_value": _("The page number must be a whole number from 1 to 1000."),
        },
    )

    def __init__(self, data=None, **kwargs):
        super().__init__(data if data is not None else {}, **kwargs)

    def error(self) -> InvalidFilter:
        """The form's errors as one domain error: a message per bad parameter."""
        details = [str(message) for messages in self.errors.values() for message in messages]
        return InvalidFilter(details=details)

    def search_query(self, page_size: int = PAGE_SIZE) -> SearchQuery:
        data = self.cleaned_data
        return SearchQuery(
            text=data.get("q") or "",
            track=data.get("track") or "",
            delivery_mode=data.get("mode") or "",
            tag=data.get("tag") or "",
            page=data.get("page") or 1,
            page_size=page_size,
        )

    # Links ------------------------------------------------------------------------------

    def url(self, **changes) -> str:
        """This search with some parameters changed (None removes one); back to page 1
        unless a page is given."""
        data = self.cleaned_data
        params = {"q": data.get("q")}
        params.update({name: data.get(name) for name in ("track", "mode", "tag")})
        params.update(changes)
        return "?" + urlencode({k: v for k, v in params.items() if v})

    def facets(self, results: SearchResults) -> dict[str, list[dict]]:
        """Per facet, its values with labels, counts, and a link that selects or clears it."""
        shown = {}
        for param, facet in FACET_PARAMS.items():
            label = track_label if param == "track" else mode_label
            order = list(TRACK_LABELS if param == "track" else MODE_LABELS)
            counts = results.facets.get(facet, {})
            selected = self.cleaned_data.get(param) or ""
            keys = sorted(counts, key=lambda k: (order.index(k) if k in order else len(order), k))
            shown[param] = [
                {
                    "key": key,
                    "label": label(key),
                    "count": counts[key],
                    "active": key == selected,
                    "url": self.url(**{param: None if key == selected else key}),
                }
                for key in keys
                if key
            ]
        return shown

    def active_filters(self) -> list[dict]:
        """The chosen filters, each with a link that removes it."""
        data = self.cleaned_data
        active = []
        for param, name, label in (
            ("track", _("Track"), track_label),
            ("mode", _("Delivery mode"), mode_label),
            ("tag", _("Tag"), str),
        ):
            if data.get(param):
                active.append(
                    {"name": name, "value": label(data[param]), "url": self.url(**{param: None})}
                )
        return active

    def pagination(self, results: SearchResults) -> dict:
        pages = max(1, ceil(results.total / results.page_size))
        number = results.page
        return {
            "number": number,
            "pages": pages,
            "beyond_last": number > pages,
            "previous_url": self.url(page=number - 1) if 1 < number <= pages else "",
            "next_url": self.url(page=number + 1) if number < pages else "",
            "first_url": self.url(),
        }
