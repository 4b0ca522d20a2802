"""A body larger than the site accepts is answered 413, in the API's shape or as a page.

Django refuses to read a body over DATA_UPLOAD_MAX_MEMORY_SIZE: it raises RequestDataTooBig
(a SuspiciousOperation), which Django turns into a bare 400 and an API operation into a 500.
The middleware answers such a body before anything reads it; `bad_request` (handler400)
answers what Django raises later, such as a multipart form whose text fields alone exceed
the limit. Django has no handler413, so both render the answer here.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.views import defaults

from lms.api import api
from lms.api.errors import PayloadTooLarge, error_body


def for_api(request) -> bool:
    try:
        match = resolve(request.path_info, getattr(request, "urlconf", None))
    except Resolver404:
        return False
    return api.urls_namespace in match.namespaces


def for_admin(request) -> bool:
    return request.path_info.startswith(reverse("wagtailadmin_home"))


def payload_too_large(request):
    error = PayloadTooLarge()
    if for_api(request):
        return api.create_response(request, error_body(error), status=error.status)
    template = "theme/413_admin.html" if for_admin(request) else "theme/413.html"
    return render(request, template, {"error": error}, status=error.status)


def bad_request(request, exception):
    """handler400, with the one 400 that is really a 413."""
    if isinstance(exception, RequestDataTooBig):
        return payload_too_large(request)
    return defaults.bad_request(request, exception)


def declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0  # WSGIRequest reads no body at all for a length it cannot parse


class RequestSizeLimitMiddleware:
    """413 for a body whose Content-Length is over DATA_UPLOAD_MAX_MEMORY_SIZE.

    Multipart uploads to the site pass: Django counts only their text fields against the
    limit, the files are governed by FILE_UPLOAD_* settings and each form's own limit (the
    roster import's 10 MB). The API takes no uploads, so there every body counts.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if (
            limit is not None
            and declared_length(request) > limit
            and (request.content_type != "multipart/form-data" or for_api(request))
        ):
            return payload_too_large(request)
        return self.get_response(request)
