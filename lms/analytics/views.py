"""学习分析 in the Wagtail admin: the dashboard, its exports and an on-demand refresh.
Thin: who may see what is lms.analytics.queries.scope_for, the numbers come from
queries.build_dashboard, the figures from charts."""

import hashlib
from datetime import timedelta

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms.analytics import charts, exports, queries, summaries, tasks
from lms.analytics.forms import AnalyticsFilterForm
from lms.conf import lms_settings
from lms.models.analytics import AnalyticsBuild, AnalyticsExport, BuildStatus
from lms.models.learning import Enrollment

STALE_AFTER = timedelta(hours=36)
CACHE_SECONDS = 60 * 60
RUNNING_FOR_AT_MOST = timedelta(minutes=15)


def _scope(request):
    scope = queries.scope_for(request.user)
    if scope is None:
        raise PermissionDenied
    return scope


def _filters(request, scope):
    form = AnalyticsFilterForm(request.GET, scope=scope, user=request.user)
    return form, form.filters()


def building_now() -> bool:
    since = timezone.now() - RUNNING_FOR_AT_MOST
    return AnalyticsBuild.objects.filter(status=BuildStatus.RUNNING, started_at__gte=since).exists()


def ensure_summaries(request):
    """The latest build; with none yet, a small site builds now and a large one in the
    background (the page says so)."""
    build = summaries.latest_build()
    if build is not None:
        return build
    if Enrollment.objects.count() <= lms_settings.LMS_ANALYTICS_COLD_BUILD_MAX:
        return summaries.rebuild()
    if not building_now():
        tasks.rebuild_summaries.delay()
    return None


def dashboard(request):
    scope = _scope(request)
    form, filters = _filters(request, scope)
    build = ensure_summaries(request)
    context = {
        "page_title": _("Learning analytics"),
        "header_icon": "table",
        "form": form,
        "filters": filters,
        "scope": scope,
        "build": build,
        "stale": build is not None and build.finished_at < timezone.now() - STALE_AFTER,
        "building": building_now(),
        "query_string": filters.query_string(),
    }
    if build is not None:
        data, sections = presented(scope, filters, build)
        context.update(dashboard=data, sections=sections)
    return TemplateResponse(request, "lms/admin/analytics.html", context)


def cache_key(scope, filters, build, part: str) -> str:
    """Summaries change only with a build, so a view's tables and figures are computed once
    per build, scope, filters and language (the key holds all four)."""
    who = f"{scope.kind}:{getattr(scope.department, 'pk', '')}:"
    who += hashlib.sha256(",".join(map(str, sorted(scope.course_ids))).encode()).hexdigest()[:16]
    view = hashlib.sha256(filters.query_string().encode()).hexdigest()[:16]
    return f"lms-analytics:{part}:{build.pk}:{who}:{view}:{translation.get_language()}"


def dashboard_data(scope, filters, build):
    key = cache_key(scope, filters, build, "data")
    data = cache.get(key)
    if data is None:
        data = queries.build_dashboard(scope, filters, queries.labels_for(scope))
        cache.set(key, data, CACHE_SECONDS)
    return data


def presented(scope, filters, build):
    """The dashboard's tables with their figures and formatted grids, in page order."""
    key = cache_key(scope, filters, build, "page")
    found = cache.get(key)
    if found is not None:
        return found
    data = dashboard_data(scope, filters, build)
    figures = charts.figures_for(data)
    sections = []
    for name, table in data.tables().items():
        figure = figures.get(name)
        sections.append(
            {
                "table": table,
                "figure": charts.payload(figure) if figure is not None else None,
                "figure_id": f"chart-{name}",
                "data_id": f"chart-{name}-data",
                "body": exports.table_body(table, data.k),
            }
        )
    order = _section_order(data)
    sections.sort(key=lambda section: order.index(section["table"].key))
    cache.set(key, (data, sections), CACHE_SECONDS)
    return data, sections


def _section_order(data) -> list[str]:
    keys = ["funnel", *(t.key for t in data.completion), "trends", "credits"]
    keys += [t.key for t in data.overdue] + ["quizzes", "ratings"]
    keys += [t.key for t in data.assessments]
    return keys


def export(request, table, fmt):
    scope = _scope(request)
    if fmt not in exports.FORMATS:
        raise Http404
    _form, filters = _filters(request, scope)
    build = ensure_summaries(request)
    if build is None:
        raise Http404  # a large site's first build is still running
    data = dashboard_data(scope, filters, build)
    found = data.tables().get(table)
    if found is None:
        raise Http404
    rows = exports.table_rows(found, data.k)
    AnalyticsExport.objects.create(
        user=request.user, table=table, format=fmt, filters=filters.query_string()[:500]
    )
    body = exports.as_csv(rows) if fmt == "csv" else exports.as_xlsx(rows, found.title)
    response = HttpResponse(body, content_type=exports.FORMATS[fmt])
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="analytics-{table}-{stamp}.{fmt}"'
    return response


@require_POST
def refresh(request):
    _scope(request)
    if building_now():
        messages.info(request, _("The figures are already being rebuilt."))
    else:
        tasks.rebuild_summaries.delay()
        messages.success(
            request, _("The figures are being rebuilt; reload the page in a minute to see them.")
        )
    query = request.POST.get("query", "")
    return redirect(reverse("lms_analytics:dashboard") + (f"?{query}" if query else ""))
