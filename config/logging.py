"""Logging: what must never reach a log, however far the loggers are turned up; and the
request id every record of a request carries.

Wired in LOGGING (config/settings/base.py) on the django.template logger itself and on
every handler; tests/test_log_hygiene.py renders every personal page with all loggers at
DEBUG and looks for a cadre's name and scores in what was logged.
"""

import contextvars
import json
import logging
import re
import uuid

from django.template.context import BaseContext

TEMPLATE_LOGGER = "django.template"


class DropTemplateContext(logging.Filter):
    """Drops django.template records that carry a template context, whatever their level.

    At DEBUG, Django logs each variable a template cannot resolve together with the
    exception, whose text is the whole context, or the object the lookup failed on: on a
    result page, a cadre's name beside their SCL-90 scores.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name != TEMPLATE_LOGGER and not record.name.startswith(TEMPLATE_LOGGER + "."):
            return True
        return not carries_context(record)


def carries_context(record: logging.LogRecord) -> bool:
    if record.exc_info or record.exc_text or getattr(record, "context", None) is not None:
        return True
    args = record.args if isinstance(record.args, tuple) else (record.args,)
    return any(isinstance(arg, BaseContext | dict) for arg in args)


# Request ids -------------------------------------------------------------------------------

REQUEST_ID: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
# An id a proxy or load balancer already gave the request is kept if it looks like one.
INCOMING_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Gives every request an id (the proxy's X-Request-ID when it sends a sane one, else
    a new one), puts it in every log record made while answering (RequestIdFilter) and in
    the response's X-Request-ID header, so a cadre's "something went wrong" can be found in
    the logs of whichever machine answered."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if INCOMING_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = REQUEST_ID.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            REQUEST_ID.reset(token)
        response["X-Request-ID"] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record ("-" outside a request: tasks, commands)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, request id, message (and the
    exception's traceback), for log collectors. LOG_FORMAT=json; production's default."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", REQUEST_ID.get()),
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


# Request ids in background work -----------------------------------------------------------

_TASK_TOKENS: dict[str, contextvars.Token] = {}


def send_request_id(headers=None, **kwargs) -> None:
    """Celery's before_task_publish: a task queued while answering a request carries the
    request's id in its message headers."""
    request_id = REQUEST_ID.get()
    if headers is not None and request_id != "-":
        headers.setdefault("request_id", request_id)


def take_request_id(task_id=None, task=None, **kwargs) -> None:
    """Celery's task_prerun: the task's log records carry the id of the request that
    queued it. A task run eagerly, inside the request, keeps the request's id."""
    request_id = getattr(task.request, "request_id", None) if task is not None else None
    if request_id and INCOMING_ID.match(str(request_id)):
        _TASK_TOKENS[task_id] = REQUEST_ID.set(str(request_id))


def drop_request_id(task_id=None, **kwargs) -> None:
    """Celery's task_postrun: back to no id (or to the eager caller's)."""
    token = _TASK_TOKENS.pop(task_id, None)
    if token is not None:
        REQUEST_ID.reset(token)
