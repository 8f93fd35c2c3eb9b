"""Work with partner organisations: referrals to their services that the partner confirmed
through its link, and joint trainings."""

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from outreach.models import PartnerRole, TrainingPartner
from services.models import Referral, ReferralOutcome
from services.models.referrals import ReferralResult

from ..tables import Table
from .outreach import _trainings


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


def joint_trainings_by_partner(ctx):
    """Trainings held in the period with partner organisations, per partner: as trainer, as
    participant, and how many of its people took part (organisations and numbers, no names)."""
    held = _trainings(ctx, held=True)
    rows = (
        TrainingPartner.objects.filter(training__in=held)
        .values("partner", "partner__name")
        .annotate(
            trained=Count("training", filter=Q(role=PartnerRole.TRAINER), distinct=True),
            took_part=Count("training", filter=Q(role=PartnerRole.PARTICIPANT), distinct=True),
            people=Sum("people", filter=Q(role=PartnerRole.PARTICIPANT), default=0),
        )
        .order_by("partner__name", "partner")
    )
    table_rows = [[r["partner__name"], r["trained"], r["took_part"], r["people"]] for r in rows]
    keys = [str(r["partner"]) for r in rows]
    return Table(
        "joint_trainings_by_partner",
        _("Joint trainings with partner organisations"),
        [_("Partner"), _("Trainings it gave"), _("Trainings it took part in"), _("Its people trained")],
        table_rows,
        row_keys=keys,
    )
