"""The cadre's side of psychological self-assessment, and their data rights.

Health data under PIPL Art. 28: nothing is processed without the cadre's separate consent
(its own page, never bundled with login), results are readable by the cadre alone through
these views, and the cadre can export everything and delete their assessment data. The
pages speak of screening (筛查, 提示), never of a diagnosis. Refusing consent never blocks
any course.

Views are thin: they parse the request, call lms.assessments.records or
lms.assessments.privacy, and render.
"""

import json
import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe

from lms.assessments import records as assessments
from lms.assessments.forms import PURPOSE, ConsentForm, answers_from, item_field, problem_items
from lms.assessments.instruments import plain_factor_names
from lms.assessments.privacy import export_cadre_data
from lms.assessments.scoring import CRISIS, ELEVATED, HIGH, NORMAL, current_scores
from lms.conf import lms_settings
from lms.errors import ConsentRequired, IncompleteAssessment, LmsError
from lms.learning.views import cadre_page, error_page, safe_next
from lms.models.assessment import (
    Assessment,
    AuditAction,
    FollowUp,
    FollowUpStatus,
    SafetyNetSettings,
)
from lms.people.roles import cadre_of

# The two instruments the recommendations read come first; the others follow by key.
FIRST_INSTRUMENTS = ("scl90", "stress_sources")
EMERGENCY_NUMBERS = ("110", "120")


def no_such_result(request):
    # "Missing" and "not yours" look the same: existence is not disclosed.
    return error_page(request, LmsError(_("There is no such result among yours.")), status=403)


# Plain-language presentation -------------------------------------------------------------


def band_of(definition: dict, key: str) -> dict:
    return next((band for band in definition.get("bands", []) if band["key"] == key), {})


def summary(assessment: Assessment) -> str:
    """One line a cadre understands at a glance; screening language, no diagnosis."""
    scores, definition = assessment.scores, assessment.instrument.definition
    rung = scores.get("rung", NORMAL)
    if rung >= CRISIS:
        return _("You told us you are going through a very hard time. Help is there for you.")
    scoring = definition["scoring"]
    if scoring == "sources":
        count = len(scores.get("present", []))
        if not count:
            return _("No area puts you under marked pressure at the moment.")
        return ngettext(
            "%(count)d area puts you under marked pressure.",
            "%(count)d areas put you under marked pressure.",
            count,
        ) % {"count": count}
    if scoring == "sum":
        line = _("Score %(total)d of %(max)d, in the “%(band)s” range.") % {
            "total": scores["total"],
            "max": len(definition["items"]) * definition["scale"]["max"],
            "band": band_of(definition, scores["band"]).get("name", scores["band"]),
        }
        if rung >= HIGH:
            line += " " + _("We suggest talking to a counsellor.")
        return line
    return {
        NORMAL: _("Your answers show no notable strain at the moment."),
        ELEVATED: _("Some areas show a little more strain than usual; suggested courses may help."),
        HIGH: _("Several areas show marked strain; we suggest talking to a counsellor."),
    }[min(rung, HIGH)]


def scale_label(definition: dict, value: float) -> str:
    scale = definition["scale"]
    index = min(max(round(value), scale["min"]), scale["max"]) - scale["min"]
    return scale["labels"][index]


def percent_on_scale(definition: dict, value: float) -> int:
    low, high = definition["scale"]["min"], definition["scale"]["max"]
    return max(0, min(100, round(100 * (value - low) / (high - low))))


def scl90_view(definition: dict, scores: dict) -> dict:
    """The cadre's own view: factors by their plain names, never the clinical ones."""
    norms = definition.get("norms") or {}
    factor_norms = norms.get("factors") or {}
    screen_at = definition["positive_screen"]["factor_at_least"]
    plain_names = plain_factor_names(definition)
    factors = []
    for factor in definition["factors"]:
        value = scores["factors"][factor["key"]]
        norm = factor_norms.get(factor["key"])
        factors.append(
            {
                "key": factor["key"],
                "name": plain_names[factor["key"]],
                "score": value,
                "label": scale_label(definition, value),
                "percent": percent_on_scale(definition, value),
                "norm_mean": norm[0] if norm else None,
                "notable": value >= screen_at,
            }
        )
    return {
        "factors": factors,
        "total": scores["total"],
        "gsi": scores["gsi"],
        "positive_items": scores["positive_items"],
        "positive_mean": current_scores(scores).get("positive_mean"),
        "norm_total": (norms.get("total") or [None])[0],
        "norm_gsi": (norms.get("gsi") or [None])[0],
        "norm_positive_items": (norms.get("positive_items") or [None])[0],
        "norm_source": norms.get("source", ""),
    }


