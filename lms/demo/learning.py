"""Demo learning history: a year of enrollments, lesson progress, quiz attempts, credit
hours and certificates for the seeded cadre population and the demo account.

Rows are built in memory and written with bulk_create: the per-row services would take
minutes for 2,000 cadres. They are built the way the services would have written them:
scores come from the real grader (`lms.learning.quizzes.grade`), hours from the credit policy
(`lms.learning.credits.online_hours_for`); every completed enrollment has all its required lessons
complete with their quizzes passed, exactly one online credit record and a certificate;
a lesson whose quizzes are passed is complete; nothing is dated in the future.

Rates (documented here because the analytics are checked against them):
- self-enrolments: 1–8 per cadre (3.7 on average, fewer when few courses admit the
  cadre), chosen by track popularity: work-stress resilience 34, popular science 24,
  communication 17, political ethics 13, women cadres' dual pressure 12, split evenly
  over a track's courses. Courses for women are weighted ×2.5 for women and ×1/12 for
  men, so the women's track is mostly women (about 90 %); communication courses ×1.8 for
  county level and above (ordinal ≥ 130); a course aimed at the cadre's age or post
  category ×3. Courses whose rank, post category or age audience excludes the cadre are
  never chosen.
- assignment campaigns (required, origin "campaign"): 工作抗压训练 for front-line
  departments (districts, the county, public security, letters and visits, emergency
  management), launched 250 days ago with a 90-day deadline, so unfinished ones are
  overdue; 危机公关 for county level and above, launched 45 days ago, due in a month.
- completion: a base rate by track (popular science 70 %, stress 60 %, political ethics
  50 %, communication 48 %, women's track 74 %) × women 1.10 / men 0.92 × county level and
  above 0.75 (senior cadres complete less online) / 科员 level (ordinal ≤ 100) 1.05 ×
  required 1.25, capped at 95 %; men in a course for women complete at 0.6 of the rate.
- not completed: 15 % of optional enrolments are withdrawn; the rest are in progress with
  0 to n−1 required lessons done, the next lesson opened in 60 % of cases.
- quizzes: each cadre answers a question right with a chance of 0.55–0.95, plus 0.15 per
  retry; failed attempts are kept. A cadre who fails every allowed attempt stays in
  progress (rare). Optional lessons are opened half the time.
- dates: enrolments spread evenly over the past 12 months; completion takes about two
  weeks (exponential); hours are earned and certificates issued on the completion day.

Randomness is seeded per employee ID, so a cadre's history does not depend on who else is
seeded. Idempotent: a population cadre who has any enrollment already has a history, and
the demo account's enrollments are added per course.
"""

import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from courses.models import CoursePage, CurriculumPage, LessonPage, Track
from lms.learning.credits import online_hours_for
from lms.learning.quizzes import grade
from lms.models.learning import (
    Certificate,
    CreditRecord,
    CreditSource,
    CreditStatus,
    Enrollment,
    EnrollmentOrigin,
    EnrollmentStatus,
    LessonProgress,
    QuizAttempt,
)
from lms.people.models import CadreProfile, Gender

SEED = 2026
# The employee IDs lms.demo.population.generate_population gives the population ("S000001").
POPULATION_ID = r"^S[0-9]{6}$"
DEMO_ACCOUNT_ID = "DEMO0001"

TRACK_WEIGHT = {
    Track.STRESS_RESILIENCE: 34,
    Track.POPULAR_SCIENCE: 24,
    Track.COMMUNICATION: 17,
    Track.POLITICAL_ETHICS: 13,
    Track.WOMEN_DUAL_PRESSURE: 12,
}
BASE_COMPLETION = {
    Track.POPULAR_SCIENCE: 0.70,
    Track.STRESS_RESILIENCE: 0.60,
    Track.POLITICAL_ETHICS: 0.50,
    Track.COMMUNICATION: 0.48,
    Track.WOMEN_DUAL_PRESSURE: 0.74,
}
GENDER_COMPLETION = {Gender.FEMALE: 1.10, Gender.MALE: 0.92}
SENIOR_ORDINAL = 130  # county level and 四级调研员 and above
JUNIOR_ORDINAL = 100  # 一级科员 and its parallels
SELF_ENROLMENTS = {1: 12, 2: 18, 3: 22, 4: 18, 5: 13, 6: 9, 8: 8}
WITHDRAW_SHARE = 0.15
FRONTLINE_DEPARTMENTS = ("district_", "county_", "ps_", "letters_visits", "emergency_management")


