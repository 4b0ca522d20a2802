"""Rebuild the summaries behind 学习分析 from the learning records (and the suppressed
assessment aggregates). Derived data: safe to run at any time."""

from django.core.management.base import BaseCommand

from lms.analytics import summaries


class Command(BaseCommand):
    help = "Rebuild the learning-analytics summary tables."

    def add_arguments(self, parser):
        parser.add_argument(
            "--skip-assessments",
            action="store_true",
            help="Leave the assessment aggregates empty (they take longest: every result "
            "is decrypted).",
        )

    def handle(self, *args, skip_assessments=False, **options):
        build = summaries.rebuild(assessments=not skip_assessments)
        self.stdout.write(
            f"Analytics summaries rebuilt: {build.rows} rows in {build.seconds:.1f} s."
        )