def sum_view(definition: dict, scores: dict) -> dict:
    maximum = len(definition["items"]) * definition["scale"]["max"]
    minimum = len(definition["items"]) * definition["scale"]["min"]
    return {
        "total": scores["total"],
        "min": minimum,
        "max": maximum,
        "percent": round(100 * (scores["total"] - minimum) / (maximum - minimum)),
        "band": band_of(definition, scores["band"]).get("name", scores["band"]),
        "bands": [
            {**band, "current": band["key"] == scores["band"]} for band in definition["bands"]
        ],
    }


def sources_view(definition: dict, scores: dict) -> dict:
    levels = scores.get("levels", {})
    present = set(scores.get("present", []))
    rows = []
    for item in definition["items"]:
        level = levels.get(item["signal"], definition["scale"]["min"])
        rows.append(
            {
                "text": item["text"],
                "label": scale_label(definition, level),
                "percent": percent_on_scale(definition, level),
                "present": item["signal"] in present,
            }
        )
    return {"sources": rows}


PRESENTERS = {"scl90": scl90_view, "sum": sum_view, "sources": sources_view}


def tel_href(number: str) -> str:
    return "tel:" + re.sub(r"[^0-9+]", "", number)


def help_context(request, follow_up: FollowUp | dict | None) -> dict:
    """Who to call, and whether a counsellor will call the cadre (only with their consent)."""
    safety = SafetyNetSettings.load(request_or_site=request)
    return {
        "safety": safety,
        "national_href": tel_href(safety.national_hotline),
        "local_href": tel_href(safety.local_hotline) if safety.local_hotline else "",
        "emergency": [(number, tel_href(number)) for number in EMERGENCY_NUMBERS],
        "follow_up": follow_up,
    }


def care_first(request, cadre, results=None) -> dict | None:
    """The help panel, first on 我的学习 (the `lms_my_learning_care` hook) and on the
    self-assessment page, while a crisis follow-up is open; None otherwise. It carries
    who to call and whether a counsellor will call: no score, no factor."""
    follow_up = assessments.crisis_follow_up(cadre, results)
    if follow_up is None:
        return None
    return help_context(request, {"counsellor_may_contact": follow_up.counsellor_may_contact})


# Pages -------------------------------------------------------------------------------------


@cadre_page
@require_safe
def index(request, cadre):
    offered = list(assessments.offered_instruments())
    order = {key: position for position, key in enumerate(FIRST_INSTRUMENTS)}
    offered.sort(key=lambda found: (order.get(found.key, len(order)), found.key))
    taken = assessments.read_assessments(request.user, cadre)
    results = [
        {
            "assessment": done,
            "summary": summary(done),
            "crisis": done.scores.get("rung", NORMAL) >= CRISIS,
        }
        for done in taken
    ]
    return render(
        request,
        "lms/assessment/index.html",
        {
            "care": care_first(request, cadre, taken),
            "consent": assessments.active_consent(cadre),
            "instruments": offered,
            "results": results,
        },
    )


@cadre_page
@require_http_methods(["GET", "HEAD", "POST"])
def consent(request, cadre):
    current = assessments.active_consent(cadre)
    form = ConsentForm(initial={"share": bool(current and current.share_with_counsellor)})
    status = 200
    if request.method == "POST" and request.POST.get("action") == "withdraw":
        if current is None:
            messages.info(
                request, _("You have not given consent, so there is nothing to withdraw.")
            )
        else:
            assessments.withdraw_consent(cadre)
            messages.success(
                request,
                _(
                    "Your consent is withdrawn and your profile is deleted; nothing is used for "
                    "suggestions any more. You can also delete your past results below."
                ),
            )
        return redirect("lms_assessment:consent")
    if request.method == "POST":
        form = ConsentForm(request.POST)
        if form.is_valid():
            assessments.give_consent(
                cadre,
                share_with_counsellor=form.cleaned_data["share"],
                purpose=str(PURPOSE),
                contact=form.cleaned_data["contact"],
            )
            messages.success(request, _("Thank you. Your consent is recorded."))
            return redirect(safe_next(request, reverse("lms_assessment:index")))
        status = 400
    return render(
        request,
        "lms/assessment/consent.html",
        {
            "consent": current,
            "form": form,
            "purpose": PURPOSE,
            "notice_version": assessments.NOTICE_VERSION,
            "retention_days": lms_settings.LMS_ASSESSMENT_RETENTION_DAYS,
            "has_results": Assessment.objects.filter(cadre=cadre).exists(),
            "next": request.POST.get("next") or request.GET.get("next", ""),
        },
        status=status,
    )


