"""The processing register (UU PDP 27/2022, Pasal 31): what OPSI keeps, why, for how long and
who sees it, generated from the models and the settings rather than written by hand.

- What: each model of the project's apps, its fields by their labels; encrypted fields marked.
- Why: the purpose of the app the model belongs to (``PURPOSES``, one line per app).
- For how long: the retention settings that ``manage.py apply_retention`` enforces
  (``members.erasure.apply_retention``): a member who left is erased after
  ``RETENTION_LEFT_MEMBER_YEARS``, and with her the code on every record tied to her;
  read and export entries of the audit trail go after ``RETENTION_ACCESS_LOG_DAYS``.
- Who sees it: asked of the model's own access rule (``visible_to``) for a user of each role,
  so the register says what the code does.
"""

from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

APPS = ["opsi", "members", "partners", "services", "outreach", "incidents", "fieldwork", "reports", "privacy"]

PURPOSES = {
    "opsi": gettext_lazy("Accounts of the people who use the app, their branches and drop-in centres."),
    "members": gettext_lazy(
        "Membership under OPSI's statutes; the identity vault only where a paperwork case needs it."
    ),
    "partners": gettext_lazy("The directory of partner organisations and their services, for referrals."),
    "services": gettext_lazy("Services at the drop-in centres: visits, referrals, paperwork, health care, stock."),
    "outreach": gettext_lazy("Peer outreach and trainings."),
    "incidents": gettext_lazy("Documenting rights violations and the help given, with the person's consent."),
    "fieldwork": gettext_lazy("Records captured on a phone without signal, until they reach the server."),
    "reports": gettext_lazy("Donor and programme reports: aggregate figures, never a person's record."),
    "privacy": gettext_lazy("Members' requests under UU PDP and the breach log."),
}


def _role_user(role):
    """An unsaved user of ``role`` with no branch: enough for the access rules to answer."""
    from opsi.models import User

    user = User(role=role, is_active=True)
    user.__dict__["branch_list"] = []
    return user


def who_sees(model):
    """The roles ``visible_to`` lets read the model's rows: all branches, or their own branches."""
    from opsi.models import User

    queryset = model._default_manager.all()
    if not hasattr(queryset, "visible_to"):
        return [str(User.Role.ADMIN.label) + " " + _("(administration)")]
    found = []
    for role in User.Role:
        user = _role_user(role.value)
        if user.is_admin:
            user.is_superuser = True
        try:
            shown = queryset.visible_to(user)
        except ValueError:
            # A rule on the user's own rows (a file she asked for): an unsaved user has none.
            found.append(f"{role.label} ({_('their own')})")
            continue
        if shown.query.is_empty():
            continue
        where = shown.query.where
        everything = not where.children
        scope = _("every branch") if everything else _("own branches")
        if not everything and not user.sees_all_branches and not user.writes_in_branches:
            # A rule that filters a user who has no branch to nothing but is not empty says
            # so itself (no row matches an empty list of branches).
            continue
        found.append(f"{role.label} ({scope})")
    return found


@dataclass
class Entry:
    app: str
    name: str
    fields: list
    encrypted: list
    purpose: str
    retention: str
    who: list


def _retention(model):
    from auditlog.models import LogEntry

    from members.models import Member

    years, days = settings.RETENTION_LEFT_MEMBER_YEARS, settings.RETENTION_ACCESS_LOG_DAYS
    if model is Member:
        return _("Erased %(years)s years after she left (manage.py apply_retention).") % {"years": years}
    if model is LogEntry:
        return _("Reads and exports: %(days)s days; changes: as long as the records.") % {"days": days}
    tied = any(f.many_to_one and f.related_model is Member for f in model._meta.concrete_fields)
    if tied:
        return _("As long as the member's record; her code is replaced when she is erased.")
    return _("As long as it is needed; no personal data of members.")


def entries():
    from auditlog.models import LogEntry

    models = [m for label in APPS if label in apps.app_configs for m in apps.get_app_config(label).get_models()]
    models.append(LogEntry)
    found = []
    for model in models:
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        label = model._meta.app_label
        found.append(
            Entry(
                app=str(apps.get_app_config(label).verbose_name),
                name=str(model._meta.verbose_name_plural),
                fields=[str(f.verbose_name) for f in fields],
                encrypted=[str(f.verbose_name) for f in fields if "Encrypted" in type(f).__name__],
                purpose=str(PURPOSES.get(label, _("The audit trail: who did what, and when."))),
                retention=_retention(model),
                who=who_sees(model),
            )
        )
    return found


def as_markdown():
    lines = [
        "| " + " | ".join([_("Records"), _("Purpose"), _("Kept for"), _("Who sees them"), _("Fields")]) + " |",
        "| --- | --- | --- | --- | --- |",
    ]
    for entry in entries():
        fields = ", ".join(f + (" 🔒" if f in entry.encrypted else "") for f in entry.fields)
        lines.append(
            f"| {entry.name} ({entry.app}) | {entry.purpose} | {entry.retention} | {'; '.join(entry.who)} | {fields} |"
        )
    return "\n".join(lines)