@dataclass(frozen=True)
class Campaign:
    course_slug: str
    launched_days_ago: int
    due_after_days: int
    audience: Callable[[CadreProfile], bool]


CAMPAIGNS = (
    Campaign(
        "work-stress-resilience",
        250,
        90,
        lambda cadre: cadre.department.code.startswith(FRONTLINE_DEPARTMENTS),
    ),
    Campaign("crisis-public-relations", 45, 75, lambda cadre: cadre.rank.ordinal >= SENIOR_ORDINAL),
)


@dataclass(frozen=True)
class QuizInfo:
    id: str
    value: object  # the block's StructValue, graded by lms.learning.quizzes.grade
    max_attempts: int
    # (kind, number of options, indexes of the correct options) per question
    questions: tuple[tuple[str, int, tuple[int, ...]], ...]


@dataclass(frozen=True)
class LessonInfo:
    id: int
    required: bool
    quizzes: tuple[QuizInfo, ...]


@dataclass
class CourseInfo:
    page: CoursePage
    track: str
    lessons: tuple[LessonInfo, ...]
    min_ordinal: int | None
    rank_ids: frozenset
    category_ids: frozenset
    gender: str
    min_age: int | None
    max_age: int | None

    def admits(self, cadre: CadreProfile, year: int) -> bool:
        """The hard audience criteria; gender is only a weight (see the module docstring)."""
        age = cadre.age_in(year)
        return not (
            (self.min_ordinal is not None and cadre.rank.ordinal < self.min_ordinal)
            or (self.rank_ids and cadre.rank_id not in self.rank_ids)
            or (self.category_ids and cadre.post_category_id not in self.category_ids)
            or (self.min_age is not None and age < self.min_age)
            or (self.max_age is not None and age > self.max_age)
        )

    @property
    def targeted(self) -> bool:
        return bool(self.category_ids or self.min_age is not None or self.max_age is not None)


@dataclass
class Plan:
    """One enrollment to build: its outcome is decided first, its dates fit the past."""

    cadre: CadreProfile
    course: CourseInfo
    enrolled_at: datetime
    end: datetime  # when the last lesson event happens
    completed: bool
    withdrawn: bool = False
    required_done: int = 0  # required lessons done, when not completed
    open_next: bool = False
    skill: float = 0.75
    origin: str = EnrollmentOrigin.SELF
    required: bool = False
    due_date: date | None = None


@dataclass
class LearningSummary:
    enrollments: int = 0
    completed: int = 0
    lesson_progress: int = 0
    quiz_attempts: int = 0
    credit_records: int = 0
    certificates: int = 0


def load_courses() -> list[CourseInfo]:
    """Every live course with its track, audience and lessons, in a few queries."""
    tracks = {c.path: c.track for c in CurriculumPage.objects.only("path", "track")}
    lessons_by_course = defaultdict(list)
    for lesson in LessonPage.objects.live().public().order_by("path"):
        quizzes = tuple(
            QuizInfo(
                id=quiz_id,
                value=quiz,
                max_attempts=quiz["max_attempts"],
                questions=tuple(
                    (
                        q["kind"],
                        len(q["choices"]),
                        tuple(i for i, c in enumerate(q["choices"]) if c["correct"]),
                    )
                    for q in quiz["questions"]
                ),
            )
            for quiz_id, quiz in lesson.quizzes().items()
        )
        lessons_by_course[lesson.path[: -lesson.steplen]].append(
            LessonInfo(lesson.pk, lesson.required, quizzes)
        )
    courses = []
    pages = (
        CoursePage.objects.live()
        .public()
        .select_related("audience_min_rank")
        .prefetch_related("audience_ranks", "audience_post_categories")
        .order_by("path")
    )
    for page in pages:
        lessons = tuple(lessons_by_course.get(page.path, ()))
        track = tracks.get(page.path[: -page.steplen])
        # A course without required lessons can never be completed online.
        if track not in TRACK_WEIGHT or not any(lesson.required for lesson in lessons):
            continue
        courses.append(
            CourseInfo(
                page=page,
                track=track,
                lessons=lessons,
                min_ordinal=page.audience_min_rank.ordinal if page.audience_min_rank else None,
                rank_ids=frozenset(r.pk for r in page.audience_ranks.all()),
                category_ids=frozenset(c.pk for c in page.audience_post_categories.all()),
                gender=page.audience_gender,
                min_age=page.audience_min_age,
                max_age=page.audience_max_age,
            )
        )
    return courses


