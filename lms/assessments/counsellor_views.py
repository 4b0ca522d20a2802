"""The counsellor's follow-up workbench (随访工作台).

Counsellors see the open follow-ups and, only where the cadre's active consent shares
results with counsellors, that cadre's results. Results are read through
lms.assessments.read_assessments, which checks consent and writes the audit record;
nothing here reads an Assessment directly. Everyone who is not a counsellor gets the
same calm 403, and so does a counsellor asking for a cadre who does not share or does
not exist, so the answer never discloses whether a cadre has results.
"""

import re
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from lms.assessments import records
from lms.assessments.instruments import plain_factor_names
from lms.assessments.records import open_follow_ups_for, read_assessments
from lms.assessments.scoring import CRISIS, ELEVATED, HIGH, NORMAL, current_scores
from lms.models.assessment import AssessmentConsent, FollowUp, FollowUpStatus
from lms.people.models import CadreProfile
from lms.people.roles import is_counsellor

RUNG_LABELS = {
    NORMAL: gettext_lazy("Screening: no notable signs"),
    ELEVATED: gettext_lazy("Screening hint: elevated, worth attention"),
    HIGH: gettext_lazy("Screening hint: high, counsellor contact offered"),
    CRISIS: gettext_lazy("Screening hint: crisis, follow up within 24 hours"),
}


def denied(request):
    return render(request, "lms/counsellor/denied.html", status=403)


def counsellor_only(view):
    """Anonymous visitors go to the login page; other roles get the calm 403."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_counsellor(request.user):
            return denied(request)
        return view(request, *args, **kwargs)

    return wrapper


# The worklist ----------------------------------------------------------------------------


def worklist_follow_ups(counsellor):
    """Open follow-ups, urgent first, each marked with whether its cadre shares results.

    The sharing flag is a subquery on the row, so the page's queries do not grow with it."""
    sharing = AssessmentConsent.objects.active().filter(
        cadre=OuterRef("cadre_id"), share_with_counsellor=True
    )
    return open_follow_ups_for(counsellor).annotate(results_shared=Exists(sharing))


@counsellor_only
@require_safe
def worklist(request):
    now = timezone.now()
    follow_ups = list(worklist_follow_ups(request.user))
    for follow_up in follow_ups:
        follow_up.overdue = follow_up.due_at < now
    return render(
        request,
        "lms/counsellor/worklist.html",
        {
            "urgent": [f for f in follow_ups if f.urgent],
            "routine": [f for f in follow_ups if not f.urgent],
            "overdue_count": sum(1 for f in follow_ups if f.overdue),
            "statuses": FollowUpStatus,
        },
    )


# One cadre's results ---------------------------------------------------------------------


def reason_label(reason: str, factor_names: dict[str, str], bands: dict[str, str]) -> str:
    """The ladder's machine reasons ("factor:depression", "safety:scl90:15") for people."""
    kind, _sep, rest = reason.partition(":")
    if kind == "factor":
        return _("factor: %(name)s") % {"name": factor_names.get(rest, rest)}
    if kind == "safety":
        number = rest.rpartition(":")[2]
        return _("safety item %(number)s reached its threshold") % {"number": number}
    if kind == "band":
        band = rest.rpartition(":")[2]
        return _("band: %(band)s") % {"band": bands.get(band, band)}
    if kind == "total":
        return _("total score")
    if kind == "positive_items":
        return _("number of positive items")
    return reason


def both_names(name: str, plain: str) -> str:
    """The clinical name with the plain one the cadre reads: 偏执（对他人的戒备）. A name
    with its own gloss (其他（睡眠、饮食）) gives it up for the plain name, not doubling it."""
    if not plain or plain == name:
        return name
    return f"{re.sub(r'（[^（）]*）$', '', name)}（{plain}）"


