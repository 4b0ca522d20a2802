"""The versioned JSON API for the host party-school platform, served at /api/v1/.

The OpenAPI document is at /api/v1/openapi.json. Callers authenticate with a bearer token
(`manage.py issue_api_token`) or, from our own pages, the Django session with CSRF.
"""

from ninja import NinjaAPI

from . import errors
from .views import router

api = NinjaAPI(
    title="心育 LMS API",
    version="1.0.0",
    urls_namespace="api-v1",
    description=(
        "Courses, enrollment, progress, quizzes, credit hours and certificate verification. "
        'Every error is {"error": {"code", "message", "details"}}; invalid input is a 400 '
        "with code `invalid_request`; a body over the size limit (2.5 MB by default) is a 413 "
        "with code `payload_too_large`."
    ),
    # Swagger UI would load its scripts from a CDN unless "ninja" is an installed app,
    # and the intranet has no internet; the OpenAPI document is enough for the host.
    docs_url=None,
)
errors.install(api)
api.add_router("", router)