def completion_rate(cadre: CadreProfile, course: CourseInfo, *, required: bool) -> float:
    rate = BASE_COMPLETION[course.track] * GENDER_COMPLETION.get(cadre.gender, 1.0)
    if cadre.rank.ordinal >= SENIOR_ORDINAL:
        rate *= 0.75
    elif cadre.rank.ordinal <= JUNIOR_ORDINAL:
        rate *= 1.05
    if required:
        rate *= 1.25
    if course.gender and course.gender != cadre.gender:
        rate *= 0.6
    return min(rate, 0.95)


def _self_enrolment_weight(cadre: CadreProfile, course: CourseInfo, per_track: dict) -> float:
    weight = TRACK_WEIGHT[course.track] / per_track[course.track]
    if course.gender:
        weight *= 2.5 if course.gender == cadre.gender else 1 / 12
    if course.track == Track.COMMUNICATION and cadre.rank.ordinal >= SENIOR_ORDINAL:
        weight *= 1.8
    if course.targeted:
        weight *= 3
    return weight


def _at(rng: random.Random, day: datetime) -> datetime:
    """A time of day when cadres study (8:00–22:00 local)."""
    local = timezone.localtime(day).replace(hour=8, minute=0, second=0, microsecond=0)
    return local + timedelta(seconds=rng.randrange(14 * 3600))


def _plan(
    rng: random.Random, cadre, course: CourseInfo, enrolled_at: datetime, now: datetime, **kw
):
    completed = rng.random() < completion_rate(cadre, course, required=kw.get("required", False))
    latest = now - timedelta(hours=1)
    span = max(latest - enrolled_at, timedelta(minutes=30))
    plan = Plan(cadre=cadre, course=course, enrolled_at=enrolled_at, end=latest, completed=False)
    for key, value in kw.items():
        setattr(plan, key, value)
    if completed:
        plan.completed = True
        duration = timedelta(days=rng.expovariate(1 / 14)) + timedelta(minutes=30)
        plan.end = enrolled_at + min(duration, span * 0.95)
        return plan
    required_count = sum(1 for lesson in course.lessons if lesson.required)
    plan.required_done = rng.randrange(required_count)
    plan.open_next = rng.random() < 0.6
    plan.withdrawn = not plan.required and rng.random() < WITHDRAW_SHARE
    plan.end = enrolled_at + span * rng.uniform(0.05, 0.95)
    return plan


def plan_cadre(cadre: CadreProfile, courses: list[CourseInfo], now: datetime) -> list[Plan]:
    """A cadre's enrollments for the past year (needs department and rank loaded)."""
    rng = random.Random(f"{SEED}:{cadre.employee_id}")  # noqa: S311 (demo data)
    year = timezone.localdate(now).year
    skill = rng.uniform(0.55, 0.95)
    by_slug = {course.page.slug: course for course in courses}
    plans = []
    for campaign in CAMPAIGNS:
        course = by_slug.get(campaign.course_slug)
        if course is None or not campaign.audience(cadre) or not course.admits(cadre, year):
            continue
        launched = _at(rng, now - timedelta(days=campaign.launched_days_ago))
        plans.append(
            _plan(
                rng,
                cadre,
                course,
                min(launched + timedelta(hours=rng.uniform(0, 48)), now - timedelta(hours=2)),
                now,
                skill=skill,
                origin=EnrollmentOrigin.CAMPAIGN,
                required=True,
                due_date=timezone.localdate(launched) + timedelta(days=campaign.due_after_days),
            )
        )
    taken = {plan.course.page.pk for plan in plans}
    per_track = defaultdict(int)
    for course in courses:
        per_track[course.track] += 1
    candidates = [c for c in courses if c.page.pk not in taken and c.admits(cadre, year)]
    count = rng.choices(list(SELF_ENROLMENTS), weights=list(SELF_ENROLMENTS.values()))[0]
    # Weighted sampling without replacement (Efraimidis–Spirakis keys).
    keyed = sorted(
        candidates,
        key=lambda c: rng.random() ** (1 / _self_enrolment_weight(cadre, c, per_track)),
        reverse=True,
    )
    for course in keyed[:count]:
        enrolled_at = _at(rng, now - timedelta(days=rng.uniform(2, 365)))
        plans.append(_plan(rng, cadre, course, min(enrolled_at, now - timedelta(hours=2)), now))
    for plan in plans:
        plan.skill = skill
    return plans


