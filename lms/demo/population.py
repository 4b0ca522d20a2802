"""Demo organisation and cadre population.

Distributions (documented here because analytics are checked against them):
- post categories: 综合管理类 70 %, 行政执法类 18 %, 专业技术类 10 %, 其他 2 %;
- ranks: a pyramid per ladder (most cadres at 科员/主任科员 level, about one in
  eight at county level or above), a third of comprehensive-management cadres
  holding leadership posts;
- women: about a third of grade holders, fewer among leadership posts;
- ages 25–60, older with seniority.
A fixed random seed makes the population the same on every machine.
"""

import random
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from lms.people.models import CadreProfile, Department, Gender, PostCategory, Rank

DEPARTMENTS = {
    ("s_city", "S市"): {
        ("city_party_office", "市委办公室"): {},
        ("city_gov_office", "市政府办公室"): {},
        ("organisation_dept", "市委组织部"): {},
        ("publicity_dept", "市委宣传部"): {},
        ("discipline_commission", "市纪委监委"): {},
        ("party_school", "市委党校"): {},
        ("development_reform", "市发展和改革委员会"): {},
        ("education_bureau", "市教育局"): {},
        ("public_security", "市公安局"): {
            ("ps_traffic", "交通警察支队"): {},
            ("ps_criminal", "刑事侦查支队"): {},
        },
        ("finance_bureau", "市财政局"): {},
        ("hr_social_security", "市人力资源和社会保障局"): {},
        ("natural_resources", "市自然资源和规划局"): {},
        ("ecology_environment", "市生态环境局"): {},
        ("housing_construction", "市住房和城乡建设局"): {},
        ("transport_bureau", "市交通运输局"): {},
        ("health_commission", "市卫生健康委员会"): {},
        ("emergency_management", "市应急管理局"): {},
        ("market_regulation", "市市场监督管理局"): {},
        ("letters_visits", "市信访局"): {},
        ("district_a", "东城区"): {
            ("district_a_party_office", "东城区委办公室"): {},
            ("district_a_gov_office", "东城区政府办公室"): {},
            ("district_a_street_1", "东湖街道办事处"): {},
            ("district_a_street_2", "文昌街道办事处"): {},
        },
        ("district_b", "西城区"): {
            ("district_b_party_office", "西城区委办公室"): {},
            ("district_b_gov_office", "西城区政府办公室"): {},
            ("district_b_street_1", "西苑街道办事处"): {},
        },
        ("county_c", "南山县"): {
            ("county_c_party_office", "南山县委办公室"): {},
            ("county_c_gov_office", "南山县政府办公室"): {},
            ("county_c_town_1", "青石镇人民政府"): {},
            ("county_c_town_2", "云溪乡人民政府"): {},
        },
    }
}

POST_CATEGORY_WEIGHTS = {
    "comprehensive": 70,
    "law_enforcement": 18,
    "professional": 10,
    "other": 2,
}

# Relative weights within each post category.
RANK_WEIGHTS = {
    "comprehensive": {
        "bureau_chief": 0.4,
        "bureau_deputy": 1.2,
        "county_chief": 3,
        "county_deputy": 6,
        "township_chief": 10,
        "township_deputy": 12,
        "inspector_1": 0.2,
        "inspector_2": 0.5,
        "researcher_1": 1,
        "researcher_2": 1.5,
        "researcher_3": 2,
        "researcher_4": 3,
        "principal_clerk_1": 6,
        "principal_clerk_2": 8,
        "principal_clerk_3": 9,
        "principal_clerk_4": 10,
        "clerk_1": 20,
        "clerk_2": 5,
    },
    "professional": {
        "county_deputy": 1,
        "township_chief": 2,
        "director_2": 0.5,
        "senior_supervisor_1": 1,
        "senior_supervisor_2": 2,
        "senior_supervisor_3": 3,
        "senior_supervisor_4": 5,
        "supervisor_1": 8,
        "supervisor_2": 12,
        "supervisor_3": 14,
        "supervisor_4": 15,
        "technician": 20,
    },
    "law_enforcement": {
        "county_deputy": 1,
        "township_chief": 3,
        "township_deputy": 4,
        "superintendent": 0.5,
        "senior_officer_1": 1,
        "senior_officer_2": 2,
        "senior_officer_3": 3,
        "senior_officer_4": 5,
        "officer_1": 8,
        "officer_2": 12,
        "officer_3": 14,
        "officer_4": 15,
        "enforcement_1": 22,
        "enforcement_2": 9,
    },
    "other": {
        "principal_clerk_2": 10,
        "principal_clerk_4": 10,
        "clerk_1": 20,
        "clerk_2": 10,
    },
}

