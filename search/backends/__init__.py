"""Course search backends, chosen in settings the way Wagtail chooses its own:

    LMS_SEARCH_BACKENDS = {
        "default": {"BACKEND": "search.backends.elasticsearch", "URLS": [...], ...},
        "database": {"BACKEND": "search.backends.database"},
    }

A module names its class in a `SearchBackend` attribute; the other keys are passed to it.
No setting means the database backend.

LMS_SEARCH_FALLBACK names the store of record beside them (the database backend unless
configured otherwise): search and recommendations fall back to it while an external
backend is down, and sync writes it first and always, configured in
LMS_SEARCH_BACKENDS or not, so a fallback never serves an empty index.
"""

from importlib import import_module

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULT = {"default": {"BACKEND": "search.backends.database"}}
DEFAULT_FALLBACK = {"BACKEND": "search.backends.database"}


class InvalidSearchBackendError(ImproperlyConfigured):
    pass


def backend_settings() -> dict:
    return getattr(settings, "LMS_SEARCH_BACKENDS", None) or DEFAULT


def get_search_backend(alias: str = "default"):
    config = backend_settings().get(alias)
    if config is None:
        raise InvalidSearchBackendError(f"LMS_SEARCH_BACKENDS has no backend called {alias!r}.")
    return _load(config, alias)


def fallback_backend():
    """The store of record that every other backend falls back to (LMS_SEARCH_FALLBACK)."""
    return _load(getattr(settings, "LMS_SEARCH_FALLBACK", None) or DEFAULT_FALLBACK, "fallback")


def _load(config: dict, alias: str):
    params = dict(config)
    path = params.pop("BACKEND", None)
    if not path:
        raise InvalidSearchBackendError(f"LMS_SEARCH_BACKENDS[{alias!r}] needs a BACKEND.")
    try:
        module = import_module(path)
        backend_class = module.SearchBackend
    except (ImportError, AttributeError) as exc:
        raise InvalidSearchBackendError(
            f"{path!r} is not a search backend module with a SearchBackend class: {exc}"
        ) from exc
    return backend_class(params)


def all_backends():
    return [get_search_backend(alias) for alias in backend_settings()]
