from django.core.management.base import BaseCommand, CommandError

from search.backends import InvalidSearchBackendError, backend_settings
from search.sync import rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the course search backends from the published pages. Elasticsearch fills a "
        "new index and swaps the alias, so search keeps answering meanwhile."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--backend",
            metavar="ALIAS",
            help="only this alias of LMS_SEARCH_BACKENDS (default: every backend)",
        )

    def handle(self, *args, backend=None, **options):
        if backend is not None and backend not in backend_settings():
            raise CommandError(f"LMS_SEARCH_BACKENDS has no backend called {backend!r}.")
        try:
            report = rebuild([backend] if backend else None)
        except InvalidSearchBackendError as exc:
            raise CommandError(str(exc)) from exc
        documents = report["documents"]
        self.stdout.write(
            f"Built {documents['count']} course documents in {documents['seconds']:.2f} s."
        )
        failed = []
        for alias, stats in report["backends"].items():
            if "error" in stats:
                failed.append(alias)
                self.stderr.write(f"{alias} ({stats['backend']}): failed: {stats['error']}")
                continue
            line = f"{alias} ({stats['backend']}): {stats['indexed']} courses indexed"
            if stats.get("index"):
                line += f" into {stats['index']}"
            if stats.get("replaced"):
                line += f", replaced {', '.join(stats['replaced'])}"
            self.stdout.write(self.style.SUCCESS(f"{line} in {stats['seconds']:.2f} s."))
        if failed:
            raise CommandError(f"Could not rebuild: {', '.join(failed)}.")
