from django.core.management.base import BaseCommand
from django.db import transaction

from lms.assessments.crypto import primary_key_id
from lms.models.assessment import (
    Assessment,
    AuditAction,
    AuditLog,
    FollowUpNote,
    PsychProfile,
)


class Command(BaseCommand):
    help = (
        "Re-encrypt assessment data under the first key of LMS_ASSESSMENT_KEYS. Put the new "
        "key first, keep the old one listed until this has run, then remove it."
    )

    def handle(self, *args, **options):
        primary = primary_key_id()
        total = 0
        encrypted = (
            (Assessment, ["answers", "scores"]),
            (PsychProfile, ["data"]),
            (FollowUpNote, ["text"]),
        )
        for model, fields in encrypted:
            stale = model.objects.exclude(key_id=primary)
            for pk in stale.values_list("pk", flat=True).iterator():
                with transaction.atomic():
                    row = model.objects.select_for_update().get(pk=pk)
                    row.save(update_fields=[*fields, "key_id"])
                total += 1
        AuditLog.objects.create(action=AuditAction.ROTATE, target=f"rows:{total}")
        self.stdout.write(f"Re-encrypted {total} rows under key {primary}.")
