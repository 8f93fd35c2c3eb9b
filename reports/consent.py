"""Members who withdrew their consent to being counted in donor reports (``members.models.consent``).

From the day of the withdrawal on, every report whose period ends on or after that day leaves
her out of the people it counts by code (her walk-in visits and contacts by the same code
too), in the counting query itself. Periods that ended before still count her, and kept
figures of closed periods stay as they were (``reports.kept``): they are facts of a report
already made.
"""

from django.db.models import Q

from members.models import Consent, ConsentPurpose
from opsi.kept import today


def shareable_with(partner, code="uic"):
    """The condition on a row that its person may be counted in the figures shared with ``partner``
    (by name) under an agreement: not withdrawn from that partner nor from every partner by today.
    Unlike donor counting, a withdrawal holds for every release after it, of any period: a
    release is a new sharing (figures released before stay with the partner)."""
    withdrawn = Consent.objects.withdrawn_from_partner(partner, today()).values("member__uic")
    return ~Q(**{f"{code}__in": withdrawn})


def countable(period, code="uic", partner=""):
    """The condition on a row (a visit, a contact) that its person may be counted in ``period``
    (and, for figures shared with ``partner``, shared with it)."""
    withdrawn = Consent.objects.withdrawn_codes(ConsentPurpose.DONOR_COUNTING, period.end)
    condition = ~Q(**{f"{code}__in": withdrawn})
    return condition & shareable_with(partner, code) if partner else condition
