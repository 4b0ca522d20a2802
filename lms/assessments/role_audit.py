"""The audit record of counsellor-role changes (receiver of lms.people.separation's
`lms_counsellor_role_changed` hook, registered in lms/wagtail_hooks.py).

The counsellor role opens sharing cadres' results to an account, so every grant and
revoke goes into the same append-only log as the reads it makes possible.
"""

from lms.assessments.records import audit
from lms.models.assessment import AuditAction


def record_counsellor_role_change(*, actor, user, granted: bool) -> None:
    # AuditAction has no role choice (adding one needs a migration): a grant creates the
    # role membership and a revoke deletes it, told apart from data by the target.
    action = AuditAction.CREATE if granted else AuditAction.DELETE
    audit(actor, None, action, f"counsellor_role:{user.pk}")
