"""The apps form layers, and no module imports from a layer above its own.

Read from the source with ``ast`` (imports inside functions, ``import_module("...")`` and
model labels such as ``ForeignKey("members.Member")`` included), so a lazy import cannot hide an
upward dependency. What a lower layer needs
from a higher one arrives through ``opsi.contributions`` / ``members.contributions``.
"""

import ast
from pathlib import Path

import pytest

from members import contributions as members_contributions
from opsi.contributions import Contributions, demo_data

ROOT = Path(__file__).resolve().parent.parent

# Lowest first. The base (``opsi``) holds the tenant too, ``opsi.tenant`` and ``opsi.provinces``:
# the user model points at it and every app is scoped by it.
# Where the project is put together: the settings and the root URLconf name every app by design.
COMPOSITION = {"opsi.settings", "opsi.urls"}
LAYERS = [
    {"opsi"},
    {"members"},
    {"partners"},  # the directory of partners' services: read by the apps that record work
    {"services", "outreach", "incidents", "fieldwork"},  # the apps that record work
    {"reports", "privacy"},  # privacy reads what every app records about a member
]


def layer_of(module):
    top = module.split(".")[0]
    for number, apps in enumerate(LAYERS):
        if top in apps:
            return number
    return None  # Django, libraries, the standard library


def project_modules():
    for apps in LAYERS:
        for app in sorted(apps):
            for path in sorted((ROOT / app).rglob("*.py")):
                relative = path.relative_to(ROOT)
                if not {"migrations", "tests", "__pycache__"} & set(relative.parts):
                    yield ".".join(relative.with_suffix("").parts), path


def imports_of(module, source):
    """(line, imported module) for every import in ``source``, relative ones resolved."""
    package = module.split(".") if module.endswith("__init__") else module.split(".")[:-1]
    if module.endswith("__init__"):
        package = package[:-1]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            yield node.lineno, ".".join([*base, node.module] if node.module else base)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if _names_a_module(node.value):
                # A module's dotted name in a string (import_module("..."), a hand-kept list of
                # modules to load) is an import that only happens later.
                yield node.lineno, node.value
            elif _names_a_model(node.value):
                # A model's label ("members.Member" in a ForeignKey) ties the app to that model's.
                yield node.lineno, node.value.split(".")[0]


def _names_a_module(text):
    parts = text.split(".")
    if len(parts) < 2 or layer_of(text) is None or not all(part.isidentifier() for part in parts):
        return False
    path = ROOT.joinpath(*parts)
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def _names_a_model(text):
    from django.apps import apps

    parts = text.split(".")
    if len(parts) != 2 or layer_of(text) is None or not parts[1].isidentifier():
        return False
    try:
        apps.get_model(text)
    except LookupError:
        return False
    return True


def upward_imports(module, source):
    own = layer_of(module)
    return [
        f"{module}:{line} imports {target} (layer {layer_of(target)} above {own})"
        for line, target in imports_of(module, source)
        if layer_of(target) is not None and layer_of(target) > own
    ]


def test_no_module_imports_from_a_layer_above_its_own():
    problems = [
        p
        for module, path in project_modules()
        if module not in COMPOSITION
        for p in upward_imports(module, path.read_text())
    ]
    assert problems == []


def test_every_app_of_the_project_has_a_layer():
    from django.apps import apps

    ours = [c.name for c in apps.get_app_configs() if Path(c.path).parent == ROOT]
    assert [name for name in ours if layer_of(name) is None] == []


@pytest.mark.parametrize(
    "module,source",
    [
        ("members.timeline", "def f():\n    from services.models import Visit\n"),
        ("members.erasure", "import incidents.models\n"),
        ("opsi.views", "from incidents.models import Alert\n"),
        ("opsi.home", "from members.models import Member\n"),
        ("opsi.home", "from members import models\n"),
        ("services.views", "from reports import building\n"),
        ("members.timeline", "import importlib\nimportlib.import_module('outreach.timeline')\n"),
        ("members.timeline", "SOURCES = ['members.timeline', 'services.timeline']\n"),
        ("opsi.tenant", "from members.forms import DateInput\n"),
        ("opsi.tenant", "from members.models import Member\n"),
        ("opsi.models", "last_member = models.ForeignKey('members.Member', on_delete=models.PROTECT)\n"),
        ("members.models.members", "visit = models.ForeignKey('services.Visit', on_delete=models.PROTECT)\n"),
    ],
)
def test_the_layer_check_sees_an_upward_import(module, source):
    assert upward_imports(module, source)


@pytest.mark.parametrize(
    "module,source",
    [
        ("opsi.management.commands.seed_demo", "from opsi.tenant import Branch, DropInCentre\n"),
        ("opsi.backends", "from .tenant import Branch\n"),
        ("opsi.tenant", "from . import provinces\n"),
        ("members.models.members", "from opsi.tenant import Branch\n"),
        ("services.views", "from members.models import Member\nfrom opsi.scoping import role_required\n"),
        ("reports.building", "from . import tables\nfrom incidents.models import Incident\n"),
        ("outreach.forms", "from services.forms import ItemsField\n"),
        ("services.models", "branch = models.ForeignKey('opsi.Branch', on_delete=models.PROTECT)\n"),
        ("opsi.models", "branches = models.ManyToManyField('opsi.Branch')\n"),
    ],
)
def test_the_layer_check_allows_imports_downwards_and_sideways(module, source):
    assert upward_imports(module, source) == []


def test_the_apps_that_record_work_fill_the_member_extension_points():
    """A contributor missing (an app's ready() not run, a module renamed) fails here, loudly."""
    names = lambda registry: {f.__module__ for f in registry}  # noqa: E731
    assert {"services.timeline", "outreach.timeline"} <= names(members_contributions.timeline)
    assert "services.contributions" in names(members_contributions.member_page)
    assert {"services.contributions", "outreach.contributions", "incidents.contributions"} <= names(
        members_contributions.erasure
    )
    assert [f.__module__ for f in demo_data] == ["members.demo", "services.demo", "outreach.demo", "incidents.demo"]


def test_a_contributor_with_the_wrong_arguments_is_refused_when_added():
    registry = Contributions("a test page", ["member", "user"])
    with pytest.raises(TypeError, match="cannot serve a test page"):
        registry.add(lambda member: {})


def test_a_failing_contributor_is_not_skipped():
    registry = Contributions("a test page", ["member"])

    @registry.add
    def broken(member):
        raise LookupError("broken")

    with pytest.raises(LookupError):
        registry("someone")
