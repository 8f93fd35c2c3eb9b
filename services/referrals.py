"""Referrals to health facilities and their follow-up."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .care import keep_care
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


def record_outcome(referral, outcome, on, care=None, by=None):
    """Record what became of ``referral``; ``care`` (``services.care.Care``): a test and its result,
    STI treatment or PrEP given where the person went, which means she reached the service."""
    with transaction.atomic():  # the outcome and the care given, or neither
        if outcome == ReferralOutcome.PENDING:
            raise ValidationError(_("Choose what happened."))
        if on < referral.made_on:
            raise ValidationError(_("The outcome cannot be dated before the referral."))
        referral.branch.refuse_future(on)
        referral.outcome, referral.outcome_on = outcome, on
        referral.save(update_fields=["outcome", "outcome_on"])
        if care:
            if outcome != ReferralOutcome.REACHED:
                raise ValidationError(_("A test or a treatment there means the person reached the service."))
            if hasattr(referral, "health"):
                raise ValidationError(_("The care given through this referral is already recorded."))
            keep_care(care, branch=referral.branch, on=on, by=by, referral=referral)
        return referral
