"""The cadre's learning pages: thin views over the lms services.

Every action is a POST from a plain HTML form (CSRF, no JavaScript needed) that calls one
service and redirects back with a message. Access errors (not a cadre, not enrolled, not
found) render a calm page with the error's status; rule conflicts (a required course, no
attempts left) go back to the page with the error's message.

The course and lesson pages are served by Wagtail; the cadre's part of their context
comes from lms.learning.pages through the courses_page_context hook.
"""

import math
import re
from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe
from wagtail import hooks

from lms.errors import (
    AlreadyCompleted,
    AttemptsExhausted,
    CheckInRefused,
    FeedbackNotAllowed,
    InvalidAnswers,
    InvalidDeclaration,
    LmsError,
    NotACadre,
    QuizNotPassed,
    RequiredCourse,
)
from lms.learning.certificates import certificate_pdf, verify
from lms.learning.credits import declare, transcript, year_summary
from lms.learning.enrollment import available_course, enrol, enrollment_for, unenrol
from lms.learning.feedback import leave_feedback
from lms.learning.pages import RATINGS
from lms.learning.progress import (
    PART,
    complete_lesson,
    course_of,
    live_lesson,
    record_visit,
    resume_anchor,
)
from lms.learning.quizzes import submit_attempt
from lms.learning.recommendations import recommendation_panel
from lms.learning.signups import (
    SEATED,
    cancel,
    check_in,
    check_in_open,
    open_session,
    session_calendar,
    sign_up,
    waitlist_position,
)
from lms.learning.spreadsheets import as_csv
from lms.models.learning import (
    Certificate,
    CreditRecord,
    CreditSource,
    CreditStatus,
    Enrollment,
    EnrollmentStatus,
    SessionSignup,
    SignupStatus,
)
from lms.people.roles import cadre_of
from lms.people.throttling import certificate_lookups, client_address

# Who is asking -------------------------------------------------------------------------


def error_page(request, error: LmsError, status: int | None = None):
    return render(request, "lms/error.html", {"error": error}, status=status or error.status)


def back_with_error(request, error: LmsError, url: str):
    messages.error(request, error.message)
    return redirect(url)


