"""Figures shared with a partner under a data-sharing agreement (``partners.DataSharingAgreement``).

The partner's named contact opens a link that needs no account (only its SHA-256 is kept) and
downloads the agreed key figures and sections of a report, for a period inside the agreement's
that has ended, at an agreed breakdown. The report is built as one for use outside OPSI
(``reports.protection``: every count randomly rounded, incident figures only nationally over a
whole ended year), and never holds a person-level record. Every release is recorded and audited;
nothing is released once the agreement expired or was revoked.
"""

import dataclasses
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opsi.audit import client_address, log_access
from opsi.tenant import Region
from partners.models import AgreementRelease, AgreementScope, DataSharingAgreement

from . import periods
from .building import build_report
from .definitions import DEFINITIONS
from .exporters import CsvExport
from .scopes import Scope


def _hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def new_token():
    """(token, its hash): the token is shown once to the one who recorded the agreement."""
    token = secrets.token_urlsafe(24)
    return token, _hash(token)


def live_agreement(token, today=None):
    if not isinstance(token, str) or not 20 <= len(token) <= 64:
        return None
    today = today or timezone.localdate()
    return DataSharingAgreement.objects.live(today).select_related("partner").filter(token_hash=_hash(token)).first()


@transaction.atomic
def revoke(agreement, by):
    agreement.revoked_at, agreement.revoked_by = timezone.now(), by
    agreement.save(update_fields=["revoked_at", "revoked_by"])


class PartnerReader:
    """Who a shared report is built for: reads every branch's aggregate figures (the report is
    rounded for use outside OPSI), handles no incident, records nothing."""

    is_authenticated = True
    is_active = True
    is_admin = False
    sees_all_branches = True
    handles_incidents = False
    writes_in_branches = False
    records_work = False
    role = "partner"
    branch_ids = []


def choices_of_period(agreement, today):
    """The ended years, half-years and quarters inside the agreement's dates, latest first:
    [(value, label)], value as "year:2025", "half:2025:1" or "quarter:2025:3"."""
    found = []
    for y in range(agreement.period_end.year, agreement.period_start.year - 1, -1):
        candidates = [("year", str(y), periods.year(y))]
        candidates += [("half", f"{y}:{n}", periods.half_year(y, n)) for n in (2, 1)]
        candidates += [("quarter", f"{y}:{n}", periods.quarter(y, n)) for n in (4, 3, 2, 1)]
        for kind, value, period in candidates:
            if agreement.period_start <= period.start and period.end <= agreement.period_end and period.end < today:
                found.append((f"{kind}:{value}", period.label))
    return found


def choices_of_scope(agreement):
    found = []
    if AgreementScope.NATIONAL in agreement.scopes:
        found.append(("national", _("National")))
    if AgreementScope.REGION in agreement.scopes:
        found += [(f"region:{code}", label) for code, label in Region.choices]
    return found


def _period(value):
    kind, _sep, rest = value.partition(":")
    numbers = [int(part) for part in rest.split(":") if part.isdigit()]
    if kind == "year" and len(numbers) == 1:
        return periods.year(numbers[0])
    if kind == "half" and len(numbers) == 2 and numbers[1] in (1, 2):
        return periods.half_year(*numbers)
    if kind == "quarter" and len(numbers) == 2 and 1 <= numbers[1] <= 4:
        return periods.quarter(*numbers)
    raise ValidationError(_("This period is not in the agreement."))


def release(agreement, period_value, scope_value, request, today=None):
    """The agreed figures of one period and breakdown as CSV: (file name, bytes). Anything
    outside the agreement is refused (ValidationError); the release is recorded and audited."""
    today = today or timezone.localdate()
    if period_value not in dict(choices_of_period(agreement, today)):
        raise ValidationError(_("This period is not in the agreement."))
    if scope_value not in dict(choices_of_scope(agreement)):
        raise ValidationError(_("This breakdown is not in the agreement."))
    period = _period(period_value)
    kind, _sep, value = scope_value.partition(":")
    scope = Scope(kind, value)
    definition = DEFINITIONS[agreement.definition]
    report = build_report(definition, period, scope, PartnerReader(), external=True, partner=agreement.partner.name)
    report = dataclasses.replace(
        report,
        key_figures=[f for f in report.key_figures if f.key in agreement.key_figures],
        sections=[s for s in report.sections if s.key in agreement.sections],
    )
    content = CsvExport().write(report)
    with transaction.atomic():
        AgreementRelease.objects.create(
            agreement=agreement,
            period=period_value,
            scope=scope_value,
            address=client_address(request),
        )
        log_access(agreement, request, "figures released", period=period_value, scope=scope_value)
    name = f"opsi-{agreement.definition}-{period_value.replace(':', '-')}-{scope_value.replace(':', '-')}.csv"
    return name, content


def definition_choices():
    """What an agreement may name: each report's key figures (none about people harmed) and
    sections, as (value, label) for the agreement's form."""
    figures, sections = [], []
    for definition in DEFINITIONS.values():
        figures += [(f.key, f"{definition.title}: {f.label}") for f in definition.key_figures if not f.sensitive]
        sections += [(s.key, f"{definition.title}: {s.title}") for s in definition.sections]
    return list(dict(figures).items()), list(dict(sections).items())


def check_dates(cleaned):
    start, end, expires = cleaned.get("period_start"), cleaned.get("period_end"), cleaned.get("expires_on")
    if start and end and end < start:
        raise ValidationError(_("The figures cannot end before they start."))
    if expires and expires < timezone.localdate():
        raise ValidationError(_("The agreement would already have expired."))
    return cleaned
