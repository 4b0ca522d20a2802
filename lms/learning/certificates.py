"""Certificates of completion with a public verification code."""

import io
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.conf import lms_settings
from lms.models.learning import Certificate, CreditRecord, CreditSource, Enrollment


def issue_certificate(enrollment: Enrollment) -> Certificate:
    """Issue once per completed enrollment; the holder and course are frozen at issue."""
    existing = Certificate.objects.filter(enrollment=enrollment).first()
    if existing:
        return existing
    record = CreditRecord.objects.filter(
        cadre_id=enrollment.cadre_id, course_id=enrollment.course_id, source=CreditSource.ONLINE
    ).first()
    hours = record.hours if record else enrollment.course.credit_hours
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Certificate.objects.create(
                    enrollment=enrollment,
                    code=Certificate.new_code(),
                    holder_name=enrollment.cadre.name,
                    course_title=enrollment.course.title,
                    hours=hours,
                    issued_on=timezone.localdate(enrollment.completed_at or timezone.now()),
                )
        except IntegrityError:
            existing = Certificate.objects.filter(enrollment=enrollment).first()
            if existing:
                return existing
            # Otherwise the random code collided: draw another.
    raise RuntimeError("could not draw a unique certificate code")


def verify(code: str) -> Certificate | None:
    return Certificate.objects.filter(code=code.strip().upper()).first()


# The certificate as a PDF ----------------------------------------------------------------

CID_FONT = "STSong-Light"  # Adobe's Simplified Chinese font: named in the PDF, not embedded


def _chinese_font() -> str:
    """The font for the certificate's Chinese text: LMS_CERTIFICATE_FONT (a TrueType file,
    e.g. Debian's fonts-wqy-zenhei) embedded when it exists, else Adobe's STSong-Light,
    which every PDF reader with Chinese support renders without embedding."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont

    path = lms_settings.LMS_CERTIFICATE_FONT
    if path and Path(path).is_file():
        name = "xinyu-certificate"
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, path, subfontIndex=0))
        return name
    if CID_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CID_FONT))
    return CID_FONT


def certificate_pdf(certificate: Certificate, verify_url: str) -> bytes:
    """The certificate on a landscape A4 page, in the current language. The verification
    code and address are set in a standard Latin font, so they can be copied and checked."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen import canvas

    width, height = landscape(A4)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(width, height))
    pdf.setTitle(f"{_('Certificate of completion')} · {certificate.course_title}")
    pdf.setAuthor(str(_("Xinyu cadre mental-health courses")))
    font = _chinese_font()
    centre = width / 2

    pdf.setLineWidth(2)
    pdf.rect(36, 36, width - 72, height - 72)
    pdf.setLineWidth(0.5)
    pdf.rect(44, 44, width - 88, height - 88)

    lines = [
        (font, 16, height - 110, _("Xinyu cadre mental-health courses")),
        (font, 34, height - 175, _("Certificate of completion")),
        (font, 28, height - 250, certificate.holder_name),
        (
            font,
            16,
            height - 300,
            _("has completed the course “%(title)s”") % {"title": certificate.course_title},
        ),
        (
            font,
            16,
            height - 335,
            _("%(hours)s credit hours") % {"hours": f"{certificate.hours.normalize():f}"},
        ),
        (
            font,
            13,
            height - 390,
            f"{_('Issued on')}: {certificate.issued_on:%Y-%m-%d}",
        ),
    ]
    for face, size, y, text in lines:
        pdf.setFont(face, size)
        # STSong-Light has no U+00B7 middle dot; a full-width space reads the same there.
        pdf.drawCentredString(centre, y, str(text).replace(" · ", "\u3000"))
    pdf.setFont(font, 13)
    pdf.drawCentredString(centre, 120, str(_("Verification code")))
    pdf.setFont("Helvetica-Bold", 18)
    pdf.drawCentredString(centre, 98, certificate.code)
    pdf.setFont("Helvetica", 10)
    pdf.drawCentredString(centre, 76, verify_url)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
