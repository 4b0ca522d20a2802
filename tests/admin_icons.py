"""What goes wrong with icons on an admin page: one Wagtail does not have, or one put
straight into a button without Wagtail's wrapper. Either draws an SVG at the browser's
default size (300 × 150), which pushes the button's label out of sight."""

import re

from wagtail.admin.icons import get_icons

# A button (or a link styled as one) whose content starts with a bare SVG; Wagtail's own
# long-running buttons size their spinner themselves.
BARE_IN_BUTTON = re.compile(
    r'<(?:button|a)\b[^>]*class="button\b(?![^"]*button-longrunning)[^"]*"[^>]*>\s*<svg\b'
)


def icon_problems(html: str) -> list[str]:
    known = set(re.findall(r'id="icon-([\w-]+)"', get_icons()))
    missing = sorted(set(re.findall(r'href="#icon-([\w-]+)"', html)) - known)
    bare = BARE_IN_BUTTON.findall(html)
    return [f"no such icon: {name}" for name in missing] + [f"unwrapped: {tag}" for tag in bare]
