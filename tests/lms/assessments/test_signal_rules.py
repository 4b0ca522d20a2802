"""The signal → course rules are reviewed data: shipped sound, edited in the admin by
those allowed to, refused with every problem named in Chinese, kept as revisions."""

import copy
import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from courses.models import CourseRole, Track
from lms.assessments.signal_rules import DEFAULT_SIGNAL_RULES, validate_signal_rules
from lms.models import AssessmentSignal, ProfileRules
from lms.people.models import SignalKind

pytestmark = pytest.mark.django_db


def known():
    keys = set(AssessmentSignal.objects.values_list("key", flat=True))
    clinical = list(
        AssessmentSignal.objects.filter(kind=SignalKind.SCL90_FACTOR).values_list("name", flat=True)
    )
    return keys, clinical


def test_the_shipped_rules_are_sound_and_cover_every_signal():
    keys, clinical = known()
    assert validate_signal_rules(DEFAULT_SIGNAL_RULES, keys, clinical) == []
    assert set(DEFAULT_SIGNAL_RULES) == keys
    for rule in DEFAULT_SIGNAL_RULES.values():
        assert CourseRole.LEADERSHIP not in rule["roles"]  # never lifted by a profile
        assert not any(name in rule["phrase"] for name in clinical)


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda r: r.update({"worry": r["anxiety"]}), "未知关注点“worry”"),
        (lambda r: r["anxiety"]["roles"].update({"coaching": 1.0}), "未知的课程类型“coaching”"),
        (lambda r: r["anxiety"]["tracks"].update({"sports": 1.0}), "未知的专题“sports”"),
        (lambda r: r["anxiety"]["roles"].update({"self_help": 1.5}), "须大于 0 且不超过 1"),
        (lambda r: r["anxiety"]["tracks"].update({"stress_resilience": 0}), "须大于 0 且不超过 1"),
        (lambda r: r["anxiety"].update({"rationale": "  "}), "须填写依据说明"),
        (lambda r: r["anxiety"].update({"phrase": ""}), "须填写给干部看的提示语"),
        (lambda r: r["anxiety"].update({"phrase": "您的焦虑因子偏高"}), "不得使用临床名称“焦虑”"),
    ],
)
def test_a_bad_rule_is_refused_with_a_chinese_message(change, message):
    rules = ProfileRules.current()
    rules.signal_rules = copy.deepcopy(DEFAULT_SIGNAL_RULES)
    change(rules.signal_rules)

    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        rules.full_clean()

    assert any(message in problem for problem in refused.value.message_dict["signal_rules"])


def test_the_rules_are_edited_in_the_admin_and_each_save_is_a_revision(client, django_user_model):
    ProfileRules.install_defaults()
    rules = ProfileRules.objects.get()
    admin = django_user_model.objects.create_superuser("chief", password="pw-chief-123")
    client.force_login(admin)
    url = f"/admin/snippets/lms/profilerules/edit/{rules.pk}/"
    assert client.get(url).status_code == 200

    bad = copy.deepcopy(DEFAULT_SIGNAL_RULES)
    bad["anxiety"]["roles"]["self_help"] = 2
    form = {
        "name": rules.name,
        "thresholds": json.dumps(rules.thresholds),
        "signal_rules": json.dumps(bad, ensure_ascii=False),
    }
    refused = client.post(url, form, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert refused.status_code == 200
    assert "须大于 0 且不超过 1" in refused.content.decode()
    rules.refresh_from_db()
    assert rules.signal_rules["anxiety"]["roles"]["self_help"] == 1.0  # nothing lost

    good = copy.deepcopy(DEFAULT_SIGNAL_RULES)
    good["anxiety"]["roles"]["self_help"] = 0.9
    saved = client.post(url, {**form, "signal_rules": json.dumps(good, ensure_ascii=False)})
    assert saved.status_code == 302
    rules.refresh_from_db()
    assert rules.signal_rules["anxiety"]["roles"]["self_help"] == 0.9
    assert rules.revisions.count() == 1


def test_a_course_without_a_role_is_ranked_as_psycho_education_and_listed(curriculum):
    from courses.checks import check_course_roles
    from search.documents import build_documents
    from tests.factories import make_course

    course = make_course(curriculum, title="未分类的课程")
    [document] = [d for d in build_documents() if d["id"] == course.pk]
    assert document["role"] == CourseRole.PSYCHO_EDUCATION
    [warning] = check_course_roles(databases=["default"])
    assert warning.id == "courses.W001" and "未分类的课程" in warning.msg

    course.role = CourseRole.SELF_HELP
    course.save_revision().publish()
    assert check_course_roles(databases=["default"]) == []


def test_tracks_named_by_the_rules_exist():
    for rule in DEFAULT_SIGNAL_RULES.values():
        assert set(rule["tracks"]) <= set(Track.values)
