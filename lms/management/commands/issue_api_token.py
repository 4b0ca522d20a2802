from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from lms.models.learning import ApiToken


class Command(BaseCommand):
    help = "Issue a bearer token for the JSON API on behalf of a user; the key is shown once."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="host platform", help="what the token is for")

    def handle(self, *args, username, name, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        _token, key = ApiToken.issue(user, name)
        self.stdout.write(key)
