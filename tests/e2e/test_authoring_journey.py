"""An instructor authors a course in Chromium, as at the party school: from the admin's
page explorer they add a 课程 to the curriculum they teach and save a draft, add a 课时
with a text block and a quiz (on a phone), and submit both to 教研审核; a reviewer of
教研室 approves them from the dashboard; a cadre then finds the course in the catalogue
and reads the lesson's quiz. Each admin screen on the way is checked for English, and
axe-core checks the published course and lesson pages."""

import json
import re

import pytest
from playwright.sync_api import expect

from courses.demo import CATALOGUE_FILE, seed_catalogue
from courses.models import CatalogueHomePage, CoursePage, CurriculumPage, LessonPage
from lms.people.accounts import assign_instructor, ensure_user, review_workflow, reviewers_group
from tests.factories import make_cadre

from .conftest import WIDTHS, log_in, serious

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
PASSWORD = "pw-e2e-author-1"
TRACK, OTHER_TRACK = "工作抗压训练与职业压力调适", "常识性心理科普"
COURSE, LESSON = "情绪急救：干部的自我觉察", "第一课：觉察情绪的信号"
QUESTION = "感到心跳加快、手心出汗时，第一步最好做什么？"
OPTIONS = ["停下来，觉察自己的情绪", "立刻回复所有消息", "忍住不去想它"]


@pytest.fixture
def school(transactional_db):
    """The demo catalogue's 工作抗压训练 with its courses, another curriculum (empty: it is
    there to be out of the instructor's reach), and the roles as seed_demo makes them:
    陈老师 teaches (周清和's snippet is theirs) and writes in 工作抗压训练 only; 李主任 of
    教研室 approves in 教研审核, the workflow of the whole catalogue."""
    data = json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))
    curricula = {c["title"]: c for c in data["curricula"]}
    data["curricula"] = [curricula[TRACK], {**curricula[OTHER_TRACK], "courses": []}]
    teachers = seed_catalogue(data)["instructors"]
    home = CatalogueHomePage.objects.get()
    instructor = ensure_user("instructor", PASSWORD, first_name="陈老师")
    snippet = teachers["zhou_qinghe"]
    snippet.user = instructor
    snippet.save(update_fields=["user"])
    assign_instructor(instructor, [CurriculumPage.objects.get(title=TRACK)])
    reviewer = ensure_user("reviewer", PASSWORD, first_name="李主任")
    reviewer.groups.add(reviewers_group(home))
    review_workflow(home)


def field(scope, role: str, label: str):
    """A form field by its label; a required field's label ends in *."""
    return scope.get_by_role(role, name=re.compile(rf"^{re.escape(label)}\*?$"))


LATIN = re.compile(r"[A-Za-z]{3,}")
ALLOWED_LATIN = {"Wagtail"}  # the product name in the admin's help link


def english_on(page) -> list[str]:
    """Words in Latin letters in the text the user sees on the page."""
    text = page.locator("body").inner_text()
    return sorted({word for word in LATIN.findall(text) if word not in ALLOWED_LATIN})


def status_of(page, title: str):
    """The status tag of a page's row in the explorer's listing."""
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=title, exact=True))
    return row.locator(".w-status")


def settled(page):
    """Wait for the page's short animations (a message sliding in, a menu fading in) to
    end, so that a screenshot shows what the user then sees; long or endless ones (the
    badge of 帮助 pings for 25 s) are left running."""
    page.wait_for_function(
        """() => document.getAnimations().every((a) =>
            a.playState !== "running" || a.effect.getComputedTiming().endTime > 2000)"""
    )


def log_out_of_admin(page, name: str):
    page.get_by_role("button", name=name).click()
    with page.expect_navigation():
        page.get_by_role("button", name="退出登录").click()


