"""Recording a member's consent to a purpose and its withdrawal (``models.consent``)."""

from django.db import transaction

from .models import GIVEN_AT_REGISTRATION, Consent


@transaction.atomic
def give_consent(member, purpose, on, by, partner=""):
    """She agrees (again) to ``purpose`` from ``on``: a withdrawal is cleared."""
    consent, created = Consent.objects.select_for_update().get_or_create(
        member=member, purpose=purpose, partner=partner.strip(), defaults={"given_on": on, "recorded_by": by}
    )
    if not created:
        consent.given_on, consent.withdrawn_on, consent.recorded_by = on, None, by
        consent.save()
    return consent


@transaction.atomic
def withdraw_consent(member, purpose, on, by, partner=""):
    """She withdraws ``purpose`` from ``on``. A purpose registration covered, never recorded
    on its own, gets its row now: given on the day she registered, withdrawn on ``on``.
    Withdrawing twice keeps the first day."""
    partner = partner.strip()
    consent = Consent.objects.select_for_update().filter(member=member, purpose=purpose, partner=partner).first()
    if consent is None:
        given_on = member.consent_on if purpose in GIVEN_AT_REGISTRATION else on
        consent = Consent(member=member, purpose=purpose, partner=partner, given_on=min(given_on, on))
    if consent.withdrawn_on is None:
        consent.withdrawn_on, consent.recorded_by = max(on, consent.given_on), by
        consent.save()
    return consent


def consents_of(member):
    """[(purpose value, label, partner, given_on, withdrawn_on)] for every purpose: the rows
    recorded, and registration's for the purposes it covers that have none."""
    from .models import ConsentPurpose

    rows = list(member.consents.all())
    found = [(c.purpose, c.get_purpose_display(), c.partner, c.given_on, c.withdrawn_on) for c in rows]
    recorded = {c.purpose for c in rows}
    for purpose in GIVEN_AT_REGISTRATION:
        if purpose not in recorded:
            found.append((purpose, ConsentPurpose(purpose).label, "", member.consent_on, None))
    order = list(ConsentPurpose.values)
    return sorted(found, key=lambda row: (order.index(row[0]), row[2]))
