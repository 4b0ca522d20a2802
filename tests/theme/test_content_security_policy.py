"""The Content-Security-Policy and Permissions-Policy headers, and pages that obey them.

Every kind of page gets the site's strict policy (no inline script or style, nothing from
another host), the Wagtail admin its own; and the HTML of the pages a cadre, a counsellor
or a visitor sees holds nothing that policy would block: no <script> without the nonce,
no event-handler attribute, no style attribute, no javascript: address.
"""

from html.parser import HTMLParser

import pytest
from django.http import HttpResponse
from django.template import engines
from django.test import RequestFactory

from theme.middleware import SecurityHeadersMiddleware

pytestmark = pytest.mark.django_db

SITE_POLICY = {
    "default-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
    "form-action": {"'self'"},
    "frame-ancestors": {"'self'"},
}
PERMISSIONS = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
UNSAFE = {"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'"}
ADDRESSES = {"href", "src", "action", "formaction"}


def policy(response) -> dict[str, set[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = set(values)
    return directives


def pages(site) -> list[tuple[str, str, object]]:
    """(what, path, who) for each kind of page the site renders itself."""
    cadre, counsellor = site.cadre.user, site.counsellor
    code = site.certificate.code
    return [
        ("catalogue", site.home.url, None),
        ("catalogue, signed in", site.home.url, cadre),
        ("curriculum", site.curriculum.url, None),
        ("course", site.course.url, cadre),
        ("lesson with video and quiz", site.lesson.url, cadre),
        ("search", "/search/?q=压力", None),
        ("my learning", "/my/", cadre),
        ("certificate", f"/my/certificates/{code}/", cadre),
        ("assessment", "/assessment/", cadre),
        ("questionnaire", "/assessment/scl90/", cadre),
        ("SCL-90 result", f"/assessment/results/{site.assessment.pk}/", cadre),
        ("GAD-7 result", f"/assessment/results/{site.gad7.pk}/", cadre),
        ("stress sources result", f"/assessment/results/{site.sources.pk}/", cadre),
        ("help", "/assessment/help/", None),
        ("counsellor worklist", "/counsellor/", counsellor),
        ("counsellor's view of a cadre", f"/counsellor/cadres/{site.cadre.pk}/", counsellor),
        ("certificate lookup", "/certificates/", None),
        ("certificate verification", f"/certificates/{code}/", None),
        ("login", "/accounts/login/", None),
        ("not a cadre", "/my/", counsellor),
    ]


def get(client, path, user):
    client.logout()
    if user is not None:
        client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200, path
    return response


class InlineCode(HTMLParser):
    """Collects what a strict policy would block in one page."""

    def __init__(self, nonce: str | None):
        super().__init__()
        self.nonce = nonce
        self.found = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        inline = tag in {"script", "style"} and "src" not in attributes
        if inline and (not self.nonce or attributes.get("nonce") != self.nonce):
            self.found.append(f"<{tag}> without the nonce")
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.found.append(f"{name}= on <{tag}>")
            address = (value or "").strip().lower()
            if name in ADDRESSES and address.startswith("javascript:"):
                self.found.append(f"javascript: in {name}= on <{tag}>")


def nonce_of(response) -> str | None:
    for value in policy(response).get("script-src", ()):
        if value.startswith("'nonce-"):
            return value[len("'nonce-") : -1]
    return None


def test_every_page_type_sends_the_site_policy(client, site):
    for what, path, user in pages(site):
        found = policy(get(client, path, user))
        for directive, values in SITE_POLICY.items():
            assert found.get(directive) == values, (what, directive, found.get(directive))
        for directive in ("script-src", "style-src"):
            assert "'self'" in found[directive], (what, directive)
            assert not found[directive] & UNSAFE, (what, directive)


def test_every_page_type_sends_the_permissions_policy(client, site):
    for what, path, user in pages(site):
        assert get(client, path, user)["Permissions-Policy"] == PERMISSIONS, what


def test_no_page_holds_inline_code_the_policy_would_block(client, site):
    problems = []
    for what, path, user in pages(site):
        response = get(client, path, user)
        parser = InlineCode(nonce_of(response))
        parser.feed(response.content.decode())
        problems += [f"{what} ({path}): {problem}" for problem in parser.found]
    assert not problems, "\n".join(problems)


def test_the_page_check_finds_what_the_policy_would_block():
    parser = InlineCode("abc")
    parser.feed(
        '<script>x()</script><script nonce="abc">y()</script><script src="/s.js"></script>'
        '<button onclick="window.print()">p</button><span style="width: 5%"></span>'
        '<a href=" JavaScript:go()">go</a><style>p {}</style>'
    )

    assert parser.found == [
        "<script> without the nonce",
        "onclick= on <button>",
        "style= on <span>",
        "javascript: in href= on <a>",
        "<style> without the nonce",
    ]


def test_the_admin_allows_inline_code_but_nothing_from_elsewhere(client, site):
    client.force_login(site.superuser)
    for path in ("/admin/", f"/admin/pages/{site.course.pk}/edit/"):
        response = client.get(path)
        assert response.status_code == 200
        found = policy(response)
        for directive in ("default-src", "object-src", "base-uri", "form-action"):
            assert found[directive] == SITE_POLICY[directive], (path, directive)
        assert found["frame-ancestors"] == {"'self'"}
        assert found["script-src"] == {"'self'", "'unsafe-inline'"}
        assert "'unsafe-eval'" not in found["script-src"] | found["style-src"]
        assert response["Permissions-Policy"] == PERMISSIONS


def test_an_inline_script_with_the_nonce_is_allowed(rf: RequestFactory):
    template = engines["django"].from_string(
        '<script nonce="{{ request.csp_nonce }}">draw();</script>'
    )
    middleware = SecurityHeadersMiddleware(
        lambda request: HttpResponse(template.render({}, request))
    )

    response = middleware(rf.get("/my/"))

    nonce = nonce_of(response)
    assert nonce and f'nonce="{nonce}"' in response.content.decode()
    assert f"'nonce-{nonce}'" in policy(response)["script-src"]


def test_a_page_without_inline_script_sends_no_nonce(client, site):
    assert nonce_of(get(client, site.home.url, None)) is None
