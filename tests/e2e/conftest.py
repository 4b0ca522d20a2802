"""Browser journeys: pytest-playwright driving Debian's chromium package (never a
Playwright browser download) against pytest-django's live server.

Screenshots of every step are written to e2e-screenshots/ (README, "Tests"); CI keeps
that folder. Under CI=true a missing chromium is a failure; elsewhere these tests skip.
"""

import os
import re
import shutil
from pathlib import Path

import pytest

# Playwright's sync API keeps its event loop running in the test process's thread from
# the first browser test on, for the rest of the run; Django refuses synchronous database
# calls beside a running loop unless told otherwise. Set for the whole test process (a
# fixture would come too late for pytest-django's own setup and teardown), never in a
# deployment (tests/test_deploy_checks.py keeps it out of `check --deploy`).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "e2e-screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(autouse=True)
def _serialized_contents_in_this_context():
    """Once Playwright's sync API has started, the tests here get a different Django
    connection object from the one the test database was created on (seen: the base data
    was not put back after the first flush when other tests ran first), and it lacks the
    serialized contents that serialized_rollback restores after each flush. Give them to
    it (tests/conftest.py remembered them)."""
    from django.db import connections

    from tests.conftest import SERIALIZED_CONTENTS

    for alias, contents in SERIALIZED_CONTENTS.items():
        connection = connections[alias]
        if not hasattr(connection, "_test_serialized_contents"):
            connection._test_serialized_contents = contents


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        message = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return {**browser_type_launch_args, "executable_path": CHROMIUM}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN"}


class Steps:
    """Screenshots of a journey's steps, numbered, in e2e-screenshots/<journey>/."""

    def __init__(self, page, journey: str):
        self.page, self.folder, self.count = page, SCREENSHOTS / journey, 0
        self.folder.mkdir(parents=True, exist_ok=True)

    def shot(self, name: str):
        self.count += 1
        slug = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")
        self.page.screenshot(path=self.folder / f"{self.count:02d}-{slug}.png", full_page=True)


@pytest.fixture
def steps():
    return Steps


def serious(page, within: str | None = None) -> list[str]:
    """axe-core's serious and critical violations on the page (or inside `within`, for
    pages whose frame is Wagtail's own admin), one line each."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"include": [[within]]} if within else None
    results = Axe().run(page, context=options) if options else Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} × {len(v['nodes'])}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def log_in(page, base_url: str, username: str, password: str):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
