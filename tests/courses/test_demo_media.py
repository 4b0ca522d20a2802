"""The demo shows every block of the catalogue: each curriculum's first course carries an
illustration, a video that plays from the document store and a PDF handout."""

import re
from io import BytesIO

import pytest
from pypdf import PdfReader
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from courses.demo import seed_catalogue, seed_media
from courses.models import CoursePage, CurriculumPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(db, settings, tmp_path):
    # Documents are served from disk, as in production (the tests' in-memory storage has
    # no files for Wagtail's document view to send).
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    seed_catalogue()
    return seed_media()


def first_courses():
    return [
        CoursePage.objects.child_of(curriculum).order_by("path").first()
        for curriculum in CurriculumPage.objects.order_by("path")
    ]


def test_each_curriculum_shows_an_image_a_video_and_a_handout(client, catalogue):
    assert catalogue == 5
    for course in first_courses():
        html = client.get(course.url).content.decode()
        assert re.search(r'<figure class="block-image"><img [^>]*src="[^"]+\.png"', html)
        video = re.search(r'<video [^>]*src="([^"]+)"', html).group(1)
        assert video.endswith(".webm")
        response = client.get(video)
        assert response.status_code == 200
        assert b"".join(response.streaming_content)[:4] == b"\x1a\x45\xdf\xa3"  # WebM (EBML)
        handout = re.search(r'<p class="block-document"><a href="([^"]+)"', html).group(1)
        response = client.get(handout)
        assert response["Content-Type"] == "application/pdf"
        text = PdfReader(BytesIO(b"".join(response.streaming_content))).pages[0].extract_text()
        assert course.title[:10] in text and "12356" in text


def test_seeding_media_again_adds_nothing(catalogue):
    images, documents = get_image_model().objects.count(), get_document_model().objects.count()
    assert seed_media() == 0
    assert get_image_model().objects.count() == images
    assert get_document_model().objects.count() == documents
    assert documents == 6  # one video shared by the five courses, a handout each