@cadre_page
@require_http_methods(["GET", "HEAD", "POST"])
def take(request, cadre, key):
    found = assessments.instrument(key)
    if assessments.active_consent(cadre) is None:
        messages.info(request, ConsentRequired.default_message)
        consent_url = reverse("lms_assessment:consent")
        return redirect(f"{consent_url}?{urlencode({'next': request.path})}")
    definition = found.definition
    given: dict = {}
    missing: list[int] = []
    invalid: list[int] = []
    if request.method == "POST":
        given = answers_from(request.POST, len(definition["items"]))
        try:
            done = assessments.submit(cadre, key, given)
        except ConsentRequired as error:
            messages.info(request, error.message)
            return redirect("lms_assessment:consent")
        except IncompleteAssessment as error:
            missing, invalid = problem_items(error.details)
        else:
            if done.scores.get("rung", NORMAL) >= CRISIS:
                return redirect("lms_assessment:help")
            messages.success(request, _("Thank you. Your answers are saved; here is your result."))
            return redirect("lms_assessment:result", pk=done.pk)
    flagged = set(missing) | set(invalid)
    scale = definition["scale"]
    choices = list(zip(range(scale["min"], scale["max"] + 1), scale["labels"], strict=True))
    items = [
        {
            "number": item["number"],
            "text": item["text"],
            "field": item_field(item["number"]),
            "given": given.get(item["number"]),
            "flagged": item["number"] in flagged,
        }
        for item in definition["items"]
    ]
    return render(
        request,
        "lms/assessment/take.html",
        {
            "instrument": found,
            "definition": definition,
            "items": items,
            "choices": choices,
            "missing": missing,
            "invalid": invalid,
        },
        # Back to the form only when answers were missing or invalid: nothing was saved.
        status=400 if request.method == "POST" else 200,
    )


@cadre_page
@require_safe
def result(request, cadre, pk):
    try:
        done = assessments.read_assessment(request.user, pk)
    except PermissionDenied:
        return no_such_result(request)
    if done.cadre_id != cadre.pk:
        # A cadre who is also a counsellor reads others' results on the counsellor pages.
        return no_such_result(request)
    definition, scores = done.instrument.definition, done.scores
    rung = scores.get("rung", NORMAL)
    context = {
        "assessment": done,
        "definition": definition,
        "rung": rung,
        "crisis": rung >= CRISIS,
        "high": rung == HIGH,
        "summary": summary(done),
        "consent": assessments.active_consent(cadre),
    }
    follow_up = FollowUp.objects.filter(assessment=done).first()
    if rung >= HIGH:
        context.update(help_context(request, follow_up))
    if rung < CRISIS:
        # In a crisis the page shows help instead of any score.
        context["scoring"] = definition["scoring"]
        context["view"] = PRESENTERS[definition["scoring"]](definition, scores)
    return render(request, "lms/assessment/result.html", context)


@require_safe
def help_page(request):
    """Open to everyone, logged in or not: who to call, now."""
    cadre = cadre_of(request.user)
    follow_up = None
    if cadre is not None:
        follow_up = (
            FollowUp.objects.filter(cadre=cadre, urgent=True, status=FollowUpStatus.OPEN)
            .order_by("-created_at")
            .first()
        )
    return render(request, "lms/assessment/help.html", help_context(request, follow_up))


# Data rights ---------------------------------------------------------------------------


@cadre_page
@require_safe
def export(request, cadre):
    data = export_cadre_data(cadre)
    assessments.audit(request.user, cadre, AuditAction.EXPORT, f"cadre:{cadre.pk}")
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    filename = f"xinyu-my-data-{timezone.localdate():%Y%m%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Health data: never kept by a browser or proxy cache.
    response["Cache-Control"] = "no-store, private"
    return response


@cadre_page
@require_http_methods(["GET", "HEAD", "POST"])
def delete(request, cadre):
    if request.method == "POST":
        deleted = assessments.delete_assessment_data(cadre, request.user)
        if deleted:
            messages.success(
                request,
                ngettext(
                    "%(count)d assessment result and your profile are deleted.",
                    "%(count)d assessment results and your profile are deleted.",
                    deleted,
                )
                % {"count": deleted},
            )
        else:
            messages.info(request, _("There was no assessment data left to delete."))
        return redirect("lms_assessment:index")
    return render(
        request,
        "lms/assessment/delete.html",
        {
            "count": Assessment.objects.filter(cadre=cadre).count(),
            "consent": assessments.active_consent(cadre),
        },
    )
