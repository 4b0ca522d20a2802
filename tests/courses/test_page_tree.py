from django.db import models
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from courses.models import CatalogueHomePage, CoursePage, CurriculumPage, LessonPage


class PageTreeRulesTests(WagtailPageTestCase):
    def test_catalogue_home_holds_only_curricula(self):
        self.assertAllowedSubpageTypes(CatalogueHomePage, {CurriculumPage})
        self.assertAllowedParentPageTypes(CatalogueHomePage, {Page})

    def test_curriculum_lives_under_home_and_holds_courses(self):
        self.assertAllowedParentPageTypes(CurriculumPage, {CatalogueHomePage})
        self.assertAllowedSubpageTypes(CurriculumPage, {CoursePage})

    def test_course_lives_under_curriculum_and_holds_lessons(self):
        self.assertAllowedParentPageTypes(CoursePage, {CurriculumPage})
        self.assertAllowedSubpageTypes(CoursePage, {LessonPage})

    def test_lesson_is_a_leaf_under_a_course(self):
        self.assertAllowedParentPageTypes(LessonPage, {CoursePage})
        self.assertAllowedSubpageTypes(LessonPage, set())

    def test_wrong_parents_are_refused(self):
        self.assertCanNotCreateAt(CatalogueHomePage, CoursePage)
        self.assertCanNotCreateAt(CatalogueHomePage, LessonPage)
        self.assertCanNotCreateAt(CurriculumPage, LessonPage)
        self.assertCanNotCreateAt(LessonPage, CoursePage)

    def test_only_one_catalogue_home(self):
        root = Page.get_first_root_node()
        self.assertFalse(CatalogueHomePage.can_create_at(root))


def test_beneath_finds_exactly_the_descendants_of_a_page(curriculum):
    """The index-served path range (courses/tree.py) of each of two neighbouring courses:
    their lessons, not the course itself, not its neighbour's, not the curriculum above."""
    from django.db.models import F, OuterRef, Subquery, Value

    from courses.tree import Beneath
    from tests.factories import make_course, make_lesson

    first, second = make_course(curriculum), make_course(curriculum)
    lessons = {first.pk: {make_lesson(first).pk for _ in range(3)}}
    lessons[second.pk] = {make_lesson(second).pk}
    for course in (first, second):
        found = Page.objects.filter(Beneath(F("path"), Value(course.path)))
        assert set(found.values_list("pk", flat=True)) == lessons[course.pk]
    assert set(
        Page.objects.filter(Beneath(F("path"), Value(curriculum.path))).values_list("pk", flat=True)
    ) == {first.pk, second.pk, *lessons[first.pk], *lessons[second.pk]}

    # Correlated, as the learning progress counts use it.
    counts = CoursePage.objects.annotate(
        lessons=Subquery(
            Page.objects.filter(Beneath(F("path"), OuterRef("path")))
            .order_by()
            .values("depth")
            .annotate(n=models.Count("pk"))
            .values("n")[:1]
        )
    )
    assert dict(counts.values_list("pk", "lessons")) == {first.pk: 3, second.pk: 1}
