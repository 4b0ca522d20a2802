"""A demo audience and a running campaign for the department administrator's tour."""

from datetime import timedelta

from django.utils import timezone

from courses.models import CoursePage, CurriculumPage, Track
from lms.errors import EmptyAudience
from lms.models import Audience, Campaign
from lms.people.models import Department, Rank
from lms.targeting import campaigns

AUDIENCE = "东城区女性干部"
CAMPAIGN = "女性干部双重压力专题（必修）"


def seed_targeting(administrator) -> Campaign | None:
    """Idempotent: an existing demo campaign is left as it is."""
    district = Department.objects.get(code="district_a")
    audience, _ = Audience.objects.get_or_create(
        name=AUDIENCE,
        owner_department=district,
        defaults={"gender": "female", "created_by": administrator},
    )
    Audience.objects.get_or_create(
        name="东城区乡科级及以上领导干部",
        owner_department=district,
        defaults={
            "min_rank": Rank.objects.get(code="township_deputy"),
            "ladder": "leadership",
            "created_by": administrator,
        },
    )
    if Campaign.objects.filter(name=CAMPAIGN).exists():
        return None
    track = CurriculumPage.objects.filter(track=Track.WOMEN_DUAL_PRESSURE).first()
    if track is None:
        return None
    courses = list(CoursePage.objects.child_of(track).live().order_by("path")[:2])
    campaign = Campaign.objects.create(
        name=CAMPAIGN,
        description="东城区女性干部必修，帮助平衡工作与家庭的双重压力。",
        audience=audience,
        owner_department=district,
        due_date=timezone.localdate() + timedelta(days=45),
        created_by=administrator,
    )
    campaign.courses.set(courses)
    # Assigns once the seeding transaction commits (eagerly in the embedded default). With
    # a small population (seed_demo --cadres 50) nobody may match: the draft stays a draft.
    try:
        return campaigns.launch(campaign)
    except EmptyAudience:
        return campaign
