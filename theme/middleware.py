from csp.middleware import CSPMiddleware
from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import cc_delim_re, has_vary_header, patch_cache_control


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Simplified Chinese unless the visitor chose another language in the menu.

    Browsers' Accept-Language is ignored on purpose: many intranet PCs run an English
    operating system while their users read Chinese only.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


def is_private(request, response) -> bool:
    """Could this response hold someone's personal data?

    Yes when the request is authenticated (a session or an API bearer token), when the
    response sets the session cookie, or when it varies on a session cookie the request
    carries. An anonymous visitor's catalogue pages are the same for everyone.
    """
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return True
    if getattr(request, "auth", None) is not None or "HTTP_AUTHORIZATION" in request.META:
        return True
    session_cookie = settings.SESSION_COOKIE_NAME
    if session_cookie in response.cookies:
        return True
    return session_cookie in request.COOKIES and has_vary_header(response, "Cookie")


class PrivateCacheMiddleware:
    """`Cache-Control: private, no-store` on every response that could be personal.

    Placed before SessionMiddleware, so it sees the session cookie that middleware sets.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        directives = {
            directive.split("=")[0].strip().lower()
            for directive in cc_delim_re.split(response.get("Cache-Control", ""))
        }
        if "no-store" not in directives and is_private(request, response):
            patch_cache_control(response, private=True, no_store=True)
        return response


class SecurityHeadersMiddleware(CSPMiddleware):
    """django-csp's middleware with the admin's own policy, plus Permissions-Policy.

    The site's pages get CONTENT_SECURITY_POLICY (no inline script or style). Paths under
    ADMIN_CONTENT_SECURITY_POLICY["URL_PREFIXES"] get that policy instead: Wagtail's admin
    is a URLconf include, so django-csp's per-view decorators cannot reach its views.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        admin = settings.ADMIN_CONTENT_SECURITY_POLICY
        if (
            not report_only
            and parts.config is None
            and request.path_info.startswith(tuple(admin["URL_PREFIXES"]))
        ):
            parts.config = admin["DIRECTIVES"]
        return parts

    def process_response(self, request, response):
        response = super().process_response(request, response)
        if "Permissions-Policy" not in response:
            response["Permissions-Policy"] = settings.PERMISSIONS_POLICY
        return response
