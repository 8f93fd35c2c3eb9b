"""Referrals to a partner's service in the directory, closed by the partner.

The referral carries the person's code and the service, never a name. The worker makes a
one-time link for the partner (``make_link``); the partner opens it with no account and sees
only that referral's code, service and date, then says whether the person came and what she
received (``confirm``). Only a SHA-256 of the link's token is stored; the link dies when used,
when it expires, or when a newer one is made for the same referral. Every opening and every
answer is in the audit trail; openings are counted per address (``too_many_tries``).
"""

import datetime
import hashlib
import secrets

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Member
from opsi.submissions import create_once

from .models import FacilityKind, Referral, ReferralOutcome
from .models.referrals import ReferralLink

LINK_LIFETIME = datetime.timedelta(days=30)
TRIES_PER_ADDRESS = 20  # link openings and answers per address per window, right or wrong
TRIES_WINDOW_SECONDS = 15 * 60


def refer_to_partner(*, branch, uic, service, on, by, submission_key=None):
    """A referral of the person with code ``uic`` to a directory service; tied to the
    branch's member holding the code when there is exactly one."""
    branch.refuse_future(on)
    members = list(Member.objects.filter(branch=branch, uic=uic).active().values_list("pk", flat=True)[:2])

    def create():
        return Referral.objects.create(
            branch=branch,
            member_id=members[0] if len(members) == 1 else None,
            uic=uic,
            made_on=on,
            facility_kind=FacilityKind.PARTNER,
            facility_name=service.partner.name[:100],
            service=service.name[:100],
            partner_service=service,
            made_by=by,
            submission_key=submission_key,
        )

    return create_once(Referral, submission_key, create, by=by)


def _hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def make_link(referral, by, now=None):
    """A new link for the partner: returns its token, shown once and never stored. Earlier
    unused links of the referral die."""
    if referral.partner_service_id is None or referral.outcome != ReferralOutcome.PENDING:
        raise ValidationError(_("Only a referral to a partner's service that waits for news has a link."))
    now = now or timezone.now()
    referral.links.filter(used_at__isnull=True, expires_at__gt=now).update(expires_at=now)
    token = secrets.token_urlsafe(24)
    ReferralLink.objects.create(referral=referral, token_hash=_hash(token), expires_at=now + LINK_LIFETIME, made_by=by)
    return token


def live_link(token, now=None):
    """The link of this token if it still works (unused, unexpired, its referral open), else None."""
    if not isinstance(token, str) or not 20 <= len(token) <= 64:
        return None
    now = now or timezone.now()
    return (
        ReferralLink.objects.select_related("referral__partner_service__partner", "referral__branch")
        .filter(
            token_hash=_hash(token),
            used_at__isnull=True,
            expires_at__gt=now,
            referral__outcome=ReferralOutcome.PENDING,
        )
        .first()
    )


def confirm(token, *, came, result, now=None):
    """The partner's answer: the person came (with what she received) or did not. The link is
    used up in the same transaction; a second answer finds no live link."""
    now = now or timezone.now()
    with transaction.atomic():
        link = live_link(token, now)
        if link is None:
            return None
        # The row is locked so that two answers at once record one.
        link = ReferralLink.objects.select_for_update().get(pk=link.pk)
        if link.used_at is not None:
            return None
        referral = Referral.objects.select_for_update().get(pk=link.referral_id)
        if referral.outcome != ReferralOutcome.PENDING:
            return None
        on = max(referral.branch.today(), referral.made_on)
        referral.outcome = ReferralOutcome.REACHED if came else ReferralOutcome.NOT_REACHED
        referral.result = result if came else ""
        referral.outcome_on = on
        referral.confirmed_by_partner = True
        referral.save(update_fields=["outcome", "result", "outcome_on", "confirmed_by_partner"])
        link.used_at = now
        link.save(update_fields=["used_at"])
        return referral


def too_many_tries(address):
    """Counts one try from ``address``; True once it made more than its share in the window."""
    key = f"partner-link-tries:{address}"
    cache.add(key, 0, timeout=TRIES_WINDOW_SECONDS)
    try:
        tries = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=TRIES_WINDOW_SECONDS)
        tries = 1
    return tries > TRIES_PER_ADDRESS
