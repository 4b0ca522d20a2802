"""The search page, /search/?q=: parse the parameters, ask the configured backend, render.

Whichever backend is configured answers the same SearchQuery with the same
SearchResults, so nothing here depends on which one it is.
"""

import re

from django.shortcuts import render
from django.utils.html import escape
from django.views.decorators.http import require_safe

from .backends import get_search_backend
from .forms import TRACK_LABELS, SearchForm, mode_label, track_label
from .recommendations import page_url_resolver, popular_courses
from .text import fold, plan, tokens

TEMPLATE = "search/search.html"
_EM = re.compile(r"</?em>")


def highlighted(hit, name: str) -> str:
    """The backend's highlight of a field, or the plain field escaped.

    Backends escape the text and add only <em>; should one ever hand back anything else,
    the page shows the plain text rather than trusting it.
    """
    value = (hit.highlight or {}).get(name) or ""
    bare = _EM.sub("", value)
    if value and "<" not in bare and ">" not in bare:
        return value
    return escape(getattr(hit, name))


def nearest_tracks(text: str, limit: int = 3) -> list[dict]:
    """Tracks to offer when nothing matched: those sharing the most characters with the
    query first (all five when none shares any)."""
    wanted = set(fold(text))
    scored = sorted(
        (
            (len(wanted & set(fold(str(label)))), key, str(label))
            for key, label in TRACK_LABELS.items()
        ),
        key=lambda item: (-item[0], item[1]),
    )
    best = [item for item in scored if item[0]] or scored
    return [{"key": key, "label": label, "url": f"?track={key}"} for _n, key, label in best[:limit]]


@require_safe
def search_view(request):
    form = SearchForm(request.GET)
    if not form.is_valid():
        return render(request, TEMPLATE, {"form": form, "error": form.error()}, status=400)
    query = form.search_query()
    # Only punctuation, symbols or emoji: nothing to look for, and never "the whole
    # catalogue" presented as matches.
    no_words = bool(query.text) and not tokens(query.text)
    results = get_search_backend().search(query)
    url = page_url_resolver()
    hits = [
        {
            "hit": hit,
            "url": url(hit.url_path),
            "title_html": highlighted(hit, "title"),
            "summary_html": highlighted(hit, "summary"),
            "mode_label": mode_label(hit.delivery_mode),
            "track_label": hit.track_title or track_label(hit.track),
        }
        for hit in results.hits
    ]
    return render(
        request,
        TEMPLATE,
        {
            "form": form,
            "error": None,
            "query": query,
            "results": results,
            "hits": hits,
            "facets": form.facets(results),
            "active_filters": form.active_filters(),
            "pagination": form.pagination(results),
            "no_words": no_words,
            "related": plan(query.text).related,
            "suggestions": popular_courses() if not results.total else [],
            "nearest_tracks": nearest_tracks(query.text) if not results.total else [],
        },
    )
