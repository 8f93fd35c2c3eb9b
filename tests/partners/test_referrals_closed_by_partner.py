"""A referral to a partner's service, made by code and closed by the partner through a
one-time link that needs no account."""

import datetime
import re
import uuid

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from services import partner_referrals
from services.models import Referral, ReferralOutcome
from services.models.referrals import ReferralLink
from tests.factories import MemberFactory


def refer(client, jakarta, service, code="SIBU2150390", key=None, on=None):
    return client.post(
        reverse("referral_new"),
        {
            "branch": jakarta.pk,
            "uic": code,
            "service": service.pk,
            "made_on": (on or jakarta.today()).isoformat(),
            "submission_key": str(key or uuid.uuid4()),
        },
    )


def link_of(client, referral):
    page = client.post(reverse("referral_link", args=[referral.pk])).content.decode()
    return re.search(r'value="(http://testserver/r/[^"]+/)"', page).group(1).removeprefix("http://testserver")


@pytest.fixture
def referral(client_of, putri, jakarta, methadone):
    refer(client_of(putri), jakarta, methadone)
    return Referral.objects.get()


def test_a_worker_refers_a_person_by_code_to_a_directory_service(client_of, putri, jakarta, methadone):
    client = client_of(putri)
    key = uuid.uuid4()
    response = refer(client, jakarta, methadone, code="sibu 2150390", key=key)
    refer(client, jakarta, methadone, code="SIBU2150390", key=key)  # a double tap
    referral = Referral.objects.get()
    assert response.status_code == 302 and response.url == reverse("referral_detail", args=[referral.pk])
    assert (referral.uic, referral.partner_service, referral.facility_kind) == ("SIBU2150390", methadone, "partner")
    assert referral.outcome == ReferralOutcome.PENDING and referral.made_by == putri
    assert referral.member is None


def test_a_member_s_code_ties_the_referral_to_her_record(client_of, putri, jakarta, methadone, mawar):
    refer(client_of(putri), jakarta, methadone, code=mawar.uic)
    assert Referral.objects.get().member == mawar


def test_a_code_that_is_no_code_is_refused_in_her_language(client_of, putri, jakarta, methadone):
    response = refer(client_of(putri), jakarta, methadone, code="MAWAR")
    assert response.status_code == 200 and not Referral.objects.exists()
    assert "SIBU2150390" in response.content.decode()


def test_a_worker_cannot_refer_in_another_branch(client_of, putri, bali, methadone):
    response = refer(client_of(putri), bali, methadone)
    assert response.status_code == 200 and not Referral.objects.exists()


def test_the_partner_confirms_through_the_link_and_it_dies(client, client_of, putri, referral, mawar):
    url = link_of(client_of(putri), referral)
    client.logout()
    page = client.get(url)
    text = page.content.decode()
    assert page.status_code == 200
    assert "SIBU2150390" in text and "PTRM Puskesmas Tanjung Priok" in text
    assert "Mawar" not in text and "Jakarta" not in text and "putri" not in text
    assert "no-store" in page["Cache-Control"] and page["Referrer-Policy"] == "no-referrer"

    response = client.post(url, {"came": "yes", "result": "started_methadone"})
    assert response.status_code == 200
    referral.refresh_from_db()
    assert referral.outcome == ReferralOutcome.REACHED and referral.result == "started_methadone"
    assert referral.confirmed_by_partner and referral.outcome_on == referral.branch.today()

    assert client.get(url).status_code == 404
    assert client.post(url, {"came": "no"}).status_code == 404
    referral.refresh_from_db()
    assert referral.outcome == ReferralOutcome.REACHED


def test_the_link_shows_nothing_of_other_referrals(client, client_of, putri, jakarta, methadone, referral):
    refer(client_of(putri), jakarta, methadone, code="MAAN1010190")
    url = link_of(client_of(putri), referral)
    client.logout()
    assert "MAAN1010190" not in client.get(url).content.decode()


def test_came_without_what_was_received_is_asked_again(client, client_of, putri, referral):
    url = link_of(client_of(putri), referral)
    client.logout()
    response = client.post(url, {"came": "yes"})
    assert response.status_code == 200
    referral.refresh_from_db()
    assert referral.outcome == ReferralOutcome.PENDING
    assert client.get(url).status_code == 200  # still alive: nothing was recorded


def test_only_the_token_s_hash_is_kept(client_of, putri, referral):
    url = link_of(client_of(putri), referral)
    token = url.split("/")[-2]
    link = ReferralLink.objects.get()
    assert token not in str(list(ReferralLink.objects.values_list()))
    assert len(link.token_hash) == 64
    assert token not in str(list(LogEntry.objects.values_list("changes", "additional_data")))


def test_a_new_link_kills_the_earlier_one(client, client_of, putri, referral):
    first = link_of(client_of(putri), referral)
    second = link_of(client_of(putri), referral)
    client.logout()
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200


