"""Reminders for assigned courses, and the administrators' daily overdue digest.

Run daily by Celery beat (lms.targeting.tasks). For each running campaign, by its
policy: "due in N days", "overdue" and "not started after N days". A reminder is a row
(shown as a notice on 我的学习) and an e-mail; the unique constraint on (assignment, kind)
means no cadre gets the same reminder twice, however often the job runs. Messages name the
course and its due date only: nothing about anyone's health.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from lms.models.learning import EnrollmentStatus
from lms.models.targeting import (
    AssignmentOutcome,
    Campaign,
    CampaignAssignment,
    CampaignStatus,
    OverdueDigest,
    Reminder,
    ReminderKind,
)
from lms.people.models import AdministratorScope, admin_scope_q

OPEN_OUTCOMES = [AssignmentOutcome.ASSIGNED, AssignmentOutcome.UPGRADED]


def open_assignments():
    """Assignments whose course the cadre still has to finish, in running campaigns."""
    return CampaignAssignment.objects.filter(
        campaign__status=CampaignStatus.RUNNING,
        outcome__in=OPEN_OUTCOMES,
        enrollment__status=EnrollmentStatus.ACTIVE,
        cadre__user__is_active=True,
    )


def due(today: date) -> dict[str, list[int]]:
    """{kind: [assignment ids]} of reminders owed today and not yet sent."""
    owed: dict[str, list[int]] = {kind: [] for kind in ReminderKind.values}
    for campaign in Campaign.objects.filter(status=CampaignStatus.RUNNING):
        mine = open_assignments().filter(campaign=campaign)
        rules = []
        if campaign.remind_days_before:
            soon = today + timedelta(days=campaign.remind_days_before)
            rules.append(
                (
                    ReminderKind.DUE_SOON,
                    Q(enrollment__due_date__gte=today, enrollment__due_date__lte=soon),
                )
            )
        if campaign.remind_overdue:
            rules.append((ReminderKind.OVERDUE, Q(enrollment__due_date__lt=today)))
        if campaign.remind_not_started_after_days:
            since = timezone.now() - timedelta(days=campaign.remind_not_started_after_days)
            rules.append(
                (
                    ReminderKind.NOT_STARTED,
                    Q(created_at__lte=since, enrollment__last_activity_at__isnull=True),
                )
            )
        for kind, rule in rules:
            sent = Reminder.objects.filter(assignment=OuterRef("pk"), kind=kind)
            owed[kind] += list(mine.filter(rule).filter(~Exists(sent)).values_list("pk", flat=True))
    return owed


@dataclass
class ReminderRun:
    created: int = 0
    emailed: int = 0


def send_reminders(today: date | None = None) -> ReminderRun:
    today = today or timezone.localdate()
    run = ReminderRun()
    started = timezone.now()
    for kind, assignment_ids in due(today).items():
        Reminder.objects.bulk_create(
            [Reminder(assignment_id=pk, kind=kind, sent_at=started) for pk in assignment_ids],
            ignore_conflicts=True,
            batch_size=1000,
        )
    # Only what this run wrote is mailed: a concurrent run's rows, or older ones, are not.
    fresh = list(
        Reminder.objects.filter(sent_at=started, emailed=False).select_related(
            "assignment__cadre__user", "assignment__course", "assignment__enrollment"
        )
    )
    run.created = len(fresh)
    messages = [message for message in map(reminder_mail, fresh) if message]
    if messages:
        send_mass_mail(messages, fail_silently=False)
    Reminder.objects.filter(pk__in=[r.pk for r in fresh if r.assignment.cadre.user.email]).update(
        emailed=True
    )
    run.emailed = len(messages)
    return run


def reminder_text(reminder: Reminder) -> str:
    course = reminder.assignment.course.title
    due_date = reminder.assignment.enrollment.due_date
    if reminder.kind == ReminderKind.DUE_SOON:
        return _("“%(course)s” is due on %(date)s.") % {"course": course, "date": due_date}
    if reminder.kind == ReminderKind.OVERDUE:
        return _("“%(course)s” was due on %(date)s and is not completed yet.") % {
            "course": course,
            "date": due_date,
        }
    return _("You have not started “%(course)s” yet; it is due on %(date)s.") % {
        "course": course,
        "date": due_date,
    }


def reminder_mail(reminder: Reminder):
    user = reminder.assignment.cadre.user
    if not user.email:
        return None
    with override(settings.LANGUAGE_CODE):
        subject = _("[Xinyu] A reminder about your required course")
        body = "\n".join(
            [
                reminder_text(reminder),
                _("Continue in My learning: %(url)s") % {"url": my_learning_url()},
            ]
        )
    return (subject, body, None, [user.email])


def my_learning_url() -> str:
    return f"{settings.WAGTAILADMIN_BASE_URL.rstrip('/')}/my/"


def notices_for(cadre) -> list[dict]:
    """The reminders shown on 我的学习: the latest per course still to be finished."""
    latest: dict[int, Reminder] = {}
    for reminder in (
        Reminder.objects.filter(assignment__in=open_assignments().filter(cadre=cadre))
        .select_related("assignment__course", "assignment__enrollment")
        .order_by("-sent_at", "-pk")
    ):
        latest.setdefault(reminder.assignment.course_id, reminder)
    return [
        {
            "kind": reminder.kind,
            "text": reminder_text(reminder),
            "overdue": reminder.kind == ReminderKind.OVERDUE,
        }
        for reminder in latest.values()
    ]


# --- the administrators' daily digest --------------------------------------------------------


def overdue_by_campaign(user, today: date) -> list[dict]:
    """Overdue required courses in this administrator's subtree, counted per campaign."""
    return list(
        open_assignments()
        .filter(admin_scope_q(user, "cadre__department__path"))
        .filter(enrollment__due_date__lt=today)
        .values("campaign__name")
        .annotate(overdue=Count("pk"))
        .order_by("-overdue", "campaign__name")
    )


def send_overdue_digests(today: date | None = None) -> int:
    """One e-mail a day to each department administrator with overdue courses below them."""
    today = today or timezone.localdate()
    sent = 0
    for scope in AdministratorScope.objects.select_related("user").filter(user__is_active=True):
        user = scope.user
        rows = overdue_by_campaign(user, today)
        if not rows or not user.email:
            continue
        total = sum(row["overdue"] for row in rows)
        _digest, created = OverdueDigest.objects.get_or_create(
            user=user, sent_on=today, defaults={"overdue": total}
        )
        if not created:
            continue
        with override(settings.LANGUAGE_CODE):
            lines = [
                _("%(count)d required courses are overdue in your departments:") % {"count": total}
            ]
            lines += [f"- {row['campaign__name']}: {row['overdue']}" for row in rows]
            lines.append(
                _("Details: %(url)s")
                % {"url": f"{settings.WAGTAILADMIN_BASE_URL.rstrip('/')}/admin/"}
            )
            subject = _("[Xinyu] Overdue required courses")
        send_mass_mail([(subject, "\n".join(lines), None, [user.email])], fail_silently=False)
        sent += 1
    return sent
