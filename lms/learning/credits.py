"""Credit hours (学时): how much a course earns, the ledger, and the yearly target."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import CoursePage
from lms.conf import lms_settings
from lms.errors import DeclarationAlreadyDecided, InvalidDeclaration
from lms.models.learning import (
    AnnualTarget,
    CreditPolicy,
    CreditRecord,
    CreditSource,
    CreditStatus,
    Enrollment,
    OnlineCreditMode,
)
from lms.people.models import CadreProfile


def online_hours_for(course: CoursePage, *, quiz_passed: bool) -> Decimal:
    """Hours an online course earns under the configured policy."""
    policy = CreditPolicy.load()
    if policy.online_mode == OnlineCreditMode.COURSE:
        return course.credit_hours
    bands = sorted(policy.bands.all(), key=lambda band: band.min_minutes, reverse=True)
    hours = next(
        (band.hours for band in bands if course.estimated_minutes >= band.min_minutes),
        Decimal("0"),
    )
    return hours + (policy.quiz_bonus if quiz_passed else Decimal("0"))


def award(
    cadre: CadreProfile, course: CoursePage, hours: Decimal, source: str, on=None
) -> tuple[CreditRecord, bool]:
    """Add a course's hours to the ledger once; a second award returns the first record."""
    try:
        with transaction.atomic():
            return CreditRecord.objects.get_or_create(
                cadre=cadre,
                course=course,
                source=source,
                defaults={
                    "title": course.title,
                    "hours": hours,
                    "earned_on": on or timezone.localdate(),
                    "status": CreditStatus.APPROVED,
                },
            )
    except IntegrityError:
        return CreditRecord.objects.get(cadre=cadre, course=course, source=source), False


def award_course_completion(enrollment: Enrollment, *, quiz_passed: bool) -> CreditRecord:
    hours = online_hours_for(enrollment.course, quiz_passed=quiz_passed)
    on = timezone.localdate(enrollment.completed_at) if enrollment.completed_at else None
    record, _ = award(enrollment.cadre, enrollment.course, hours, CreditSource.ONLINE, on)
    return record


