"""No admin screen lists anyone's assessment data, not even for the system administrator.

Health data (PIPL Art. 28) is read only through lms.assessments, by the cadre or a
counsellor the cadre allowed, and every such read is audited. The admin has no such
check, so the assessment models must not be reachable there at all: not as snippets or
viewsets, not in the menu, the admin search, the reports or a cadre's usage page, and
not in Django's own admin site (installed for its templates, and not routed).
"""

import pytest
from django.contrib import admin as django_admin
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils import translation
from wagtail.admin.menu import SubmenuMenuItem, admin_menu
from wagtail.admin.search import admin_search_areas
from wagtail.models import ReferenceIndex
from wagtail.snippets.models import get_snippet_models

from lms.models import Assessment, AssessmentConsent, AuditLog, FollowUp, PsychProfile
from tests.factories import CANARIES, SHARED_ANSWERS, make_assessed, shows_canary

pytestmark = pytest.mark.django_db

# Each of these names a cadre together with their results, their consent, a crisis alert
# or the fact that a follow-up is open, which is health information in itself.
FORBIDDEN = {Assessment, PsychProfile, AssessmentConsent, FollowUp, AuditLog}


def models_of(callback) -> set:
    """The models an admin view works on, from the class-based view and its as_view()."""
    view_class = getattr(callback, "view_class", None)
    initkwargs = getattr(callback, "view_initkwargs", {}) or {}
    found = {initkwargs.get("model"), getattr(view_class, "model", None)}
    return {model for model in found if isinstance(model, type)}


def every_pattern(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from every_pattern(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def menu_leaves(items, request):
    for item in items:
        if isinstance(item, SubmenuMenuItem):
            yield from menu_leaves(item.menu.menu_items_for_request(request), request)
        else:
            yield item


@pytest.fixture
def superuser_client(client, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="pw-root-123")
    client.force_login(root)
    client.user = root
    return client


@pytest.fixture
def subject():
    return make_assessed(True, SHARED_ANSWERS, "测评隐私干部")


def admin_request(rf, user):
    request = rf.get("/admin/")
    request.user = user
    return request


def test_no_assessment_model_is_a_snippet():
    assert not FORBIDDEN & set(get_snippet_models())


def test_no_url_serves_a_view_over_an_assessment_model():
    served = {}
    for route, callback in every_pattern(get_resolver().url_patterns):
        for model in models_of(callback) & FORBIDDEN:
            served[route] = model.__name__
    assert served == {}


def test_no_assessment_model_is_in_django_admin_or_the_reference_index():
    assert not FORBIDDEN & set(django_admin.site._registry)
    for model in FORBIDDEN:
        assert not ReferenceIndex.is_indexed(model), model.__name__


def test_the_admin_menu_has_no_entry_to_assessment_data(superuser_client, subject, rf):
    request = admin_request(rf, superuser_client.user)
    with translation.override("en"):
        forbidden_labels = {str(m._meta.verbose_name_plural).lower() for m in FORBIDDEN}
        leaves = list(menu_leaves(admin_menu.menu_items_for_request(request), request))
        labels = {str(item.label).lower() for item in leaves}
    assert leaves and not labels & forbidden_labels

    for item in leaves:
        url = str(item.url)
        if not url.startswith("/admin/"):
            continue  # e.g. the counsellor worklist, which checks its own role
        match = resolve(url.split("?")[0])
        assert not models_of(match.func) & FORBIDDEN, url
        response = superuser_client.get(url, follow=True)
        assert response.status_code == 200, url
        assert not any(shows_canary(response.content.decode(), k) for k in CANARIES), url


def test_admin_search_and_reports_do_not_expose_results(superuser_client, subject, rf):
    assert superuser_client.get("/admin/").status_code == 200
    request = admin_request(rf, superuser_client.user)
    areas = admin_search_areas.search_items_for_request(request)
    assert areas
    for area in areas:
        response = superuser_client.get(str(area.url), {"q": subject.cadre.name})
        assert response.status_code == 200, area.url
        page = response.content.decode()
        assert not any(shows_canary(page, key) for key in CANARIES), area.url

    for report in ("site-history", "aging-pages", "page-types-usage", "locked"):
        response = superuser_client.get(f"/admin/reports/{report}/")
        assert response.status_code == 200, report
        assert not any(shows_canary(response.content.decode(), k) for k in CANARIES), report


def test_a_cadres_admin_pages_show_no_assessment_data(superuser_client, subject):
    base = "/admin/roster"
    for view in ("edit", "usage"):
        response = superuser_client.get(f"{base}/{view}/{subject.cadre.pk}/")
        assert response.status_code == 200, view
        page = response.content.decode()
        assert not any(shows_canary(page, key) for key in CANARIES), view
        assert f"follow-up {subject.follow_up.pk}" not in page
        assert f"profile {subject.cadre.pk}" not in page
        assert "scl90 @" not in page