def result_row(assessment) -> dict:
    """What the page shows of one assessment, with names taken from its definition."""
    definition = assessment.instrument.definition
    scores = current_scores(assessment.scores)
    plain_names = plain_factor_names(definition)
    factor_names = {
        f["key"]: both_names(f["name"], plain_names[f["key"]])
        for f in definition.get("factors", [])
    }
    bands = {b["key"]: b["name"] for b in definition.get("bands", [])}
    signals = {item.get("signal"): item.get("text", "") for item in definition.get("items", [])}
    rung = scores.get("rung", NORMAL)
    return {
        "assessment": assessment,
        "instrument": assessment.instrument.name,
        "rung": rung,
        "rung_label": RUNG_LABELS.get(rung, rung),
        "reasons": [reason_label(r, factor_names, bands) for r in scores.get("reasons", [])],
        "total": scores.get("total"),
        "gsi": scores.get("gsi"),
        "positive_items": scores.get("positive_items"),
        "positive_mean": scores.get("positive_mean"),
        "band": bands.get(scores.get("band"), scores.get("band")),
        "factors": [
            {"name": factor_names.get(key, key), "value": value}
            for key, value in (scores.get("factors") or {}).items()
        ],
        "sources": [signals.get(s, s) for s in scores.get("present", [])],
    }


@counsellor_only
@require_safe
def cadre_results(request, cadre_id):
    cadre = CadreProfile.objects.select_related("department").filter(pk=cadre_id).first()
    if cadre is None:
        return denied(request)
    try:
        results = read_assessments(request.user, cadre)  # checks consent and audits the read
    except PermissionDenied:
        return denied(request)
    follow_ups = (
        FollowUp.objects.filter(cadre=cadre)
        .exclude(status=FollowUpStatus.CLOSED)
        .prefetch_related("notes")
    )
    return render(
        request,
        "lms/counsellor/cadre.html",
        {
            "cadre": cadre,
            "rows": [result_row(assessment) for assessment in results],
            "follow_ups": list(follow_ups),
            "contact": records.counsellor_contact(request.user, cadre),
        },
    )


@counsellor_only
@require_POST
def follow_up_note(request, pk):
    """Add a private note to a follow-up (encrypted, audited), back to the cadre's page."""
    follow_up = FollowUp.objects.select_related("cadre").filter(pk=pk).first()
    if follow_up is None:
        return denied(request)
    try:
        records.add_follow_up_note(request.user, follow_up, request.POST.get("text", ""))
    except PermissionDenied:
        return denied(request)
    except ValueError:
        messages.error(request, _("Write the note first."))
    else:
        messages.success(
            request,
            _("The note is saved. Counsellors see it, and the cadre in their data export."),
        )
    return redirect("lms_counsellor:cadre", cadre_id=follow_up.cadre_id)


# Handling a follow-up --------------------------------------------------------------------

NEXT_STATUSES = {FollowUpStatus.CONTACTED, FollowUpStatus.CLOSED}


def handle_follow_up(follow_up_id: int, counsellor, status: str) -> bool:
    """Record contact or closure. One conditional UPDATE, so two counsellors acting at
    once cannot reopen a closed follow-up. False if it is closed or does not exist."""
    changes = {"status": status, "handled_by": counsellor}
    if status == FollowUpStatus.CLOSED:
        changes["closed_at"] = timezone.now()
    return bool(
        FollowUp.objects.filter(pk=follow_up_id)
        .exclude(status=FollowUpStatus.CLOSED)
        .update(**changes)
    )


@counsellor_only
@require_POST
def follow_up(request, pk):
    status = request.POST.get("status", "")
    if status not in NEXT_STATUSES:
        messages.error(request, _("Choose “contacted” or “closed”."))
    elif handle_follow_up(pk, request.user, status):
        if status == FollowUpStatus.CLOSED:
            messages.success(request, _("The follow-up is closed."))
        else:
            messages.success(request, _("Recorded: the cadre has been contacted."))
    else:
        messages.info(request, _("This follow-up is already closed or no longer exists."))
    return redirect("lms_counsellor:worklist")