EVIDENCE_TYPES = {  # extension → how the file starts
    "pdf": (b"%PDF-",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
}


def declaration_problems(cadre, *, title, hours, earned_on, evidence=None) -> list[str]:
    """Every reason these declared hours cannot be accepted, in the cadre's language."""
    problems = []
    if not (title or "").strip():
        problems.append(_("Say what you studied."))
    if hours is None or hours <= 0:
        problems.append(_("The hours must be more than zero."))
    if earned_on is None:
        problems.append(_("Give the date of the study."))
    elif earned_on > timezone.localdate():
        problems.append(_("The date is in the future: declare hours once you have studied."))
    cap = Decimal(lms_settings.LMS_DECLARED_DAILY_CAP)
    if hours and earned_on and hours > 0:
        already = CreditRecord.objects.filter(
            cadre=cadre,
            source=CreditSource.DECLARED,
            earned_on=earned_on,
            status__in=[CreditStatus.PENDING, CreditStatus.APPROVED],
        ).aggregate(total=Sum("hours"))["total"] or Decimal("0")
        if already + hours > cap:
            problems.append(
                _("At most %(cap)s hours can be declared for one day (%(already)s already are).")
                % {"cap": cap, "already": already.normalize()}
            )
    if evidence is not None:
        extension = evidence.name.rsplit(".", 1)[-1].lower() if "." in evidence.name else ""
        head = evidence.read(16)
        evidence.seek(0)
        if extension not in EVIDENCE_TYPES or not head.startswith(EVIDENCE_TYPES[extension]):
            problems.append(_("The evidence must be a PDF, JPEG or PNG file."))
        if evidence.size > lms_settings.LMS_EVIDENCE_MAX_BYTES:
            problems.append(
                _("The evidence file is larger than %(mb)s MB.")
                % {"mb": lms_settings.LMS_EVIDENCE_MAX_BYTES // (1024 * 1024)}
            )
    return problems


def declare(
    cadre: CadreProfile, *, title: str, hours: Decimal, earned_on, note="", evidence=None
) -> CreditRecord:
    """A cadre declares hours earned elsewhere (a lecture, a reading group, training at
    another school); they count once an administrator approves. Refused as a whole, with
    every reason (InvalidDeclaration), when anything is wrong."""
    problems = declaration_problems(
        cadre, title=title, hours=hours, earned_on=earned_on, evidence=evidence
    )
    if problems:
        raise InvalidDeclaration(problems)
    return CreditRecord.objects.create(
        cadre=cadre,
        title=title.strip(),
        hours=hours,
        earned_on=earned_on,
        source=CreditSource.DECLARED,
        status=CreditStatus.PENDING,
        note=note,
        evidence=evidence or "",
    )


@transaction.atomic
def delete_evidence(sender, instance: CreditRecord, **kwargs) -> None:
    """A declaration's evidence file goes with its row (the cadre's data deleted, the
    declaration withdrawn), once the deleting transaction commits: no orphaned copy of a
    cadre's papers stays in the private storage."""
    if instance.evidence:
        storage, name = instance.evidence.storage, instance.evidence.name
        transaction.on_commit(lambda: storage.delete(name))


def decide(record: CreditRecord, *, approve: bool, by, reason: str = "") -> CreditRecord:
    """Approve or reject declared hours, once; a rejection says why (the cadre reads it)."""
    record = CreditRecord.objects.select_for_update().get(pk=record.pk)
    if record.status != CreditStatus.PENDING:
        raise DeclarationAlreadyDecided()
    reason = (reason or "").strip()
    if not approve and not reason:
        raise InvalidDeclaration([_("Say why the hours are not approved: the cadre reads it.")])
    record.status = CreditStatus.APPROVED if approve else CreditStatus.REJECTED
    record.decided_by = by
    record.decided_at = timezone.now()
    record.decision_reason = reason[:300]
    record.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    return record


def target_for(cadre: CadreProfile) -> AnnualTarget | None:
    ordinal = cadre.rank.ordinal
    return (
        AnnualTarget.objects.filter(min_ordinal__lte=ordinal, max_ordinal__gte=ordinal)
        .order_by("-min_ordinal")
        .first()
    )


@dataclass(frozen=True)
class YearSummary:
    year: int
    total: Decimal
    online: Decimal
    pending: Decimal
    target: AnnualTarget | None

    @property
    def percent_of_target(self) -> int:
        if not self.target or not self.target.annual_hours:
            return 0
        return min(100, round(100 * self.total / self.target.annual_hours))

    @property
    def remaining(self) -> Decimal:
        if not self.target:
            return Decimal("0")
        return max(Decimal("0"), self.target.annual_hours - self.total)


def year_summary(cadre: CadreProfile, year: int | None = None) -> YearSummary:
    """Approved hours this year against the cadre's target, in one aggregate query."""
    year = year or timezone.localdate().year
    approved = Q(status=CreditStatus.APPROVED)
    totals = CreditRecord.objects.filter(cadre=cadre, earned_on__year=year).aggregate(
        total=Sum("hours", filter=approved),
        online=Sum("hours", filter=approved & Q(source=CreditSource.ONLINE)),
        pending=Sum("hours", filter=Q(status=CreditStatus.PENDING)),
    )
    zero = Decimal("0")
    return YearSummary(
        year=year,
        total=totals["total"] or zero,
        online=totals["online"] or zero,
        pending=totals["pending"] or zero,
        target=target_for(cadre),
    )


@dataclass
class TranscriptYear:
    year: int
    records: list[CreditRecord]
    approved: Decimal  # counted towards the year
    pending: Decimal  # declared, awaiting a decision
    by_source: dict[str, Decimal]  # approved hours per source (online, offline, declared)


def transcript(cadre: CadreProfile) -> list[TranscriptYear]:
    """Every year's credit hours, newest year first, with each record: a cadre's learning
    file across years (学时档案). One query."""
    years: dict[int, TranscriptYear] = {}
    records = CreditRecord.objects.filter(cadre=cadre).order_by("-earned_on", "-pk")
    for record in records:
        year = years.get(record.earned_on.year)
        if year is None:
            year = years[record.earned_on.year] = TranscriptYear(
                record.earned_on.year, [], Decimal("0"), Decimal("0"), {}
            )
        year.records.append(record)
        if record.status == CreditStatus.APPROVED:
            year.approved += record.hours
            year.by_source[record.source] = year.by_source.get(record.source, 0) + record.hours
        elif record.status == CreditStatus.PENDING:
            year.pending += record.hours
    return sorted(years.values(), key=lambda year: -year.year)