def _as_cadre(view):
    """Pass the request's cadre to the view; domain errors it leaves alone become a calm page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            cadre = cadre_of(request.user)
            if cadre is None:
                raise NotACadre()
            return view(request, cadre, *args, **kwargs)
        except LmsError as error:
            return error_page(request, error)

    return wrapper


def cadre_page(view):
    """A page for a logged-in cadre; everyone else gets a calm 403 page."""
    return login_required(_as_cadre(view))


def cadre_action(view):
    """A POST by a logged-in cadre."""
    return login_required(require_POST(_as_cadre(view)))


def safe_next(request, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


# Enrolling, withdrawing and rating ------------------------------------------------------


@cadre_action
def enrol_view(request, cadre, course_id):
    course = available_course(course_id)
    _enrollment, created = enrol(cadre, course)
    if created:
        messages.success(
            request,
            _("You are enrolled in “%(title)s”. Take your time: your progress is saved as you go.")
            % {"title": course.title},
        )
    else:
        messages.info(
            request,
            _("You are enrolled in “%(title)s”; your earlier progress is kept.")
            % {"title": course.title},
        )
    return redirect(safe_next(request, course.get_url(request)))


@cadre_action
def withdraw_view(request, cadre, course_id):
    course = available_course(course_id)
    back = course.get_url(request)
    try:
        unenrol(enrollment_for(cadre, course))
    except (RequiredCourse, AlreadyCompleted) as error:
        return back_with_error(request, error, back)
    messages.success(
        request,
        _("You have left “%(title)s”. If you come back, your progress will still be there.")
        % {"title": course.title},
    )
    return redirect(back)


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(choices=[(n, n) for n in RATINGS], coerce=int)
    comment = forms.CharField(required=False, max_length=1000)


@cadre_action
def feedback_view(request, cadre, course_id):
    course = available_course(course_id)
    back = course.get_url(request) + "#feedback"
    enrollment = enrollment_for(cadre, course)
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose 1 to 5 stars; a comment can be up to 1,000 characters."))
        return redirect(back)
    try:
        leave_feedback(enrollment, form.cleaned_data["rating"], form.cleaned_data["comment"])
    except FeedbackNotAllowed as error:
        return back_with_error(request, error, back)
    messages.success(request, _("Thank you for rating this course."))
    return redirect(back)


# Lessons and quizzes --------------------------------------------------------------------


@cadre_action
def complete_lesson_view(request, cadre, lesson_id):
    lesson = live_lesson(lesson_id)
    course = course_of(lesson)
    enrollment = enrollment_for(cadre, course)
    back = lesson.get_url(request)
    was_completed = enrollment.status == EnrollmentStatus.COMPLETED
    try:
        complete_lesson(enrollment, lesson)
    except QuizNotPassed as error:
        return back_with_error(request, error, back)
    if not was_completed and enrollment.status == EnrollmentStatus.COMPLETED:
        messages.success(request, course_completed_message(course))
        return redirect(course.get_url(request))
    messages.success(request, _("Lesson marked as completed."))
    return redirect(back)


def course_completed_message(course) -> str:
    return _(
        "Well done: you have completed “%(title)s”. Your credit hours are recorded and your "
        "certificate is in My learning."
    ) % {"title": course.title}


def answers_from(data, questions: int) -> list[list[int]]:
    """One list of chosen option indexes per question, from fields q1, q2, …"""
    answers = []
    for number in range(1, questions + 1):
        chosen = []
        for raw in data.getlist(f"q{number}"):
            try:
                chosen.append(int(raw))
            except ValueError:
                chosen.append(-1)  # the grader reports it as an option that does not exist
        answers.append(chosen)
    return answers


@cadre_action
def submit_quiz_view(request, cadre, lesson_id, quiz_id):
    lesson = live_lesson(lesson_id)
    course = course_of(lesson)
    enrollment = enrollment_for(cadre, course)
    quiz = lesson.quizzes().get(quiz_id)
    answers = answers_from(request.POST, len(quiz["questions"]) if quiz else 0)
    back = f"{lesson.get_url(request)}#quiz-{quiz_id}"
    was_completed = enrollment.status == EnrollmentStatus.COMPLETED
    try:
        _attempt, result = submit_attempt(enrollment, lesson, quiz_id, answers)
    except InvalidAnswers as error:
        # Show the page again with the cadre's choices kept, so nothing has to be redone.
        messages.error(request, error.message)
        context = lesson.get_context(request)
        context["quiz_states"][quiz_id].update(errors=error.details, given=answers)
        return TemplateResponse(request, lesson.get_template(request), context, status=400)
    except AttemptsExhausted as error:
        return back_with_error(request, error, back)

    if result.passed:
        messages.success(
            request, _("You passed with %(score)d%%. Well done.") % {"score": result.score}
        )
    else:
        messages.info(
            request,
            _("You scored %(score)d%%; the pass mark is %(mark)d%%. Look at the marked questions.")
            % {"score": result.score, "mark": quiz["pass_mark"]},
        )
    if not was_completed and enrollment.status == EnrollmentStatus.COMPLETED:
        messages.success(request, course_completed_message(course))
    return redirect(back)


# Offline sessions -----------------------------------------------------------------------


@cadre_action
def session_sign_up_view(request, cadre, session_id):
    session = open_session(session_id)
    signup = sign_up(cadre, session)
    if signup.status == SignupStatus.WAITLISTED:
        messages.info(
            request,
            _(
                "The session is full, so you are number %(position)d on the waiting list. "
                "If a seat is freed it goes to the first person waiting."
            )
            % {"position": waitlist_position(signup)},
        )
    else:
        messages.success(request, _("Your seat is confirmed."))
    return redirect(session.page.get_url(request) + "#sessions")


@cadre_action
def session_cancel_view(request, cadre, session_id):
    session = open_session(session_id)
    back = session.page.get_url(request) + "#sessions"
    signup = SessionSignup.objects.filter(
        session=session,
        cadre=cadre,
        status__in=[SignupStatus.ENROLLED, SignupStatus.WAITLISTED],
    ).first()
    if signup is None:
        messages.info(request, _("You are not signed up for this session."))
        return redirect(back)
    cancel(signup)
    messages.success(request, _("Your sign-up is cancelled."))
    return redirect(back)


# My learning ----------------------------------------------------------------------------


def resume_url(enrollment: Enrollment, request) -> str:
    """Where "continue" goes: the last lesson, at the part the cadre last read there.
    Needs last_lesson and course selected (and the `resume_at` annotation for the part);
    with the request, Wagtail caches the site root paths, so rows add no queries."""
    lesson = enrollment.last_lesson
    if lesson is not None and lesson.live:
        return lesson.get_url(request) + resume_anchor(getattr(enrollment, "resume_at", ""))
    return enrollment.course.get_url(request)


@cadre_action
def lesson_position_view(request, cadre, lesson_id):
    """Where the cadre is in a lesson (theme/js/position.js sends it as they read)."""
    lesson = live_lesson(lesson_id)
    enrollment = enrollment_for(cadre, course_of(lesson))
    part = request.POST.get("pos", "")
    if not PART.fullmatch(part) or part[2:] not in {block.id for block in lesson.body}:
        return HttpResponse(status=400)
    record_visit(enrollment, lesson, part)
    return HttpResponse(status=204)


def certificate_or_none(enrollment: Enrollment) -> Certificate | None:
    try:
        return enrollment.certificate  # selected with the row: no query
    except Certificate.DoesNotExist:
        return None


def due_order(enrollment: Enrollment):
    return (enrollment.due_date is None, enrollment.due_date, enrollment.course.title)


@login_required
@require_safe
def my_learning(request):
    cadre = cadre_of(request.user)
    if cadre is None:
        return render(request, "lms/my_learning.html", {"cadre": None})
    enrollments = list(
        Enrollment.objects.for_cadre(cadre)
        .exclude(status=EnrollmentStatus.WITHDRAWN)
        .with_course()
        .with_progress()
        .with_resume()
        .select_related("certificate")
        .order_by(F("last_activity_at").desc(nulls_last=True), "-enrolled_at")
    )
    for enrollment in enrollments:
        enrollment.course_url = enrollment.course.get_url(request)
        enrollment.continue_url = resume_url(enrollment, request)
        enrollment.issued_certificate = certificate_or_none(enrollment)
    active = [e for e in enrollments if e.status == EnrollmentStatus.ACTIVE]
    completed = sorted(
        (e for e in enrollments if e.status == EnrollmentStatus.COMPLETED),
        key=lambda e: e.completed_at,
        reverse=True,
    )
    certificates = sorted(
        (e.issued_certificate for e in completed if e.issued_certificate),
        key=lambda c: (c.issued_on, c.pk),
        reverse=True,
    )
    return render(
        request,
        "lms/my_learning.html",
        {
            "cadre": cadre,
            "required": sorted((e for e in active if e.required), key=due_order),
            "in_progress": [e for e in active if not e.required],
            "completed": completed,
            "certificates": certificates,
            "credits": year_summary(cadre),
            "recommendations": recommendation_panel(request.user),
            "notices": notices_for(cadre),
            "care": care_for(request, cadre),
        },
    )


# Higher layers (targeting's reminders) add notices to 我的学习 through this hook:
# fn(cadre) -> [{"text": str, "overdue": bool}, ...].
MY_LEARNING_NOTICES_HOOK = "lms_my_learning_notices"


def notices_for(cadre) -> list[dict]:
    notices = []
    for provide in hooks.get_hooks(MY_LEARNING_NOTICES_HOOK):
        notices += provide(cadre)
    return notices


# Help comes first on 我的学习 while a cadre is in crisis; lms.assessments knows when:
# fn(request, cadre) -> the help panel's context (who to call; no score, no factor) or None.
MY_LEARNING_CARE_HOOK = "lms_my_learning_care"


def care_for(request, cadre) -> dict | None:
    for provide in hooks.get_hooks(MY_LEARNING_CARE_HOOK):
        care = provide(request, cadre)
        if care is not None:
            return care
    return None


# Certificates ---------------------------------------------------------------------------


def normalise_code(code: str) -> str:
    # People copy codes from paper with spaces or hyphens; codes are letters and digits.
    return re.sub(r"[^0-9A-Za-z]", "", code).upper()


@login_required
@require_safe
def certificate_view(request, code):
    """The printable certificate, for its holder only; everyone else gets a 404."""
    cadre = cadre_of(request.user)
    certificate = None
    if cadre is not None:
        certificate = (
            Certificate.objects.select_related("enrollment")
            .filter(code=normalise_code(code), enrollment__cadre=cadre)
            .first()
        )
    if certificate is None:
        error = LmsError(_("There is no certificate with this code among yours."))
        return error_page(request, error, status=404)
    verify_url = request.build_absolute_uri(
        reverse("lms:verify_certificate", args=[certificate.code])
    )
    if request.GET.get("format") == "pdf":
        response = HttpResponse(
            certificate_pdf(certificate, verify_url), content_type="application/pdf"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="certificate-{certificate.code}.pdf"'
        )
        return response
    return render(
        request, "lms/certificate.html", {"certificate": certificate, "verify_url": verify_url}
    )


def lookups_paused(request, budget):
    """The calm 429 page once an address has used up its certificate lookups."""
    minutes = math.ceil(budget.window / 60)
    response = render(
        request, "lms/certificate_lookups_paused.html", {"minutes": minutes}, status=429
    )
    response["Retry-After"] = str(budget.window)
    return response


@require_safe
def certificate_lookup(request):
    code = normalise_code(request.GET.get("code", ""))
    if code:
        # The lookup itself is counted where it happens (verify_certificate); a spent
        # budget answers here rather than after a redirect.
        budget = certificate_lookups()
        if budget.exhausted(client_address(request)):
            return lookups_paused(request, budget)
        return redirect("lms:verify_certificate", code=code)
    return render(request, "lms/certificate_lookup.html")


@never_cache  # it names a person, if masked, and a shared cache would skip the lookup budget
@require_safe
def verify_certificate(request, code):
    """Public check of a certificate code: shows only the masked holder name."""
    budget = certificate_lookups()
    if not budget.spend(client_address(request)):
        return lookups_paused(request, budget)
    certificate = verify(normalise_code(code))
    return render(
        request,
        "lms/verify_certificate.html",
        {"certificate": certificate, "code": normalise_code(code)},
        status=200 if certificate else 404,
    )


@login_required
@require_safe
def transcript_view(request):
    """学时档案: a cadre's credit hours across all years, and as a spreadsheet (?format=csv)."""
    cadre = cadre_of(request.user)
    if cadre is None:
        return render(request, "lms/my_learning.html", {"cadre": None})
    years = transcript(cadre)
    if request.GET.get("format") == "csv":
        return transcript_csv(cadre, years)
    return render(
        request,
        "lms/transcript.html",
        {"cadre": cadre, "years": years, "sources": dict(CreditSource.choices)},
    )


