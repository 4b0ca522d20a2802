"""Logging filters: what must never reach a log, however far the loggers are turned up.

Wired in LOGGING (config/settings/base.py) on the django.template logger itself and on
every handler; tests/test_log_hygiene.py renders every personal page with all loggers at
DEBUG and looks for a cadre's name and scores in what was logged.
"""

import logging

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
