"""A guard on the one access rule: no view, export or report reads a branch's
records without going through ``visible_to`` / ``writable_by``.

Every expression ``Model.objects...`` on a branch-scoped model in the modules
that answer requests must either call ``visible_to`` or ``writable_by`` in the
same chain, or be handed to ``get_visible_or_404`` / ``get_writable_or_404``.
Deliberate exceptions are listed below with their reason; anything else fails
here, loudly, before it can leak another branch's people.
"""

import ast
from pathlib import Path

from django.apps import apps

from opsi.scoping import ScopedQuerySet

ROOT = Path(__file__).resolve().parent.parent
SCOPE_CALLS = {"visible_to", "writable_by", "none"}
SCOPING_HELPERS = {"get_visible_or_404", "get_writable_or_404", "get_with_access_or_404"}
# Modules that do not answer requests themselves and read across branches on purpose:
# every other module of the project's apps is checked, new ones included.
TRUSTED = {
    # operations: they act on objects the caller fetched through the access rule
    "members/registration.py",
    "members/moving.py",
    "members/identity.py",
    "members/lookups.py",
    "members/importing.py",
    "members/erasure.py",
    "members/models/history.py",
    "services/visits.py",
    "services/stock.py",
    "services/paperwork.py",
    "services/referrals.py",
    # a partner's one-time link: the referral found by the hash of the token in the address (no user);
    # the member tied by code in the branch the worker's form offered (writable_by)
    "services/partner_referrals.py",
    "services/care.py",
    "services/worklists.py",
    "outreach/recording.py",
    "incidents/recording.py",
    "members/consent.py",
    "privacy/requests.py",
    "privacy/breaches.py",
    # a member's copy: read by her id, for the one member of a request the caller may change
    "privacy/access_copy.py",
    # report indicators: filtered by the scope the report checked (reports/scopes.py, Context.branch_ids)
    "reports/indicators/access.py",
    "reports/indicators/incidents.py",
    "reports/indicators/membership.py",
    "reports/indicators/outreach.py",
    "reports/indicators/partners.py",
    "reports/indicators/outreach_by_branch.py",
    "reports/indicators/health.py",
    "reports/consent.py",
    # invented demo data, refused in production
    "members/demo.py",
    "services/demo.py",
    "outreach/demo.py",
    "incidents/demo.py",
    # the admin applies the rule through ScopedModelAdmin.get_queryset; the audit trail's
    # member filter is for administrators, who see every branch
    "opsi/admin.py",
    "members/admin.py",
    # what apps add to erasure and the audit trail's member filter (members.contributions)
    "services/contributions.py",
    "outreach/contributions.py",
    "incidents/contributions.py",
    "privacy/contributions.py",
    # the audit trail's own filter (restrict_trail) is built from visible_to
    "incidents/models.py",
}
# (module, model): why it may read without the user's scope
ALLOWED = {
    ("reports/scopes.py", "Branch"): "a branch's name for a label, after the scope was checked",
    ("incidents/views.py", "Branch"): "the crisis-response role is national by design",
    ("outreach/forms.py", "Branch"): "administrators choose any branch for a training",
    ("services/today.py", "Visit"): "subqueries correlated to the user's own drop-in centres and visits",
    ("services/closed_quarters.py", "DropInCentre"): "the branches of the centres of visits being saved, "
    "to drop kept counts; nothing is shown",
    ("members/member_views.py", "MemberKindPeriod"): "the kind history prefetched for the one member "
    "fetched through get_with_access_or_404",
    ("services/models/paperwork.py", "Member"): "cases made in bulk read their own members' branch ids",
    ("partners/forms.py", "Branch"): "the directory's partners and places are near any branch (no member data); "
    "a coordinator is offered her own branches (user.branch_ids)",
    ("privacy/forms.py", "Branch"): "a breach may concern any branch: the data protection officer's form",
    ("privacy/forms.py", "Member"): "the codes of the members a breach exposed, typed by the data protection "
    "officer (the breach form is hers only); other forms of the module read through visible_to",
}


def project_modules():
    """Every module of the project's apps (migrations, commands and tests aside), found on disk."""
    found = []
    for config in apps.get_app_configs():
        path = Path(config.path)
        if path.parent != ROOT:  # Django's and the libraries' apps
            continue
        for module in sorted(path.rglob("*.py")):
            relative = module.relative_to(ROOT)
            if not {"migrations", "management", "tests", "__pycache__"} & set(relative.parts):
                found.append(relative.as_posix())
    return found


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


def unscoped_reads(path, models, source=None):
    tree = ast.parse((ROOT / path).read_text() if source is None else source)
    parents = {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Attribute) and node.attr == "objects" and isinstance(node.value, ast.Name)):
            continue
        model = node.value.id
        if model not in models or (path, model) in ALLOWED:
            continue
        top = node
        while (
            parents.get(top) is not None
            and isinstance(parents[top], (ast.Attribute, ast.Call))
            and (isinstance(parents[top], ast.Attribute) or parents[top].func is top)
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
    modules = [path for path in project_modules() if path not in TRUSTED]
    assert {"members/member_views.py", "services/forms.py", "reports/scopes.py", "opsi/home.py"} <= set(modules)
    problems = [p for path in modules for p in unscoped_reads(path, models)]
    assert problems == []


def test_the_guard_checks_a_module_it_was_never_told_about():
    assert not TRUSTED - set(project_modules()), "a trusted module that no longer exists"
    assert "members/timeline.py" in project_modules()


def test_the_guard_catches_an_unscoped_read():
    sample = "from members.models import Member\n\ndef view(request):\n    return Member.objects.all()\n"
    assert unscoped_reads("members/new_views.py", scoped_models(), source=sample)
    scoped = sample.replace("objects.all()", "objects.visible_to(request.user)")
    assert not unscoped_reads("members/new_views.py", scoped_models(), source=scoped)


def test_every_scoped_model_names_its_path_to_a_branch():
    from opsi.tenant import Branch

    for model in apps.get_models():
        if isinstance(model._default_manager.get_queryset(), ScopedQuerySet):
            target = model
            for name in model.branch_path.split("__") if model.branch_path else []:
                target = target._meta.get_field(name).related_model
            assert target is Branch, model
