"""Consent by purpose, honoured where it matters: a withdrawal from contact takes her off the
follow-up lists; a withdrawal from donor counting takes her out of the people a report counts
by code, for every period that ends on or after the day of the withdrawal, in the counting
query; kept figures of closed periods stay as they were."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from members.consent import give_consent, withdraw_consent
from members.models import Consent, ConsentPurpose
from outreach.models import OutreachContact, OutreachSession
from reports import periods
from reports.building import build_report
from reports.definitions import BRIDGING_THE_GAPS
from reports.scopes import Scope
from services.models import Referral, Visit

D = datetime.date


def _referral(member, made_on):
    return Referral.objects.create(
        branch=member.branch, member=member, uic=member.uic, made_on=made_on, facility_kind="puskesmas", service="IMS"
    )


def test_withdrawn_from_contact_she_is_on_no_follow_up_list(client_of, ayu, mawar, melati, jakarta_dic):
    old = timezone.localdate() - datetime.timedelta(days=30)
    hers, other = _referral(mawar, old), _referral(melati, old)
    client = client_of(ayu)
    before = client.get(reverse("referral_follow_up")).content.decode()
    assert reverse("referral_outcome", args=[hers.pk]) in before
    withdraw_consent(mawar, ConsentPurpose.OUTREACH_CONTACT, timezone.localdate(), ayu)
    after = client.get(reverse("referral_follow_up")).content.decode()
    home = client.get(reverse("home")).content.decode()
    for page in (after, home):
        assert reverse("referral_outcome", args=[hers.pk]) not in page
        assert reverse("referral_outcome", args=[other.pk]) in page
    give_consent(mawar, ConsentPurpose.OUTREACH_CONTACT, timezone.localdate(), ayu)
    assert reverse("referral_outcome", args=[hers.pk]) in client.get(reverse("referral_follow_up")).content.decode()


def _people(user, period):
    report = build_report(BRIDGING_THE_GAPS, period, Scope("national"), user)
    return report.figure("unique_people").value, report.table("outreach").value(
        _("People reached by code"), _("Number")
    )


def test_withdrawn_from_donor_counting_she_leaves_the_people_counted_from_that_day(
    sari, mawar, melati, jakarta, jakarta_dic
):
    session = OutreachSession.objects.create(branch=jakarta, held_on=D(2025, 2, 1), place_kind="hotspot", area="x")
    for member in (mawar, melati):
        for day in (D(2025, 2, 1), D(2025, 5, 1)):
            Visit.objects.create(drop_in_centre=jakarta_dic, member=member, uic=member.uic, visited_on=day)
        OutreachContact.objects.create(session=session, member=member, uic=member.uic)
    # A walk-in visit by her code, before a period's end, is hers too.
    Visit.objects.create(drop_in_centre=jakarta_dic, uic=mawar.uic, visited_on=D(2025, 4, 2))
    q1, q2 = periods.quarter(2025, 1), periods.quarter(2025, 2)
    withdraw_consent(mawar, ConsentPurpose.DONOR_COUNTING, D(2025, 4, 15), None)
    Consent.objects.get()  # one row: given when she registered, withdrawn on 15 April
    assert _people(sari, q2)[0] == 1  # the quarter that holds the day: Melati only
    assert _people(sari, q1) == (2, 2)  # ended before: both, at centres and at outreach
    assert _people(sari, periods.year(2025))[0] == 1


def test_kept_figures_of_a_closed_period_stay_after_a_withdrawal(sari, mawar, melati, jakarta_dic):
    for member in (mawar, melati):
        Visit.objects.create(drop_in_centre=jakarta_dic, member=member, uic=member.uic, visited_on=D(2025, 2, 1))
    q1 = periods.quarter(2025, 1)
    assert _people(sari, q1)[0] == 2  # counted once the quarter is over, and kept
    withdraw_consent(mawar, ConsentPurpose.DONOR_COUNTING, D(2025, 3, 1), None)  # dated inside it
    assert _people(sari, q1)[0] == 2  # a fact of a report already made


def test_a_withdrawal_dated_before_consent_was_given_is_never_stored_backwards(ayu, mawar):
    consent = withdraw_consent(mawar, ConsentPurpose.PARTNER_SHARING, D(2025, 1, 1), ayu, partner="Yayasan A")
    assert consent.withdrawn_on >= consent.given_on
    again = withdraw_consent(mawar, ConsentPurpose.PARTNER_SHARING, D(2025, 6, 1), ayu, partner="Yayasan A")
    assert again.withdrawn_on == D(2025, 1, 1)  # withdrawing twice keeps the first day


def test_the_coordinator_records_a_withdrawal_on_her_page(client_of, ayu, mawar, bunga):
    url = reverse("member_consent", args=[mawar.pk])
    today = mawar.branch.today()
    data = {"purpose": "outreach_contact", "action": "withdraw", "on": today.isoformat()}
    response = client_of(ayu).post(url, data)
    assert response.status_code == 302
    consent = Consent.objects.get(member=mawar)
    assert consent.withdrawn_on == today and consent.recorded_by == ayu
    assert client_of(bunga).get(url).status_code == 404


def test_a_consent_change_dated_back_is_refused_with_a_message(client_of, ayu, mawar):
    """Dated a month back, it would rewrite the figures of a quarter already reported."""
    back = (mawar.branch.today() - datetime.timedelta(days=30)).isoformat()
    response = client_of(ayu).post(
        reverse("member_consent", args=[mawar.pk]), {"purpose": "donor_counting", "action": "withdraw", "on": back}
    )
    assert response.status_code == 200 and not Consent.objects.exists()
    assert "paling lama 3 hari yang lalu" in response.content.decode()


def test_a_withdrawal_from_partner_sharing_holds_for_that_partner_or_every_partner(
    client_of, ayu, mawar, melati, kamboja
):
    from reports.consent import shareable_with

    on = mawar.branch.today()
    client = client_of(ayu)
    url = reverse("member_consent", args=[mawar.pk])
    data = {"purpose": "partner_sharing", "action": "withdraw", "on": on.isoformat(), "partner": "Yayasan A"}
    assert client.post(url, data).status_code == 302
    withdraw_consent(melati, ConsentPurpose.PARTNER_SHARING, on, ayu)  # every partner
    members = type(mawar).objects.order_by("alias")
    assert [m.alias for m in members.filter(shareable_with("Yayasan A"))] == ["Kamboja"]
    assert [m.alias for m in members.filter(shareable_with("yayasan b"))] == ["Kamboja", "Mawar"]
