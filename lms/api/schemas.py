"""Request and response shapes of the API (what the OpenAPI document promises)."""

from datetime import date, datetime
from typing import Annotated

from django.core.exceptions import ObjectDoesNotExist
from ninja import Field, Schema
from pydantic import StrictInt, WithJsonSchema

from courses.models import DeliveryMode, Track
from lms.models.learning import CreditSource, CreditStatus, EnrollmentOrigin, EnrollmentStatus

# Page ids are 32-bit on PostgreSQL; larger numbers would be a database error, not a 404.
MAX_ID = 2_147_483_647
# No control characters: PostgreSQL refuses NUL in text, and nothing legitimate needs them.
PRINTABLE = r"^[^\x00-\x1f\x7f]*$"
SLUG = r"^[-\w]+$"


def listed(choices) -> WithJsonSchema:
    """Document a text parameter's values as an enum while the operation checks them itself.

    Search refuses other values with its own 400 `invalid_filter` (search/forms.py), which
    validating the type here would turn into `invalid_request`.
    """
    return WithJsonSchema({"type": "string", "enum": list(choices.values)})


class CourseFilters(Schema):
    track: Track | None = Field(None, description="A curriculum track key.")
    tag: str | None = Field(None, max_length=100, pattern=SLUG, description="A tag slug.")
    mode: DeliveryMode | None = Field(None, description="Delivery mode.")
    page: int = Field(1, ge=1, le=10_000)
    page_size: int = Field(20, ge=1, le=100)


class TagOut(Schema):
    slug: str
    name: str


class CourseRef(Schema):
    id: int
    title: str
    url: str | None

    @staticmethod
    def resolve_url(obj, context):
        return obj.get_url(context["request"])


class CourseOut(CourseRef):
    slug: str
    summary: str
    track: Track | None = Field(None, description="The track of the course's curriculum.")
    curriculum: str | None = Field(None, description="The curriculum's title.")
    credit_hours: float
    delivery_mode: DeliveryMode
    estimated_minutes: int
    tags: list[TagOut]

    @staticmethod
    def resolve_track(obj):
        curriculum = getattr(obj, "curriculum", None)
        return curriculum.track if curriculum else None

    @staticmethod
    def resolve_curriculum(obj):
        curriculum = getattr(obj, "curriculum", None)
        return curriculum.title if curriculum else None

    @staticmethod
    def resolve_tags(obj):
        return list(obj.tags.all())


class CourseListOut(Schema):
    count: int = Field(description="Courses matching the filters, on all pages.")
    page: int
    page_size: int
    items: list[CourseOut]


class LessonOut(Schema):
    id: int
    title: str
    minutes: int
    required: bool

    @staticmethod
    def resolve_minutes(obj):
        return obj.estimated_minutes


class SessionOut(Schema):
    id: int
    starts_at: datetime
    ends_at: datetime
    place: str
    capacity: int
    note: str


class CourseDetailOut(CourseOut):
    lessons: list[LessonOut]
    sessions: list[SessionOut] = Field(description="Offline sessions that have not ended.")

    @staticmethod
    def resolve_lessons(obj):
        return obj.lesson_list

    @staticmethod
    def resolve_sessions(obj):
        return obj.upcoming_sessions


class EnrollmentOut(Schema):
    course: CourseRef
    status: EnrollmentStatus
    origin: EnrollmentOrigin
    required: bool
    due_date: date | None
    overdue: bool
    percent: int = Field(ge=0, le=100, description="Required lessons completed, in percent.")
    enrolled_at: datetime
    completed_at: datetime | None
    last_lesson_id: int | None
    certificate_code: str | None

    @staticmethod
    def resolve_overdue(obj):
        return obj.is_overdue

    @staticmethod
    def resolve_percent(obj):
        return obj.percent_complete

    @staticmethod
    def resolve_certificate_code(obj):
        try:
            return obj.certificate.code
        except ObjectDoesNotExist:
            return None


class ProgressIn(Schema):
    position: str | None = Field(
        None,
        max_length=100,
        pattern=PRINTABLE,
        description="Where the cadre is in the lesson (an anchor or a video time).",
    )
    completed: bool = Field(False, description="Mark the lesson complete.")


class ProgressOut(Schema):
    lesson_id: int
    position: str
    opened_at: datetime
    completed_at: datetime | None
    enrollment: EnrollmentOut


class AttemptIn(Schema):
    answers: list[Annotated[list[StrictInt], Field(max_length=20)]] = Field(
        max_length=200,
        description="One list of chosen option indexes (from 0) per question, in order.",
    )


