"""The course report's admin pages (mounted under /admin/courses/ by lms.wagtail_hooks)."""

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.analytics import exports
from lms.learning.signups import check_in_code
from lms.models.analytics import AnalyticsExport
from lms.models.learning import EnrollmentStatus, SignupStatus

from . import attendance as attendance_sheet
from . import report

STATUS_LABELS = dict(EnrollmentStatus.choices)


def index(request):
    """The courses whose report the user may open, with their learners."""
    courses = (
        report.reportable_courses(request.user)
        .annotate(
            learners=Count("enrollments", distinct=True),
            completed=Count(
                "enrollments",
                filter=Q(enrollments__status=EnrollmentStatus.COMPLETED),
                distinct=True,
            ),
        )
        .order_by("path")
    )
    return TemplateResponse(
        request,
        "lms/admin/course_report_index.html",
        {"page_title": _("Course reports"), "header_icon": "list-ul", "courses": courses},
    )


def course(request, course_id):
    course, scope = report.course_for_report(request.user, course_id)
    status = request.GET.get("status", "")
    if status not in STATUS_LABELS:
        status = ""
    page = report.learner_page(course, scope, status, request.GET.get("page"))
    return TemplateResponse(
        request,
        "lms/admin/course_report.html",
        {
            "page_title": _("Course report"),
            "page_subtitle": course.title,
            "header_icon": "list-ul",
            "course": course,
            "scope": scope,
            "counts": report.status_counts(course, scope),
            "status": status,
            "statuses": EnrollmentStatus.choices,
            "learners": page,
            "quizzes": report.quiz_statistics(course, scope),
            "feedback": report.feedback_summary(course, scope),
            "sessions": (
                course.sessions.annotate(
                    seated=Count("signups", filter=Q(signups__status__in=SEATED)),
                    attended=Count("signups", filter=Q(signups__status=SignupStatus.ATTENDED)),
                ).order_by("starts_at")
                if attendance_sheet.may_mark(request.user, course)
                else []
            ),
        },
    )


SEATED = (SignupStatus.ENROLLED, SignupStatus.ATTENDED)


def attendance(request, course_id, session_id):
    """An offline session's attendance sheet: tick who came (hours are awarded once), or
    print it for signatures at the door (?print=1)."""
    session = attendance_sheet.session_for(request.user, course_id, session_id)
    problems = []
    if request.method == "POST":
        try:
            marked = attendance_sheet.mark_attended(session, request.POST.getlist("attended"))
        except attendance_sheet.AttendanceError as error:
            problems = error.problems
        else:
            messages.success(
                request,
                _("%(newly)s marked as attended, their hours awarded; %(already)s already were.")
                % {"newly": marked.newly, "already": marked.already},
            )
            return redirect(request.path)
    template = (
        "lms/admin/attendance_print.html"
        if request.GET.get("print")
        else "lms/admin/attendance.html"
    )
    return TemplateResponse(
        request,
        template,
        {
            "page_title": _("Attendance"),
            "page_subtitle": session.page.title,
            "header_icon": "check",
            "course": session.page,
            "session": session,
            "signups": attendance_sheet.sheet(session),
            "problems": problems,
            "statuses": dict(SignupStatus.choices),
            "check_in_code": check_in_code(session),
            "check_in_qr": attendance_sheet.qr_svg(
                attendance_sheet.check_in_link(request, session)
            ),
        },
        status=400 if problems else 200,
    )


def export(request, course_id, fmt):
    course, scope = report.course_for_report(request.user, course_id)
    if fmt not in exports.FORMATS:
        return HttpResponse(status=404)
    rows = [
        [
            _("Name"),
            _("Employee ID"),
            _("Department"),
            _("Status"),
            _("Progress (%)"),
            _("Last activity"),
            _("Best quiz score"),
            _("Quiz attempts"),
            _("Completed on"),
        ]
    ]
    for enrollment in report.learner_rows(course, scope).iterator(chunk_size=500):
        rows.append(
            [
                enrollment.cadre.name,
                enrollment.cadre.employee_id,
                enrollment.cadre.department.name if enrollment.cadre.department else "",
                str(STATUS_LABELS[enrollment.status]),
                enrollment.percent_complete,
                _local(enrollment.last_activity_at),
                enrollment.best_score if enrollment.best_score is not None else "",
                enrollment.attempts,
                _local(enrollment.completed_at),
            ]
        )
    # Names of learners leave the site: each download is recorded, as analytics' are.
    AnalyticsExport.objects.create(
        user=request.user, table=f"course-report:{course.pk}", format=fmt, filters=""
    )
    body = exports.as_csv(rows) if fmt == "csv" else exports.as_xlsx(rows, course.title)
    response = HttpResponse(body, content_type=exports.FORMATS[fmt])
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="course-{course.pk}-learners-{stamp}.{fmt}"'
    )
    return response


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""