TITLES = {
    "bureau_chief": "局长",
    "bureau_deputy": "副局长",
    "county_chief": "处长",
    "county_deputy": "副处长",
    "township_chief": "科长",
    "township_deputy": "副科长",
}

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501
GIVEN_FEMALE = "秀英华慧丽敏静娟艳芳燕玲婷雪梅琳晶颖洁欣怡悦然佳琪蕾倩"
GIVEN_MALE = "伟强军磊洋勇杰涛明超刚平辉鹏华飞斌宇浩凯峰健波志建国东"


def seed_departments() -> dict[str, Department]:
    """Create the demo department tree (by code); returns all departments by code."""

    def add(parent, tree):
        for (code, name), children in tree.items():
            node = Department.objects.filter(code=code).first()
            if node is None:
                node = (
                    Department.add_root(code=code, name=name)
                    if parent is None
                    else parent.add_child(code=code, name=name)
                )
            # Re-read the parent so treebeard sees its updated child count.
            add(node, children)
            if parent is not None:
                parent.refresh_from_db()

    add(None, DEPARTMENTS)
    return {d.code: d for d in Department.objects.all()}


def _weighted(rng: random.Random, weights: dict[str, float]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _age_band(ordinal: int) -> tuple[int, int, int]:
    """(low, high, mode) of age for a rank ordinal: seniority comes with years."""
    if ordinal >= 140:
        return 45, 60, 53
    if ordinal >= 130:
        return 38, 60, 48
    if ordinal >= 120:
        return 32, 58, 43
    if ordinal >= 110:
        return 28, 55, 36
    return 25, 45, 29


def generate_population(count: int, *, seed: int = 2026, year: int | None = None) -> list[dict]:
    """Describe `count` cadres as plain dicts: deterministic for a given seed."""
    rng = random.Random(seed)
    year = year or date.today().year
    ranks = {rank.code: rank for rank in Rank.objects.all()}
    leaf_departments = [
        d for d in Department.objects.filter(code__in=_all_codes(DEPARTMENTS)) if d.is_leaf()
    ]
    people = []
    for number in range(1, count + 1):
        category = _weighted(rng, POST_CATEGORY_WEIGHTS)
        rank = ranks[_weighted(rng, RANK_WEIGHTS[category])]
        female_share = 0.22 if rank.ladder == "leadership" else 0.36
        gender = Gender.FEMALE if rng.random() < female_share else Gender.MALE
        low, high, mode = _age_band(rank.ordinal)
        age = round(rng.triangular(low, high, mode))
        given = GIVEN_FEMALE if gender == Gender.FEMALE else GIVEN_MALE
        name = rng.choice(SURNAMES) + "".join(rng.choice(given) for _ in range(rng.choice((1, 2))))
        people.append(
            {
                "employee_id": f"S{number:06d}",
                "name": name,
                "gender": gender,
                "birth_year": year - age,
                "department": rng.choice(leaf_departments),
                "rank": rank,
                "post_category_code": category,
                "post_title": TITLES.get(rank.code, rank.name),
                "in_post_since": date(year, 1, 1) - timedelta(days=rng.randint(30, 8 * 365)),
            }
        )
    return people


def _all_codes(tree) -> list[str]:
    codes = []
    for (code, _name), children in tree.items():
        codes.append(code)
        codes.extend(_all_codes(children))
    return codes


@transaction.atomic
def seed_population(count: int, password: str) -> int:
    """Create `count` demo cadres with user accounts; returns how many were new."""
    seed_departments()
    categories = {c.code: c for c in PostCategory.objects.all()}
    people = generate_population(count)
    existing = set(
        CadreProfile.objects.filter(employee_id__in=[p["employee_id"] for p in people]).values_list(
            "employee_id", flat=True
        )
    )
    new_people = [p for p in people if p["employee_id"] not in existing]
    if not new_people:
        return 0
    User = get_user_model()
    # One hash for everyone: hashing 2,000 passwords separately would take minutes.
    password_hash = make_password(password)
    usernames = [p["employee_id"].lower() for p in new_people]
    User.objects.bulk_create(
        [
            User(username=username, first_name=p["name"], password=password_hash)
            for username, p in zip(usernames, new_people, strict=True)
        ],
        ignore_conflicts=True,
    )
    users = User.objects.in_bulk(usernames, field_name="username")
    CadreProfile.objects.bulk_create(
        [
            CadreProfile(
                user=users[username],
                employee_id=p["employee_id"],
                name=p["name"],
                gender=p["gender"],
                birth_year=p["birth_year"],
                department=p["department"],
                rank=p["rank"],
                post_category=categories[p["post_category_code"]],
                post_title=p["post_title"],
                in_post_since=p["in_post_since"],
            )
            for username, p in zip(usernames, new_people, strict=True)
        ]
    )
    return len(new_people)
