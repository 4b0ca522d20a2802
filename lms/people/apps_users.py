from wagtail.users.apps import WagtailUsersAppConfig


class UsersAppConfig(WagtailUsersAppConfig):
    """Wagtail's user admin (installed in its place), with forms that keep the counsellor
    role apart from administration (lms.people.separation)."""

    user_viewset = "lms.people.user_forms.UserViewSet"
