from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lms.people.models import Department
from lms.targeting import roster


class Command(BaseCommand):
    help = (
        "Import a cadre roster (.csv or .xlsx). Every row is checked first; by default the "
        "roster is imported all or nothing, and a roster with problems is refused with each "
        "problem listed by row and column. Cadres are matched by employee ID."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--valid-only",
            action="store_true",
            help="Import the rows without problems and skip the others.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and report, write nothing."
        )
        parser.add_argument(
            "--deactivate-missing",
            action="store_true",
            help="Deactivate the logins of cadres in scope who are not in the file.",
        )
        parser.add_argument(
            "--department",
            metavar="CODE",
            help="Import as this department's administrator (rows outside its subtree are "
            "problems). Default: a system administrator's import.",
        )

    def handle(self, *args, file, valid_only, dry_run, deactivate_missing, department, **options):
        scope = None
        if department:
            scope = Department.objects.filter(code=department).first()
            if scope is None:
                raise CommandError(f"No department has the code {department!r}.")
        path = Path(file)
        flags = {
            "scope": scope,
            "valid_only": valid_only,
            "deactivate_missing": deactivate_missing,
        }
        try:
            roster.check_upload_size(path.stat().st_size)
            rows = roster.read_roster(path.read_bytes(), path.name)
            checked = roster.check_roster(rows, scope=scope)
            self.write_check(path.name, checked)
            if checked["problems"] and not valid_only:
                raise CommandError(
                    "Refused: nothing was imported. Correct the rows above, or use "
                    f"--valid-only to import the {self.good(checked)} rows without problems."
                )
            if dry_run:
                report = roster.preview_roster(checked, **flags)
                self.stdout.write(f"Dry run, nothing written. Would have {self.counts(report)}.")
                return
            report = roster.commit_roster(checked, **flags)
        except roster.RosterError as error:
            self.write_problems(error.details)
            raise CommandError(f"{file}: {error.message} [{error.code}]") from error
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror}") from error
        self.stdout.write(self.style.SUCCESS(f"Imported {path.name}: {self.counts(report)}."))

    def write_check(self, name, checked):
        rows = len(checked["rows"])
        good = self.good(checked)
        self.stdout.write(f"Checked {rows} rows of {name}: {good} without problems.")
        self.write_problems(checked["problems"])

    def write_problems(self, problems):
        if not problems:
            return
        self.stdout.write(f"{len(problems)} problems (row, column: reason):")
        for problem in problems:
            column = problem.get("column")
            label = roster.COLUMN_LABELS.get(column, column or "-")
            self.stdout.write(
                f"  row {problem.get('row') or '-'}, {label}: {problem['message']} "
                f"[{problem['code']}]"
            )

    @staticmethod
    def good(checked) -> int:
        return sum(1 for row in checked["rows"] if row["ok"])

    @staticmethod
    def counts(report) -> str:
        return ", ".join(
            f"{key} {report[key]}"
            for key in ("created", "updated", "unchanged", "deactivated", "skipped")
        )
