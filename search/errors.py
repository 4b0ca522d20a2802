"""Search's own errors, shaped like the lms domain errors (a stable code, an HTTP status, a
Chinese message and details), so the API reports both the same way without search
importing lms."""

from django.utils.translation import gettext_lazy as _


class SearchError(Exception):
    code = "search_error"
    status = 400
    default_message = _("The request could not be completed.")

    def __init__(self, message=None, *, details=None):
        self.message = message or self.default_message
        self.details = details or []
        super().__init__(str(self.message))


class InvalidFilter(SearchError):
    code = "invalid_filter"
    status = 400
    default_message = _("Some search filters are not valid; see the details.")