def _answers(rng: random.Random, quiz: QuizInfo, knows: float) -> list[list[int]]:
    """Normalised answers: each question right with chance `knows`, else a wrong choice."""
    answers = []
    for kind, options, correct in quiz.questions:
        if rng.random() < knows:
            answers.append(list(correct))
            continue
        if kind == "multiple":
            chosen = set(correct)
            while chosen == set(correct) or not chosen:
                chosen ^= {rng.randrange(options)}
            answers.append(sorted(chosen))
        else:
            answers.append([rng.choice([i for i in range(options) if i not in correct])])
    return answers


@dataclass
class _Rows:
    """The rows of a batch of plans, linked by object so one bulk_create per model works."""

    enrollments: list = field(default_factory=list)
    progress: list = field(default_factory=list)
    attempts: list = field(default_factory=list)
    credits: list = field(default_factory=list)
    certificates: list = field(default_factory=list)
    hours_cache: dict = field(default_factory=dict)
    codes: set = field(default_factory=set)

    def hours(self, course: CourseInfo, quiz_passed: bool) -> Decimal:
        key = (course.page.pk, quiz_passed)
        if key not in self.hours_cache:
            self.hours_cache[key] = online_hours_for(course.page, quiz_passed=quiz_passed)
        return self.hours_cache[key]

    def new_code(self) -> str:
        code = Certificate.new_code()
        while code in self.codes:
            code = Certificate.new_code()
        self.codes.add(code)
        return code

    def take_quiz(self, rng, enrollment, lesson, quiz, skill, times, *, stop_before_pass):
        """Attempts until a pass (or the limit); returns True when the quiz was passed."""
        for number in range(1, quiz.max_attempts + 1):
            answers = _answers(rng, quiz, min(1.0, skill + 0.15 * (number - 1)))
            result = grade(quiz.value, answers)
            if result.passed and stop_before_pass:
                return False
            self.attempts.append(
                QuizAttempt(
                    enrollment=enrollment,
                    lesson_id=lesson.id,
                    quiz_id=quiz.id,
                    number=number,
                    answers=answers,
                    score=result.score,
                    passed=result.passed,
                    submitted_at=next(times),
                )
            )
            if result.passed:
                return True
        return False

    def add(self, plan: Plan, rng: random.Random) -> None:
        course = plan.course
        enrollment = Enrollment(
            cadre=plan.cadre,
            course_id=course.page.pk,
            origin=plan.origin,
            required=plan.required,
            due_date=plan.due_date,
            enrolled_at=plan.enrolled_at,
        )
        # Which lessons the cadre touches, in course order: (lesson, try to complete it).
        steps = []
        required_left = plan.required_done
        for lesson in course.lessons:
            if not plan.completed and lesson.required and required_left == 0:
                if plan.open_next:
                    steps.append((lesson, False))
                break
            if lesson.required:
                steps.append((lesson, True))
                required_left -= 1
            elif rng.random() < 0.5:
                steps.append((lesson, rng.random() < 0.7))
        # Two moments per step (opened, completed) between enrolment and the plan's end;
        # quiz attempts fall between them.
        points = sorted(
            plan.enrolled_at + (plan.end - plan.enrolled_at) * rng.random()
            for _ in range(2 * len(steps))
        )
        completed_at = None
        last_event = None
        passed_before = []  # submission times of passed attempts
        stuck = False
        for index, (lesson, complete) in enumerate(steps):
            opened, done = points[2 * index], points[2 * index + 1]
            progress = LessonProgress(enrollment=enrollment, lesson_id=lesson.id, opened_at=opened)
            self.progress.append(progress)
            enrollment.last_lesson_id, last_event = lesson.id, opened
            slots = max(1, sum(q.max_attempts for q in lesson.quizzes))
            gap = (done - opened) / (slots + 1)
            times = iter(opened + gap * (i + 1) for i in range(slots))
            all_passed = True
            for quiz in lesson.quizzes:
                passed = self.take_quiz(
                    rng, enrollment, lesson, quiz, plan.skill, times, stop_before_pass=not complete
                )
                if passed:
                    passed_before.append(self.attempts[-1].submitted_at)
                all_passed = all_passed and passed
            if complete and all_passed:
                progress.completed_at = last_event = done
                if lesson.required:
                    completed_at = done
            elif complete and lesson.required:
                stuck = True  # every allowed attempt failed: the course cannot be completed
                break

        enrollment.last_activity_at = last_event
        if plan.completed and not stuck:
            enrollment.status = EnrollmentStatus.COMPLETED
            enrollment.completed_at = completed_at
            quiz_passed = any(t <= completed_at for t in passed_before)
            hours = self.hours(course, quiz_passed)
            earned_on = timezone.localdate(completed_at)
            self.credits.append(
                CreditRecord(
                    cadre=plan.cadre,
                    course_id=course.page.pk,
                    title=course.page.title,
                    hours=hours,
                    earned_on=earned_on,
                    source=CreditSource.ONLINE,
                    status=CreditStatus.APPROVED,
                )
            )
            self.certificates.append(
                Certificate(
                    enrollment=enrollment,
                    code=self.new_code(),
                    holder_name=plan.cadre.name,
                    course_title=course.page.title,
                    hours=hours,
                    issued_on=earned_on,
                )
            )
        elif plan.withdrawn:
            enrollment.status = EnrollmentStatus.WITHDRAWN
            after = last_event or plan.enrolled_at
            enrollment.withdrawn_at = after + (plan.end - after) * rng.random()
        self.enrollments.append(enrollment)

    def save(self) -> LearningSummary:
        batch = 2000
        # Enrollments first: bulk_create sets their keys, which the other rows then take.
        Enrollment.objects.bulk_create(self.enrollments, batch_size=batch)
        LessonProgress.objects.bulk_create(self.progress, batch_size=batch)
        QuizAttempt.objects.bulk_create(self.attempts, batch_size=batch)
        CreditRecord.objects.bulk_create(self.credits, batch_size=batch)
        Certificate.objects.bulk_create(self.certificates, batch_size=batch)
        return LearningSummary(
            enrollments=len(self.enrollments),
            completed=sum(1 for e in self.enrollments if e.status == EnrollmentStatus.COMPLETED),
            lesson_progress=len(self.progress),
            quiz_attempts=len(self.attempts),
            credit_records=len(self.credits),
            certificates=len(self.certificates),
        )


