"""A guard on the one access rule: no view, export or report reads a branch's
records without going through ``visible_to`` / ``writable_by``.

Every expression ``Model.objects...`` on a branch-scoped model in the modules
that answer requests must either call ``visible_to`` or ``writable_by`` in the
same chain, or be handed to ``get_visible_or_404`` / ``get_writable_or_404``.
Deliberate exceptions are listed below with their reason; anything else fails
here, loudly, before it can leak another branch's people.
"""

import ast
import inspect
from pathlib import Path

from django.apps import apps

from opsi.scoping import ScopedQuerySet

ROOT = Path(__file__).resolve().parent.parent
REQUEST_MODULES = [
    "members/views.py", "members/member_views.py", "members/import_views.py", "members/exporters.py",
    "services/views.py", "services/reference.py", "outreach/views.py", "incidents/views.py", "reports/views.py",
    "reports/scopes.py",
    "opsi/views.py", "members/timeline.py", "services/timeline.py", "outreach/timeline.py",
    "members/forms.py", "services/forms.py", "outreach/forms.py", "incidents/forms.py", "reports/forms.py",
]
SCOPE_CALLS = {"visible_to", "writable_by", "none"}
SCOPING_HELPERS = {"get_visible_or_404", "get_writable_or_404"}
# (module, model): why it may read without the user's scope
ALLOWED = {
    ("reports/scopes.py", "Branch"): "a branch's name for a label, after the scope was checked",
    ("incidents/views.py", "Branch"): "the crisis-response role is national by design",
    ("outreach/forms.py", "Branch"): "administrators choose any branch for a training",
}


def scoped_models():
    return {
        model.__name__
        for model in apps.get_models()
        if isinstance(model._default_manager.get_queryset(), ScopedQuerySet)
    }


def _chain_methods(node):
    methods = []
    while isinstance(node, (ast.Call, ast.Attribute)):
        if isinstance(node, ast.Call):
            node = node.func
        else:
            methods.append(node.attr)
            node = node.value
    return methods, node


def unscoped_reads(path, models):
    tree = ast.parse((ROOT / path).read_text())
    parents = {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Attribute) and node.attr == "objects" and isinstance(node.value, ast.Name)):
            continue
        model = node.value.id
        if model not in models or (path, model) in ALLOWED:
            continue
        top = node
        while parents.get(top) is not None and isinstance(parents[top], (ast.Attribute, ast.Call)) and (
            isinstance(parents[top], ast.Attribute) or parents[top].func is top
        ):
            top = parents[top]
        methods, _base = _chain_methods(top)
        if SCOPE_CALLS & set(methods):
            continue
        parent = parents.get(top)
        if isinstance(parent, ast.Call) and isinstance(parent.func, ast.Name) and parent.func.id in SCOPING_HELPERS:
            continue
        found.append(f"{path}:{node.lineno} {model}.objects without visible_to/writable_by")
    return found


def test_request_code_reads_branch_records_only_through_the_access_rule():
    models = scoped_models()
    assert {"Member", "Visit", "Branch", "Incident", "OutreachSession"} <= models
    problems = [p for path in REQUEST_MODULES for p in unscoped_reads(path, models)]
    assert problems == []


def test_the_guard_catches_an_unscoped_read(tmp_path, monkeypatch):
    bad = ROOT / "tests" / "_guard_sample.py"
    bad.write_text("from members.models import Member\n\ndef view(request):\n    return Member.objects.all()\n")
    try:
        assert unscoped_reads("tests/_guard_sample.py", scoped_models())
    finally:
        bad.unlink()


def test_every_scoped_model_names_its_path_to_a_branch():
    for model in apps.get_models():
        if isinstance(model._default_manager.get_queryset(), ScopedQuerySet):
            assert hasattr(model, "branch_path"), model
    assert inspect.getsource(ScopedQuerySet.visible_to)
