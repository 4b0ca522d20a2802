"""The certificate as a PDF: for its holder, carrying the verification code as text."""

import io

import pytest
from pypdf import PdfReader

from lms.learning.enrollment import enrol
from lms.learning.progress import complete_lesson
from lms.models import Certificate
from tests.factories import make_cadre, make_course, make_lesson

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(curriculum):
    cadre = make_cadre(name="张晓梅")
    course = make_course(curriculum, title="睡眠与压力")
    lesson = make_lesson(course)
    enrollment, _ = enrol(cadre, course)
    complete_lesson(enrollment, lesson)
    return Certificate.objects.get(enrollment=enrollment)


def test_the_holder_downloads_a_pdf_with_the_verification_code(client, certificate):
    client.force_login(certificate.enrollment.cadre.user)
    url = f"/my/certificates/{certificate.code}/"
    assert "?format=pdf" in client.get(url).content.decode()

    response = client.get(url, {"format": "pdf"})

    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert certificate.code in text
    assert f"/certificates/{certificate.code}/" in text  # where to check it
    page = reader.pages[0].mediabox
    assert page.width > page.height  # landscape A4


def test_nobody_else_gets_the_pdf(client, certificate):
    client.force_login(make_cadre().user)
    response = client.get(f"/my/certificates/{certificate.code}/", {"format": "pdf"})
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
