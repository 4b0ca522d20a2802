"""Background work of the lms app. Tasks take ids, load fresh rows and are idempotent."""

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail

logger = logging.getLogger(__name__)


# Named as before the move into lms.assessments, so queued and scheduled messages still run.
@shared_task(name="lms.tasks.alert_counsellors")
def alert_counsellors(follow_up_id: int) -> int:
    """Tell the counsellors a crisis follow-up is open. The message holds no health data."""
    from lms.models.assessment import FollowUp
    from lms.people.roles import counsellors_group, is_counsellor

    follow_up = FollowUp.objects.filter(pk=follow_up_id).first()
    if follow_up is None:
        return 0
    # Only accounts that really hold the role: an administrator placed in the group is not
    # a counsellor (lms.people.separation) and must not learn of follow-ups.
    recipients = [
        user.email
        for user in counsellors_group().user_set.filter(is_active=True)
        if user.email and is_counsellor(user)
    ]
    if not recipients:
        logger.warning(
            "No counsellor with an e-mail address to alert for follow-up %s", follow_up_id
        )
        return 0
    send_mail(
        subject="【心育】有一项需在24小时内处理的随访",
        message=(
            "随访工作台有一项紧急随访任务，请在24小时内登录处理：\n"
            f"{settings.WAGTAILADMIN_BASE_URL}/counsellor/\n"
            "（为保护隐私，本邮件不包含任何测评信息。）"
        ),
        from_email=None,
        recipient_list=recipients,
    )
    return len(recipients)


@shared_task(name="lms.tasks.purge_expired_assessments")
def purge_expired_assessments() -> int:
    """Enforce the retention period (run daily by Celery beat)."""
    from lms.assessments.records import purge_expired

    return purge_expired()