def transcript_csv(cadre, years):
    statuses, sources = dict(CreditStatus.choices), dict(CreditSource.choices)
    rows = [[_("Year"), _("Date"), _("Title"), _("Source"), _("Hours"), _("Status")]]
    for year in years:
        for record in year.records:
            rows.append(
                [
                    year.year,
                    record.earned_on.isoformat(),
                    record.title,
                    str(sources.get(record.source, record.source)),
                    float(record.hours),
                    str(statuses.get(record.status, record.status)),
                ]
            )
    response = HttpResponse(as_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="transcript-{cadre.employee_id}.csv"'
    return response


# Declared study hours ---------------------------------------------------------------------


class DeclarationForm(forms.Form):
    title = forms.CharField(label=_("What you studied"), max_length=255)
    earned_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    hours = forms.DecimalField(label=_("Hours"), max_digits=5, decimal_places=1, min_value=0)
    note = forms.CharField(label=_("Note (optional)"), max_length=300, required=False)
    evidence = forms.FileField(label=_("Evidence (PDF, JPEG or PNG, optional)"), required=False)


@login_required
@never_cache
def declare_view(request):
    """Declare study done elsewhere; it counts once the department approves it."""
    cadre = cadre_of(request.user)
    if cadre is None:
        return render(request, "lms/my_learning.html", {"cadre": None})
    form = DeclarationForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                declare(
                    cadre,
                    title=data["title"],
                    hours=data["hours"],
                    earned_on=data["earned_on"],
                    note=data["note"],
                    evidence=data["evidence"],
                )
            except InvalidDeclaration as error:
                problems = error.problems
            else:
                messages.success(
                    request, _("Your hours were declared; they count once they are approved.")
                )
                return redirect("lms:declare")
        else:
            problems = [error for errors in form.errors.values() for error in errors]
    return render(
        request,
        "lms/declare.html",
        {
            "cadre": cadre,
            "form": form,
            "problems": problems,
            "declarations": CreditRecord.objects.filter(
                cadre=cadre, source=CreditSource.DECLARED
            ).order_by("-created_at"),
        },
        status=400 if problems else 200,
    )


@login_required
@require_safe
def declaration_evidence(request, record_id):
    """A cadre's own evidence file, to them only."""
    cadre = cadre_of(request.user)
    record = CreditRecord.objects.filter(pk=record_id, cadre=cadre).exclude(evidence="").first()
    if cadre is None or record is None:
        raise Http404
    return evidence_response(record)


def evidence_response(record):
    """The evidence file, as a download that no cache keeps."""
    response = FileResponse(
        record.evidence.open("rb"),
        as_attachment=True,
        filename=record.evidence.name.rsplit("/", 1)[-1],
    )
    response["Cache-Control"] = "private, no-store"
    return response


# At the venue and in the calendar ---------------------------------------------------------


def seated_session(cadre, session_id):
    """The session, if the cadre has a seat in it (else 404)."""
    signup = (
        SessionSignup.objects.select_related("session__page")
        .filter(session_id=session_id, cadre=cadre, status__in=SEATED)
        .first()
    )
    if signup is None:
        raise Http404
    return signup.session


@login_required
@never_cache
def check_in_view(request, session_id):
    """签到: a seated cadre enters the code shown at the venue; attendance is recorded."""
    cadre = cadre_of(request.user)
    if cadre is None:
        raise Http404
    session = seated_session(cadre, session_id)
    problem = ""
    # From the venue's QR code the code comes filled in; the cadre still confirms (POST).
    code = request.GET.get("code", "")
    code = code if code.isdigit() and len(code) == 6 else ""
    if request.method == "POST":
        code = request.POST.get("code", "")
        try:
            check_in(cadre, session, code)
        except CheckInRefused as error:
            problem = str(error.message)
        else:
            messages.success(request, _("You are checked in; the session's hours are yours."))
            return redirect(session.page.get_url(request) + "#sessions")
    return render(
        request,
        "lms/check_in.html",
        {"session": session, "problem": problem, "open": check_in_open(session), "code": code},
        status=400 if problem else 200,
    )


@login_required
@require_safe
def session_calendar_view(request, session_id):
    """The session as an .ics file for the cadre's calendar (seated cadres only)."""
    cadre = cadre_of(request.user)
    if cadre is None:
        raise Http404
    session = seated_session(cadre, session_id)
    response = HttpResponse(
        session_calendar(session, request.get_host()), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="session-{session.pk}.ics"'
    return response
