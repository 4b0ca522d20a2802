"""The import layers (README, Architecture): each layer imports only those before it.

people → courses → search → lms.learning → lms.assessments, lms.api, lms.targeting,
lms.analytics → demo, management commands, hooks and URL wiring. Every import counts,
function-level ones included: a lower layer that needs something from a higher one gets
it through a hook the higher one registers (lms/wagtail_hooks.py), never by importing it.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# (layer, module prefixes); a module belongs to the layer of its longest matching prefix.
LAYERS = [
    ("people", ["lms.people", "lms.conf"]),
    ("courses", ["courses"]),
    ("search", ["search"]),
    ("learning", ["lms.learning", "lms.models.learning", "lms.errors", "lms.templatetags"]),
    (
        "assessments, api, targeting, analytics",
        [
            "lms.assessments",
            "lms.models.assessment",
            "lms.models.targeting",
            "lms.models.analytics",
            "lms.api",
            "lms.targeting",
            "lms.analytics",
            "lms.teaching",
        ],
    ),
    (
        "demo, commands and wiring",
        ["lms.demo", "lms.management", "lms.wagtail_hooks", "lms.urls", "lms.apps", "lms.models"],
    ),
]
RANK = {prefix: rank for rank, (_name, prefixes) in enumerate(LAYERS) for prefix in prefixes}
PACKAGES = ["lms", "courses", "search"]


def layer_of(module: str) -> int | None:
    best = None
    for prefix in RANK:
        if (module == prefix or module.startswith(prefix + ".")) and (
            best is None or len(prefix) > len(best)
        ):
            best = prefix
    return RANK[best] if best else None


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module) for every import in the file, relative ones resolved."""
    package = module_name(path)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            # `from lms.learning import pages` imports the module lms.learning.pages.
            found += [(node.lineno, f"{module}.{alias.name}") for alias in node.names]
    return found


def source_files():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def violations() -> list[str]:
    found = []
    for path in source_files():
        own = layer_of(module_name(path))
        if own is None:
            continue
        for line, module in imports_of(path):
            target = layer_of(module)
            if target is not None and target > own:
                found.append(
                    f"{path.relative_to(ROOT)}:{line} ({LAYERS[own][0]}) imports {module} "
                    f"({LAYERS[target][0]})"
                )
    return found


def test_no_layer_imports_a_higher_one():
    assert violations() == []


def test_every_lms_module_has_a_layer():
    unplaced = [
        module_name(path)
        for path in source_files()
        if module_name(path) not in ("lms", "lms.models") and layer_of(module_name(path)) is None
    ]
    assert unplaced == []


@pytest.mark.parametrize(
    ("module", "code", "layer"),
    [
        ("courses.models", "from lms.learning.pages import page_context", "learning"),
        ("search.documents", "from lms.models import Enrollment", "demo, commands and wiring"),
        ("lms.people.roles", "from ..learning import views", "learning"),
        ("lms.learning.views", "from lms.assessments import records", "assessments"),
    ],
)
def test_the_check_catches_an_import_against_the_layers(tmp_path, module, code, layer):
    # Each case is a real import against the layers: the check must report it.
    path = ROOT.joinpath(*module.split(".")).with_suffix(".py")
    imported = imports_of_source(code, path)
    own, target = layer_of(module), layer_of(imported)
    assert target > own
    assert LAYERS[target][0].startswith(layer)


def imports_of_source(code: str, path: Path) -> str:
    package = module_name(path).rpartition(".")[0]
    node = ast.parse(code).body[0]
    base = package.split(".")[: len(package.split(".")) - (node.level - 1)] if node.level else []
    module = ".".join([*base, node.module]) if node.level else node.module
    return f"{module}.{node.names[0].name}"
