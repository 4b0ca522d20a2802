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