def test_an_expired_link_is_dead(client, client_of, putri, referral):
    url = link_of(client_of(putri), referral)
    ReferralLink.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    client.logout()
    assert client.get(url).status_code == 404


def test_a_referral_closed_by_the_worker_kills_its_link(client, client_of, putri, referral):
    url = link_of(client_of(putri), referral)
    Referral.objects.update(outcome=ReferralOutcome.NOT_REACHED)
    client.logout()
    assert client.get(url).status_code == 404


def test_guessing_links_is_cut_off(client, db):
    for _ in range(partner_referrals.TRIES_PER_ADDRESS):
        assert client.get(reverse("partner_confirm", args=["x" * 32])).status_code == 404
    assert client.get(reverse("partner_confirm", args=["x" * 32])).status_code == 429


def test_each_opening_and_the_answer_are_in_the_audit_trail(client, client_of, putri, referral):
    url = link_of(client_of(putri), referral)
    client.logout()
    client.get(url)
    client.post(url, {"came": "no"})
    entries = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_pk=str(referral.pk))
    assert sorted(e.additional_data["what"] for e in entries) == ["partner answer", "partner link opened"]
    assert all(e.remote_addr == "127.0.0.1" and e.actor is None for e in entries)
    referral.refresh_from_db()
    assert referral.outcome == ReferralOutcome.NOT_REACHED and referral.result == ""


# Who may make a link for a Jakarta referral.
@pytest.mark.parametrize("who,expected", [("ayu", 200), ("putri", 200), ("bunga", 404), ("sari", 403), ("dewi", 200)])
def test_who_makes_a_link(client_of, people, referral, who, expected):
    response = client_of(people[who]).post(reverse("referral_link", args=[referral.pk]))
    assert response.status_code == expected
    assert ReferralLink.objects.count() == (1 if expected == 200 else 0)


@pytest.mark.parametrize("who,expected", [("ayu", 200), ("putri", 200), ("bunga", 404), ("sari", 200), ("dewi", 200)])
def test_who_reads_a_referral(client_of, people, referral, who, expected):
    assert client_of(people[who]).get(reverse("referral_detail", args=[referral.pk])).status_code == expected


@pytest.mark.parametrize("who,expected", [("ayu", 200), ("putri", 200), ("bunga", 200), ("sari", 403), ("dewi", 200)])
def test_who_refers(client_of, people, db, who, expected):
    assert client_of(people[who]).get(reverse("referral_new")).status_code == expected


def test_a_late_unconfirmed_referral_is_in_the_follow_up_list(client_of, ayu, bunga, putri, jakarta, methadone):
    refer(client_of(putri), jakarta, methadone, on=jakarta.today() - datetime.timedelta(days=15))
    page = client_of(ayu).get(reverse("referral_follow_up"), {"state": "overdue"}).content.decode()
    assert "SIBU2150390" in page and "PTRM Puskesmas Tanjung Priok" in page
    assert "SIBU2150390" not in client_of(bunga).get(reverse("referral_follow_up")).content.decode()


def test_a_member_of_the_branch_is_named_to_the_worker_never_to_the_partner(
    client, client_of, putri, jakarta, methadone
):
    member = MemberFactory(branch=jakarta, alias="Melati", uic="MELA2010190")
    refer(client_of(putri), jakarta, methadone, code=member.uic)
    url = link_of(client_of(putri), Referral.objects.get())
    client.logout()
    assert "Melati" not in client.get(url).content.decode()


def test_a_confirmed_outcome_counts_in_the_report_as_the_partner_said(
    client, client_of, putri, sari, jakarta, methadone
):
    from reports import periods
    from reports.building import build_report
    from reports.definitions import BRIDGING_THE_GAPS
    from reports.scopes import Scope

    client_p = client_of(putri)
    for code in ("SIBU2150390", "MAAN1010190", "MELA2010190"):
        refer(client_p, jakarta, methadone, code=code)
    first, second, third = Referral.objects.order_by("pk")
    for referral, answer in ((first, {"came": "yes", "result": "started_methadone"}), (second, {"came": "no"})):
        url = link_of(client_of(putri), referral)
        client.logout()
        client.post(url, answer)
    # The third one a worker closed by hand: not confirmed by the partner, not counted here.
    Referral.objects.filter(pk=third.pk).update(outcome=ReferralOutcome.REACHED, result="started_methadone")

    year = periods.year(jakarta.today().year)
    table = build_report(BRIDGING_THE_GAPS, year, Scope("national"), sari).table("partner_confirmed_results")
    counts = dict(zip(table.row_keys, (row[1] for row in table.rows)))
    assert counts["started_methadone"] == 1 and counts["tested_hiv"] == 0 and counts["total"] == 1
