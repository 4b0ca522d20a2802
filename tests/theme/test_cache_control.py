"""Personal responses are never stored by a browser or a proxy; the public catalogue may be.

Every route of the URLconf outside the Wagtail admin is asked by each signed-in role (a
GET, or a POST where the route refuses GET) and must answer `Cache-Control: private,
no-store`, whatever its status; the admin's main pages are sampled. The routes are read
from the URLconf, so a new route is covered as soon as it exists, and a route whose
parameters this file cannot fill fails until it can.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils.cache import cc_delim_re

from lms.models import ApiToken

pytestmark = pytest.mark.django_db

ADMIN_PAGES = [
    "/admin/",
    "/admin/pages/",
    "/admin/images/",
    "/admin/documents/",
    "/admin/users/",
    "/admin/reports/locked/",
    "/admin/roster/",
    "/admin/audiences/",
    "/admin/campaigns/",
    "/admin/learning-records/",
]
PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")


def directives(response) -> set[str]:
    return {part.strip().lower() for part in cc_delim_re.split(response.get("Cache-Control", ""))}


def routes(patterns, prefix=""):
    """(route, URL name) of every pattern outside the Wagtail admin."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if route != "admin/":
                yield from routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route, pattern.name


def concrete(route: str, name: str, site) -> str:
    """A path that the route matches, with the ids of the site's own objects."""
    by_regex = {  # the routes written as regular expressions
        "wagtaildocs_serve": "/documents/1/lecture.pdf",
        "wagtail_serve": site.course.url,
    }
    if name in by_regex:
        return by_regex[name]
    values = {
        "course_id": site.course.pk,
        "lesson_id": site.lesson.pk,
        "quiz_id": "quiz",
        "session_id": 1,
        "code": site.certificate.code,
        "pk": site.assessment.pk,
        "cadre_id": site.cadre.pk,
        "key": "scl90",
        "restriction_id": 1,
        "page_view_restriction_id": 1,
        "page_id": site.course.pk,
        "record_id": 1,
    }
    path = "/" + PARAMETER.sub(lambda match: str(values[match.group(1)]), route)
    assert "^" not in path and "(" not in path, f"add an example path for {name} ({route})"
    return path


def every_route(site) -> list[tuple[str, str]]:
    found = []
    for route, name in routes(get_resolver().url_patterns):
        path = concrete(route, name, site)
        assert resolve(path).route.replace("^", "") == route.replace("^", ""), (path, name)
        found.append((name, path))
    return found


def answer(client, path):
    response = client.get(path)
    if response.status_code == 405:
        response = client.post(path)
    return response


@pytest.mark.parametrize("role", ["cadre", "counsellor", "superuser"])
def test_every_route_answers_a_signed_in_user_with_no_store(client, site, role):
    user = site.cadre.user if role == "cadre" else getattr(site, role)
    failures = []
    for name, path in every_route(site):
        client.force_login(user)  # a route such as logout ends the session
        response = answer(client, path)
        if not {"private", "no-store"} <= directives(response):
            failures.append(
                f"{path} ({name}): {response.status_code} {response.get('Cache-Control')}"
            )
    assert not failures, "\n".join(failures)


def test_the_admin_pages_answer_with_no_store(client, site):
    client.force_login(site.superuser)
    pages = [
        *ADMIN_PAGES,
        f"/admin/pages/{site.course.pk}/",
        f"/admin/pages/{site.course.pk}/edit/",
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "no-store" in directives(response), path


def test_the_catalogue_pages_a_cadre_sees_are_private(client, site):
    client.force_login(site.cadre.user)
    for page in (site.home, site.curriculum, site.course, site.lesson):
        response = client.get(page.url)
        assert response.status_code == 200
        assert {"private", "no-store"} <= directives(response), page.url


def test_an_api_call_with_a_bearer_token_is_private(client, site):
    _token, key = ApiToken.issue(site.cadre.user, "党校平台")

    response = client.get("/api/v1/me/enrollments", headers={"Authorization": f"Bearer {key}"})

    assert response.status_code == 200
    assert {"private", "no-store"} <= directives(response)


def test_logging_in_and_out_is_never_stored(client, site):
    site.cadre.user.set_password("pw-cadre-123")
    site.cadre.user.save()
    response = client.post(
        "/accounts/login/", {"username": site.cadre.user.username, "password": "pw-cadre-123"}
    )
    assert response.status_code == 302
    assert "no-store" in directives(response)

    response = client.post("/accounts/logout/")
    assert "no-store" in directives(response)


def test_the_public_certificate_check_is_not_stored(client, site):
    # Anonymous, but it names a person (masked) and their course.
    for path in (
        f"/certificates/{site.certificate.code}/",
        f"/api/v1/certificates/{site.certificate.code}",
    ):
        response = client.get(path)
        assert response.status_code == 200
        assert "no-store" in directives(response), path


def test_anonymous_visitors_get_cacheable_catalogue_pages(client, site):
    for page in (site.home, site.curriculum, site.course):
        response = client.get(page.url)
        assert response.status_code == 200
        assert "no-store" not in directives(response), page.url
        assert "private" not in directives(response), page.url
