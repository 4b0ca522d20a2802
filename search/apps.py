from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    label = "course_search"
    verbose_name = _("Course search")

    def ready(self):
        from django.db.models.signals import post_delete, post_save
        from wagtail.models import PageViewRestriction
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from courses.models import CoursePage, LessonPage

        from . import sync

        # The receivers only enqueue tasks with course ids, after the commit.
        page_published.connect(sync.page_published, dispatch_uid="search.page_published")
        page_unpublished.connect(sync.page_unpublished, dispatch_uid="search.page_unpublished")
        post_page_move.connect(sync.page_moved, dispatch_uid="search.page_moved")
        post_delete.connect(
            sync.course_deleted, sender=CoursePage, dispatch_uid="search.course_deleted"
        )
        post_delete.connect(
            sync.lesson_deleted, sender=LessonPage, dispatch_uid="search.lesson_deleted"
        )
        for signal, name in ((post_save, "saved"), (post_delete, "deleted")):
            signal.connect(
                sync.restriction_changed,
                sender=PageViewRestriction,
                dispatch_uid=f"search.restriction_{name}",
            )