class QuestionResultOut(Schema):
    number: int
    correct: bool
    explanation: str | None = Field(
        description="Shown once the quiz is passed or no attempts are left; otherwise null."
    )


class AttemptOut(Schema):
    quiz_id: str
    attempt: int
    score: int = Field(ge=0, le=100)
    passed: bool
    attempts_left: int
    results: list[QuestionResultOut]


class TargetOut(Schema):
    name: str
    annual_hours: float
    online_hours: float


class CreditRecordOut(Schema):
    id: int
    title: str
    hours: float
    earned_on: date
    source: CreditSource
    status: CreditStatus
    course_id: int | None


class CreditsOut(Schema):
    year: int
    total: float = Field(description="Approved hours earned in the year.")
    online: float = Field(description="Of which from online courses.")
    pending: float = Field(description="Declared hours awaiting approval.")
    target: TargetOut | None
    percent_of_target: int
    remaining: float
    records: list[CreditRecordOut]


class CertificateOut(Schema):
    code: str
    holder: str = Field(description="The holder's name with the middle hidden.")
    course_title: str
    hours: float
    issued_on: date
    valid: bool

    @staticmethod
    def resolve_holder(obj):
        return obj.masked_holder

    @staticmethod
    def resolve_valid(obj):
        return True


# Search and recommendations ---------------------------------------------------------------


class SearchParams(Schema):
    q: str = Field(
        "",
        description=(
            "Words to find; Chinese is matched inside longer words, traditional characters "
            "and full-width letters as their usual forms. Any characters; cut to the first "
            "100 (after trimming), as the search page does, never refused for its length."
        ),
    )
    track: Annotated[str, listed(Track)] | None = Field(
        None, description="A track key. Others are 400 `invalid_filter`."
    )
    mode: Annotated[str, listed(DeliveryMode)] | None = Field(
        None, description="A delivery mode. Others are 400 `invalid_filter`."
    )
    tag: str | None = Field(None, max_length=100, pattern=SLUG, description="A tag slug.")
    page: int = Field(1, ge=1, le=1000)
    page_size: int = Field(10, ge=1, le=50)


class HighlightOut(Schema):
    title: str | None = Field(None, description="HTML: the text escaped, matches in <em>.")
    summary: str | None = Field(None, description="HTML: the text escaped, matches in <em>.")


class SearchHitOut(Schema):
    id: int
    title: str
    summary: str
    url: str | None
    track: Track | None = Field(
        description="The track of the course's curriculum; null while that is unpublished."
    )
    track_title: str = Field(description="The curriculum's title.")
    delivery_mode: DeliveryMode
    credit_hours: float
    highlight: HighlightOut = Field(description="Empty without search words.")


class TrackFacetOut(Schema):
    key: Track
    label: str
    count: int = Field(ge=0)


class ModeFacetOut(Schema):
    key: DeliveryMode
    label: str
    count: int = Field(ge=0)


class SearchFacetsOut(Schema):
    track: list[TrackFacetOut] = Field(description="Matches per track, before the track filter.")
    delivery_mode: list[ModeFacetOut] = Field(
        description="Matches per delivery mode, before the mode filter."
    )


class SearchOut(Schema):
    q: str = Field(description="The search words as searched (trimmed, at most 100 characters).")
    total: int = Field(ge=0, description="Courses matching the words and filters, on all pages.")
    related: list[str] = Field(
        description=(
            "Words also searched for because they say what the query's words say otherwise "
            "(synonyms and everyday expressions: 睡不好 → 睡眠, 失眠); empty when none did."
        )
    )
    page: int
    page_size: int
    facets: SearchFacetsOut
    hits: list[SearchHitOut]


class RecommendationOut(Schema):
    id: int
    title: str
    url: str | None
    track: Track | None = Field(description="Null while the course's curriculum is unpublished.")
    track_title: str = Field(description="The track's name in the caller's language.")
    reason: str = Field(description="The main reason, one sentence in the caller's language.")
    reasons: list[str]

    @staticmethod
    def resolve_id(obj):
        return obj.course_id

    @staticmethod
    def resolve_url(obj):
        return obj.url or None

    @staticmethod
    def resolve_track(obj):
        return obj.track or None


class RecommendationsOut(Schema):
    items: list[RecommendationOut] = Field(
        description=(
            "For the caller: assigned courses, audience and, only while the caller consents, "
            "their self-assessment profile."
        )
    )
    non_personalised: list[RecommendationOut] = Field(
        description="The same for everyone: popular courses open to all cadres."
    )