def test_an_instructor_authors_a_course_a_reviewer_approves_it_and_cadres_see_it(
    page, live_server, school, steps
):
    journey = steps(page, "authoring")

    def shot(name):
        settled(page)
        journey.shot(name)

    english = {}
    page.set_viewport_size(WIDTHS["desktop"])

    # 陈老师 goes from the dashboard through the page explorer to their curriculum.
    log_in(page, live_server.url, "instructor", PASSWORD)
    assert "/admin/" in page.url
    english["dashboard"] = english_on(page)
    page.get_by_role("button", name="页面", exact=True).click()
    explorer = page.get_by_role("dialog", name="页面管理")
    header = explorer.get_by_role("link", name=TRACK, exact=True)
    header.wait_for()
    assert explorer.get_by_text(OTHER_TRACK).count() == 0  # only the track they teach
    shot("instructor-explorer")
    header.click()
    page.wait_for_load_state()
    shot("curriculum-listing")
    english["curriculum listing"] = english_on(page)

    # A new course: 课程 is the only kind of page a curriculum takes, so the form opens.
    page.get_by_role("link", name="添加子页面").first.click()
    page.wait_for_load_state()
    expect(page.locator("header").first).to_contain_text("新建: 课程")
    page.get_by_placeholder("页面标题*").fill(COURSE)
    field(page, "textbox", "课程简介").fill(
        "学会在压力来临时识别情绪，并用三种方法让自己平静下来。"
    )
    field(page, "spinbutton", "学时").fill("1.5")
    field(page, "spinbutton", "预计用时（分钟）").fill("45")
    field(page, "combobox", "授课方式").select_option(label="线上")
    field(page, "listbox", "授课教师").select_option(label="周清和")
    english["course form"] = english_on(page)
    shot("course-form")
    page.get_by_role("tab", name="学习对象").click()  # left empty: for every cadre
    expect(field(page, "combobox", "性别")).to_be_visible()
    english["course audience tab"] = english_on(page)
    shot("course-audience")
    footer = page.get_by_role("navigation", name="动作（页脚）")
    footer.get_by_role("button", name="更多动作").click()
    assert footer.get_by_role("button", name=re.compile("发布")).count() == 0  # submit only
    footer.get_by_role("button", name="保存草稿").click()
    page.wait_for_load_state()
    expect(page.get_by_text(f"页面'{COURSE}'已创建")).to_be_visible()
    shot("course-draft-saved")
    course = CoursePage.objects.get(title=COURSE)
    assert not course.live and course.has_unpublished_changes

    # A lesson under it, written on a phone: a text block, then a quiz.
    page.set_viewport_size(WIDTHS["phone"])
    page.get_by_role("button", name="操作").click()
    page.get_by_role("link", name="添加子页面").click()
    page.wait_for_load_state()
    expect(page.locator("header").first).to_contain_text("新建: 课时")
    page.get_by_placeholder("页面标题*").fill(LESSON)
    page.get_by_role("button", name="插入块").first.click()
    page.get_by_role("option", name="正文").click()
    page.locator("[data-contentpath=body] [role=textbox][contenteditable=true]").first.click()
    page.keyboard.type("情绪是身体发出的信号。先觉察，再应对。")
    page.get_by_role("button", name="插入块").last.click()
    shot("phone-block-chooser")
    page.get_by_role("option", name="测验").click()
    quiz = page.locator("[data-streamfield-stream-container] > [data-streamfield-child]").last
    field(quiz, "textbox", "标题").fill("觉察小测验")
    assert field(quiz, "spinbutton", "及格线（%）").input_value() == "60"
    field(quiz, "combobox", "题型").select_option(label="单选题")
    field(quiz, "textbox", "题目").fill(QUESTION)
    choices = quiz.locator("[data-contentpath=choices]")
    for _ in OPTIONS[2:]:  # a new question comes with the two options it needs
        choices.get_by_role("button", name="新增").last.click()
    for box, text in zip(field(choices, "textbox", "选项").all(), OPTIONS, strict=True):
        box.fill(text)
    field(choices, "checkbox", "正确答案").first.check()
    english["lesson form"] = english_on(page)
    phone = WIDTHS["phone"]["width"]
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= phone, f"the lesson editor scrolls sideways ({wide}px)"
    for box in (field(quiz, "textbox", "题目"), field(choices, "textbox", "选项").last):
        box.scroll_into_view_if_needed()
        edge = box.bounding_box()
        # The field fits the phone's width (where it sits depends on the scroll position).
        assert 0 < edge["width"] <= phone, edge
    shot("phone-quiz")
    footer.get_by_role("button", name="更多动作").click()
    footer.get_by_role("button", name="提交给教研审核").click()
    page.wait_for_load_state()
    expect(page.get_by_text(f"页面 '{LESSON}' 已创建并提交审核。")).to_be_visible()
    page.set_viewport_size(WIDTHS["desktop"])
    expect(status_of(page, LESSON)).to_contain_text("审核中")
    shot("lesson-submitted")

    # And the course itself goes to review, from its editor.
    page.get_by_role("button", name="操作").click()
    page.get_by_role("navigation", name="操作").get_by_role("link", name="编辑").click()
    page.wait_for_load_state()
    footer.get_by_role("button", name="更多动作").click()
    footer.get_by_role("button", name="提交给教研审核").click()
    page.wait_for_load_state()
    expect(status_of(page, COURSE)).to_contain_text("审核中")
    shot("course-submitted")
    english["listing after submitting"] = english_on(page)
    assert not CoursePage.objects.get(pk=course.pk).live
    log_out_of_admin(page, "陈老师")

    # 李主任 of 教研室 approves both from the dashboard.
    log_in(page, live_server.url, "reviewer", PASSWORD)
    review = page.get_by_role("region", name="等待你的审查")
    for title in (COURSE, LESSON):
        expect(review.get_by_role("row", name=re.compile(title))).to_have_count(1)
    shot("reviewer-dashboard")
    english["reviewer dashboard"] = english_on(page)
    for title in (COURSE, LESSON):
        row = review.get_by_role("row", name=re.compile(title))
        row.get_by_role("button", name="操作").click()
        with page.expect_navigation():
            # Wagtail's own word: the project's 认定 (declared hours) carries a context.
            row.get_by_role("button", name="批准", exact=True).click()
    expect(review).to_have_count(0)  # nothing left to review
    page.get_by_role("button", name="页面", exact=True).click()
    page.get_by_role("dialog", name="页面管理").get_by_role("link", name=TRACK, exact=True).click()
    page.wait_for_load_state()
    expect(status_of(page, COURSE)).to_contain_text("在用")  # Wagtail's zh-hans for "live"
    shot("course-live")
    assert CoursePage.objects.get(pk=course.pk).live
    assert LessonPage.objects.child_of(course).live().get().title == LESSON
    log_out_of_admin(page, "李主任")

    # A cadre finds the course through its curriculum and reads the lesson and its quiz.
    cadre = make_cadre(name="张晓梅")
    problems = {}
    log_in(page, live_server.url, cadre.user.username, "pw-cadre-123")
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name=TRACK, exact=True).click()
    page.wait_for_load_state()
    page.get_by_role("link", name=COURSE).click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text(COURSE)
    facts = page.locator(".fact-list").inner_text()
    assert "1.5" in facts and "线上" in facts and "约 45 分钟" in facts
    expect(page.get_by_role("region", name="授课教师")).to_contain_text("周清和")
    shot("cadre-course")
    problems["course"] = serious(page)
    page.get_by_role("link", name=LESSON).first.click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text(LESSON)
    expect(page.get_by_text("情绪是身体发出的信号。")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("觉察小测验"))).to_be_visible()
    question = page.get_by_role("group", name=re.compile(re.escape(QUESTION)))
    assert [label.strip() for label in question.locator("label").all_inner_texts()] == OPTIONS
    shot("cadre-lesson")
    problems["lesson"] = serious(page)

    assert not any(problems.values()), problems
    assert not any(english.values()), english
