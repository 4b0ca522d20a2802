import io
import time
from contextlib import contextmanager

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from courses.demo import seed_catalogue, seed_media
from courses.models import CatalogueHomePage, CoursePage, CurriculumPage
from lms.demo.assessments import seed_assessments
from lms.demo.feedback import seed_feedback
from lms.demo.learning import seed_learning
from lms.demo.population import seed_departments, seed_population
from lms.demo.targeting import seed_targeting
from lms.people.accounts import (
    assign_instructor,
    ensure_user,
    make_department_admin,
    review_workflow,
    reviewers_group,
)
from lms.people.models import CadreProfile, Department, PostCategory, Rank
from lms.people.roles import counsellors_group

DEFAULT_PASSWORD = "xinyu-demo-2026"  # noqa: S105  (demo accounts only; printed on purpose)


class Command(BaseCommand):
    help = "Create demo content, accounts and a cadre population. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password", default=DEFAULT_PASSWORD, help="password for demo accounts"
        )
        parser.add_argument("--cadres", type=int, default=2000, help="size of the cadre population")

    STEPS = 8

    @contextmanager
    def step(self, number: int, label: str):
        """One staged line per step, so a run of a minute never looks stuck."""
        self.stdout.write(f"[{number}/{self.STEPS}] {label}…", ending="")
        self.stdout.flush()
        started = time.monotonic()
        yield
        self.stdout.write(f" done ({time.monotonic() - started:.1f} s)")

    def handle(self, *args, password, cadres, **options):
        started = time.monotonic()
        with transaction.atomic():
            with self.step(1, "departments and the course catalogue, with its media"):
                seed_departments()
                catalogue = seed_catalogue()
                seed_media()
                home = CatalogueHomePage.objects.get()
            with self.step(2, "demo accounts"):
                ensure_user(
                    "admin", password, is_staff=True, is_superuser=True, first_name="系统管理员"
                )
                instructor = ensure_user("instructor", password, first_name="陈老师")
                first_instructor = next(iter(catalogue["instructors"].values()), None)
                if first_instructor is not None and first_instructor.user_id is None:
                    first_instructor.user = instructor
                    first_instructor.save(update_fields=["user"])
                # The instructor writes in the curricula of the courses they teach; a
                # reviewer of 教研室 approves before cadres see anything (教研审核).
                taught = CoursePage.objects.filter(instructors__user=instructor)
                assign_instructor(
                    instructor,
                    CurriculumPage.objects.filter(
                        pk__in=[course.get_parent().pk for course in taught]
                    ),
                )
                reviewer = ensure_user("reviewer", password, first_name="李主任")
                reviewer.groups.add(reviewers_group(home))
                review_workflow(home)
                cadre = ensure_user("cadre", password, first_name="张晓梅")
                CadreProfile.objects.update_or_create(
                    user=cadre,
                    defaults={
                        "employee_id": "DEMO0001",
                        "name": "张晓梅",
                        "gender": "female",
                        "birth_year": 1982,
                        "department": Department.objects.get(code="development_reform"),
                        "rank": Rank.objects.get(code="researcher_4"),
                        "post_category": PostCategory.objects.get(code="comprehensive"),
                        "post_title": "综合规划科科长",
                    },
                )
            with self.step(3, f"a population of {cadres} cadres"):
                new_cadres = seed_population(cadres, password)
            with self.step(4, "a year of learning, with ratings"):
                learning = seed_learning()
                rated = seed_feedback()
            with self.step(5, "counsellor and department administrator"):
                counsellor = ensure_user(
                    "counsellor", password, first_name="周心怡", email="counsellor@xinyu.invalid"
                )
                counsellor.groups.add(counsellors_group())
                department_admin = ensure_user(
                    "deptadmin", password, first_name="王建国", email="deptadmin@xinyu.invalid"
                )
                make_department_admin(department_admin, Department.objects.get(code="district_a"))
            with self.step(6, "audiences, campaigns and reminders"):
                seed_targeting(department_admin)
            with self.step(7, "self-assessments, with consent"):
                assessed = seed_assessments(counsellor=counsellor)
        # The index is derived: rebuild it from what was just written (popularity included).
        with self.step(8, "the search index"):
            call_command("lms_reindex", stdout=io.StringIO())

        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready in {elapsed:.1f}s: {catalogue['courses_created']} new courses, "
                f"{new_cadres} new cadres ({CadreProfile.objects.count()} in all)."
            )
        )
        if learning.enrollments:
            self.stdout.write(
                f"Learning history: {learning.enrollments} enrollments "
                f"({learning.completed} completed), {learning.quiz_attempts} quiz attempts, "
                f"{learning.certificates} certificates, {rated} new ratings."
            )
        if assessed.consents:
            self.stdout.write(
                f"Assessments: {assessed.consents} consents, {assessed.assessments} assessments "
                f"({assessed.positive} positive screens, {assessed.high} high, "
                f"{assessed.crisis} crisis), {assessed.follow_ups} follow-ups."
            )
        self.stdout.write("Accounts (username / password):")
        for username, role in [
            ("admin", "system administrator, /admin/"),
            ("instructor", "instructor of the curricula they teach, /admin/"),
            ("reviewer", "教研室 reviewer: approves courses before cadres see them, /admin/"),
            ("cadre", "cadre, /my/"),
            ("counsellor", "counsellor, /counsellor/ (follow-ups of consenting cadres)"),
            ("deptadmin", "organisation-department administrator of 东城区, /admin/"),
        ]:
            self.stdout.write(f"  {username} / {password}   ({role})")
