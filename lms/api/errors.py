"""One error body for the whole API: {"error": {"code", "message", "details"}}.

`code` is stable and meant for programs; `message` is for people, in the request's
language (Chinese unless the visitor chose otherwise); `details` lists what exactly was
wrong, one string per problem. Request validation errors are 400 `invalid_request`.
"""

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from lms.errors import LmsError
from search.errors import SearchError

logger = logging.getLogger("lms.api")


class ErrorDetail(Schema):
    code: str
    message: str
    details: list[str]


class ErrorOut(Schema):
    error: ErrorDetail


class NotAuthenticated(LmsError):
    code = "not_authenticated"
    status = 401
    default_message = _("Sign in, or send a valid API token.")


class InvalidToken(LmsError):
    code = "invalid_token"
    status = 401
    default_message = _("The API token is not valid.")


class CsrfFailed(LmsError):
    code = "csrf_failed"
    status = 403
    default_message = _("The security check failed. Reload the page and try again.")


class TooManyFailures(LmsError):
    """Too many wrong API tokens from one address: every token is refused for a while."""

    code = "too_many_failures"
    status = 429

    def __init__(self, unlock_at):
        # Worded when raised, in the caller's language and local time.
        super().__init__(
            gettext(
                "Too many requests from this address had an invalid API token. Requests "
                "with a token are refused until %(time)s."
            )
            % {"time": timezone.localtime(unlock_at).strftime("%H:%M")}
        )


class TooManyLookups(LmsError):
    code = "too_many_lookups"
    status = 429

    def __init__(self, minutes: int):
        super().__init__(
            ngettext(
                "Many certificates were checked from this address in a short time. Please "
                "try again in at most %(minutes)d minute.",
                "Many certificates were checked from this address in a short time. Please "
                "try again in at most %(minutes)d minutes.",
                minutes,
            )
            % {"minutes": minutes}
        )


class CertificateNotFound(LmsError):
    code = "certificate_not_found"
    status = 404
    default_message = _("No certificate has this verification code.")


class InvalidRequest(LmsError):
    code = "invalid_request"
    status = 400
    default_message = _("The request is not valid; see the details.")


class NotFound(LmsError):
    code = "not_found"
    status = 404
    default_message = _("Nothing was found here.")


class PayloadTooLarge(LmsError):
    code = "payload_too_large"
    status = 413

    def __init__(self):
        # Worded when raised, so the limit is in the caller's language and current settings.
        limit = filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        super().__init__(
            gettext("The request is larger than the %(limit)s this service accepts.")
            % {"limit": limit}
        )


class ServerError(LmsError):
    code = "server_error"
    status = 500
    default_message = _("Something went wrong on our side. Please try again later.")


def errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    """The error part of an operation's `response=`, so the schema documents every status."""
    return dict.fromkeys(statuses, ErrorOut)


def error_body(error: LmsError | SearchError) -> dict:
    return {
        "error": {
            "code": error.code,
            "message": str(error.message),
            "details": [str(detail) for detail in error.details],
        }
    }


def install(api) -> None:
    """Replace ninja's default handlers so every failure has the same shape."""

    def respond(request, error: LmsError | SearchError):
        response = api.create_response(request, error_body(error), status=error.status)
        if error.status == 401:
            response["WWW-Authenticate"] = "Bearer"
        return response

    def on_lms_error(request, exc: LmsError | SearchError):
        return respond(request, exc)

    def on_validation_error(request, exc: ValidationError):
        details = []
        for error in exc.errors:
            where = ".".join(str(part) for part in error.get("loc", ()))
            details.append(f"{where}: {error.get('msg', '')}" if where else error.get("msg", ""))
        return respond(request, InvalidRequest(details=details))

    def on_http_error(request, exc: HttpError):
        # ninja raises these itself: a missing login, or a body that is not JSON.
        if isinstance(exc, AuthenticationError) or exc.status_code == 401:
            return respond(request, NotAuthenticated())
        if exc.status_code == 400:
            return respond(request, InvalidRequest(details=[str(exc)]))
        error = LmsError(str(exc))
        error.code, error.status = "http_error", exc.status_code
        return respond(request, error)

    def on_not_found(request, exc: Http404):
        return respond(request, NotFound())

    def on_too_big(request, exc: RequestDataTooBig):
        # Django refuses to read a body over DATA_UPLOAD_MAX_MEMORY_SIZE when an operation
        # first touches it; the site's middleware answers most of these before that.
        return respond(request, PayloadTooLarge())

    def on_unexpected(request, exc: Exception):
        # The host platform parses JSON; a Django HTML error page would break its client.
        logger.exception("Unhandled error in %s %s", request.method, request.path)
        return respond(request, ServerError())

    api.add_exception_handler(Exception, on_unexpected)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(RequestDataTooBig, on_too_big)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(ValidationError, on_validation_error)
    api.add_exception_handler(LmsError, on_lms_error)
    api.add_exception_handler(SearchError, on_lms_error)
