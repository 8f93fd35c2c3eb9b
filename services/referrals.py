"""Referrals to health facilities and their follow-up."""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import Referral, ReferralOutcome

FOLLOW_UP_AFTER_DAYS = 14


def refer(*, branch, member, uic, on, facility_kind, facility_name, service, by, visit=None):
    return Referral.objects.create(
        branch=branch,
        member=member,
        uic=member.uic if member else uic,
        made_on=on,
        facility_kind=facility_kind,
        facility_name=facility_name,
        service=service,
        made_by=by,
        visit=visit,
    )


def to_follow_up(referrals, today):
    """Open referrals made 14 days ago or more, the oldest first."""
    cutoff = today - datetime.timedelta(days=FOLLOW_UP_AFTER_DAYS)
    return referrals.open().filter(made_on__lte=cutoff).order_by("made_on")


def record_outcome(referral, outcome, on):
    if outcome == ReferralOutcome.PENDING:
        raise ValidationError(_("Choose what happened."))
    if on < referral.made_on:
        raise ValidationError(_("The outcome cannot be dated before the referral."))
    referral.branch.refuse_future(on)
    referral.outcome, referral.outcome_on = outcome, on
    referral.save(update_fields=["outcome", "outcome_on"])
    return referral