def demo_account_plans(cadre: CadreProfile, courses: list[CourseInfo], now: datetime):
    """The demo cadre's own story: an overdue required course, one in progress, one done."""
    by_slug = {course.page.slug: course for course in courses}
    today = timezone.localdate(now)
    wanted = [
        (
            "work-stress-resilience",
            {
                "enrolled_at": now - timedelta(days=75),
                "end": now - timedelta(days=30),
                "completed": False,
                "required_done": 1,
                "origin": EnrollmentOrigin.CAMPAIGN,
                "required": True,
                "due_date": today - timedelta(days=14),
            },
        ),
        (
            "dual-pressure-and-self-care",
            {
                "enrolled_at": now - timedelta(days=12),
                "end": now - timedelta(days=2),
                "completed": False,
                "required_done": 1,
                "open_next": True,
            },
        ),
        (
            "mental-health-first-lesson",
            {
                "enrolled_at": now - timedelta(days=60),
                "end": now - timedelta(days=52),
                "completed": True,
                # Sure to pass by the second attempt, so the story always ends in a certificate.
                "skill": 0.9,
            },
        ),
    ]
    enrolled = set(Enrollment.objects.filter(cadre=cadre).values_list("course_id", flat=True))
    plans = []
    for slug, fields in wanted:
        course = by_slug.get(slug)
        if course is not None and course.page.pk not in enrolled:
            plans.append(Plan(cadre=cadre, course=course, **fields))
    return plans


@transaction.atomic
def seed_learning(now: datetime | None = None) -> LearningSummary:
    """Give population cadres without enrollments, and the demo account, a year of history."""
    now = now or timezone.now()
    courses = load_courses()
    if not courses:
        return LearningSummary()
    cadres = (
        CadreProfile.objects.filter(employee_id__regex=POPULATION_ID, enrollments__isnull=True)
        .select_related("department", "rank")
        .order_by("employee_id")
    )
    # Certificate codes are unique: draw new ones away from those already issued.
    rows = _Rows(codes=set(Certificate.objects.values_list("code", flat=True)))
    for cadre in cadres:
        rng = random.Random(f"{SEED}:{cadre.employee_id}:rows")  # noqa: S311
        for plan in plan_cadre(cadre, courses, now):
            rows.add(plan, rng)
    demo = CadreProfile.objects.filter(employee_id=DEMO_ACCOUNT_ID).first()
    if demo is not None:
        rng = random.Random(f"{SEED}:{DEMO_ACCOUNT_ID}")  # noqa: S311
        for plan in demo_account_plans(demo, courses, now):
            rows.add(plan, rng)
    return rows.save()
