"""Referrals to partners' services whose outcome the partner confirmed through its link."""

from django.db.models import Count
from django.utils.translation import gettext as _

from services.models import Referral, ReferralOutcome
from services.models.referrals import ReferralResult

from ..tables import Table


def partner_confirmed_results(ctx):
    """Referrals made in the period to a service of the directory, by what the partner
    confirmed the person received by the period's last day (a later answer belongs to a later
    report, so a closed period's report does not change)."""
    rows = (
        Referral.objects.in_branches(ctx.branch_ids)
        .filter(
            made_on__range=(ctx.period.start, ctx.period.end),
            partner_service__isnull=False,
            confirmed_by_partner=True,
            outcome=ReferralOutcome.REACHED,
            outcome_on__lte=ctx.period.end,
        )
        .values("result")
        .annotate(n=Count("pk"))
    )
    counts = {r["result"]: r["n"] for r in rows}
    table_rows = [[label, counts.get(code, 0)] for code, label in ReferralResult.choices]
    table_rows.append([_("Total"), sum(r[1] for r in table_rows)])
    return Table(
        "partner_confirmed_results",
        _("Referrals to partners confirmed by the partner, by what the person received"),
        [_("What the person received"), _("People referred")],
        table_rows,
        total_row=True,
        row_keys=[*ReferralResult.values, "total"],
    )
