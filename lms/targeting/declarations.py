"""学时审核: the queue of hours cadres declared, for their department administrator (their
subtree) and system administrators: read the evidence, approve, or reject with a reason
the cadre reads (lms.learning.credits.decide)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms.errors import DeclarationAlreadyDecided, InvalidDeclaration
from lms.learning.credits import decide
from lms.learning.views import evidence_response
from lms.models.learning import CreditRecord, CreditSource, CreditStatus
from lms.people.models import admin_department, admin_scope_q


def may_decide(user) -> bool:
    """System administrators, and department administrators (for their subtree)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or (
        admin_department(user) is not None and user.has_perm("lms.view_creditrecord")
    )


def declarations_for(user):
    """Declared hours of the cadres this user administers (none for anyone else)."""
    if not may_decide(user):
        raise PermissionDenied
    return (
        CreditRecord.objects.filter(source=CreditSource.DECLARED)
        .filter(admin_scope_q(user, "cadre__department__path"))
        .select_related("cadre", "cadre__department")
    )


def queue(request):
    records = declarations_for(request.user)
    pending = records.filter(status=CreditStatus.PENDING).order_by("created_at")
    decided = records.exclude(status=CreditStatus.PENDING).order_by("-decided_at")[:20]
    return TemplateResponse(
        request,
        "lms/admin/declarations.html",
        {
            "page_title": _("Declared hours"),
            "header_icon": "time",
            "pending": pending,
            "decided": decided,
        },
    )


@require_POST
def decision(request, record_id):
    record = declarations_for(request.user).filter(pk=record_id).first()
    if record is None:
        raise Http404
    approve = request.POST.get("decision") == "approve"
    try:
        decide(record, approve=approve, by=request.user, reason=request.POST.get("reason", ""))
    except (InvalidDeclaration, DeclarationAlreadyDecided) as error:
        for problem in getattr(error, "problems", None) or [error.message]:
            messages.error(request, problem)
    else:
        messages.success(
            request,
            (
                _("Approved: %(hours)s hours for %(name)s.")
                if approve
                else _("Rejected; %(name)s will read why.")
            )
            % {"hours": record.hours.normalize(), "name": record.cadre.name},
        )
    return redirect("lms_declarations:queue")


def evidence(request, record_id):
    record = declarations_for(request.user).filter(pk=record_id).exclude(evidence="").first()
    if record is None:
        raise Http404
    return evidence_response(record)
