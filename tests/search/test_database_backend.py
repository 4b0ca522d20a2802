import pytest

from search.backends import get_search_backend
from tests.search.contract import BackendContract

pytestmark = pytest.mark.django_db


class TestDatabaseBackend(BackendContract):
    @pytest.fixture
    def backend(self, settings):
        settings.LMS_SEARCH_BACKENDS = {"default": {"BACKEND": "search.backends.database"}}
        return get_search_backend()
