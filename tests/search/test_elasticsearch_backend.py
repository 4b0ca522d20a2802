import pytest

from search.backends import get_search_backend
from tests.search.contract import BackendContract

pytestmark = pytest.mark.django_db


class TestElasticsearchBackend(BackendContract):
    @pytest.fixture
    def backend(self, settings, es_params):
        settings.LMS_SEARCH_BACKENDS = {"default": es_params}
        return get_search_backend()
