"""On phones the header's navigation folds behind a 菜单 button (theme/js/menu.js)."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_the_menu_button_controls_the_navigation_and_its_script_is_a_file(client, home):
    body = client.get("/").content.decode()
    button = re.search(r"<button[^>]*data-menu-toggle[^>]*>([^<]*)</button>", body)
    assert button and button.group(1) == "菜单"
    assert 'aria-controls="site-menu"' in button.group(0)
    assert 'aria-expanded="false"' in button.group(0)
    assert re.search(r'<nav[^>]*id="site-menu"', body)
    assert '<script src="/static/theme/js/menu.js" defer></script>' in body
    script = Path(finders.find("theme/js/menu.js")).read_text(encoding="utf-8")
    assert "aria-expanded" in script and 'classList.toggle("open"' in script
