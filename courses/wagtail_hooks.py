from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Instructor


class InstructorViewSet(SnippetViewSet):
    model = Instructor
    icon = "user"
    menu_label = _("Instructors")
    menu_order = 200
    add_to_admin_menu = True
    list_display = ["name", "title"]
    search_fields = ["name"]


register_snippet(InstructorViewSet)
