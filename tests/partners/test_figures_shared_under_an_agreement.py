"""Figures shared with a partner under a data-sharing agreement: only the agreed figures, rounded
as for use outside OPSI, only ended periods inside the agreement, every release audited, nothing
after expiry or revocation, never a person's record."""

import csv
import datetime
import io
import re

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from partners.models import AgreementRelease, DataSharingAgreement
from services.visits import log_visit
from tests.factories import MemberFactory

D = datetime.date


@pytest.fixture
def agreement_link(client_of, sari, karisma):
    response = client_of(sari).post(
        reverse("agreement_new"),
        {
            "partner": karisma.pk,
            "purpose": "Planning harm-reduction outreach in Jakarta",
            "definition": "btg",
            "key_figures": ["visits", "unique_people"],
            "sections": ["access"],
            "scopes": ["national"],
            "period_start": "2025-01-01",
            "period_end": "2025-12-31",
            "expires_on": (timezone.localdate() + datetime.timedelta(days=365)).isoformat(),
            "signed_by": "Ketua OPSI; Direktur Karisma",
            "signed_on": "2025-01-15",
            "contact_name": "Rina (Karisma)",
        },
    )
    assert response.status_code == 200
    link = re.search(r'value="http://testserver(/shared/[^"]+/)"', response.content.decode()).group(1)
    return DataSharingAgreement.objects.get(), link


@pytest.fixture
def visits_2025(jakarta, jakarta_dic, catalogue, ayu):
    member = MemberFactory(branch=jakarta, alias="Melati", uic="MELA2010190")
    for day in (D(2025, 2, 3), D(2025, 5, 6), D(2025, 8, 7)):
        log_visit(
            centre=jakarta_dic, member=member, uic=member.uic, on=day, services={catalogue["counselling"]: 1}, by=ayu
        )
    return member


def _rows(response):
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_the_contact_downloads_only_the_agreed_figures_rounded(client, agreement_link, visits_2025):
    agreement, link = agreement_link
    client.logout()
    page = client.get(link)
    assert page.status_code == 200 and "Rina (Karisma)" in page.content.decode()
    response = client.get(link, {"period": "year:2025", "scope": "national"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = _rows(response)
    tables = {row[1] for row in rows[1:] if row[0] != "notes"}
    figures = {row[2] for row in rows if row[1] == "key figures"}
    assert "key figures" in tables and "services_by_type" in tables
    assert not tables & {"members_by_kind", "incidents_by_violation", "member_trainings"}  # not agreed
    assert len(figures) == 2
    values = [row[4] for row in rows[1:] if row[4] and row[1] != "note"]
    counts = [int(v) for v in values if v.lstrip("-").isdigit()]
    assert counts and all(n % 5 == 0 for n in counts)  # 3 visits are never shown as 3
    assert "Melati" not in response.content.decode() and "MELA2010190" not in response.content.decode()
    release = AgreementRelease.objects.get()
    assert (release.period, release.scope, release.address) == ("year:2025", "national", "127.0.0.1")
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS, additional_data__what="figures released").count() == 1


@pytest.mark.parametrize(
    "period,scope",
    [
        ("year:2024", "national"),  # before the agreement's figures
        ("year:2026", "national"),  # after them, and not ended
        ("quarter:2025:2", "region:west"),  # a breakdown not agreed
        ("quarter:2025:9", "national"),
        ("anything", "national"),
    ],
)
def test_nothing_outside_the_agreement_is_released(client, agreement_link, period, scope):
    agreement, link = agreement_link
    client.logout()
    response = client.get(link, {"period": period, "scope": scope})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert not AgreementRelease.objects.exists()


def test_nothing_is_released_after_revocation(client, client_of, sari, agreement_link):
    agreement, link = agreement_link
    client_of(sari).post(reverse("agreement_detail", args=[agreement.pk]), {"action": "revoke"})
    client.logout()
    assert client.get(link, {"period": "year:2025", "scope": "national"}).status_code == 404
    assert not AgreementRelease.objects.exists()


def test_nothing_is_released_after_expiry(client, agreement_link):
    agreement, link = agreement_link
    DataSharingAgreement.objects.update(expires_on=timezone.localdate() - datetime.timedelta(days=1))
    client.logout()
    assert client.get(link, {"period": "year:2025", "scope": "national"}).status_code == 404


def test_a_new_link_stops_the_old_one(client, client_of, sari, agreement_link):
    agreement, old = agreement_link
    page = client_of(sari).post(reverse("agreement_detail", args=[agreement.pk]), {"action": "link"}).content.decode()
    new = re.search(r'value="http://testserver(/shared/[^"]+/)"', page).group(1)
    client.logout()
    assert client.get(old).status_code == 404 and client.get(new).status_code == 200


def test_only_the_link_s_hash_is_kept(agreement_link):
    agreement, link = agreement_link
    token = link.split("/")[-2]
    assert token not in str(list(DataSharingAgreement.objects.values_list()))


@pytest.mark.parametrize("who,expected", [("ayu", 403), ("putri", 403), ("bunga", 403), ("sari", 200), ("dewi", 200)])
def test_only_the_secretariat_and_admins_keep_agreements(client_of, people, agreement_link, who, expected):
    agreement, _link = agreement_link
    client = client_of(people[who])
    for url in (reverse("agreement_list"), reverse("agreement_new"), reverse("agreement_detail", args=[agreement.pk])):
        assert client.get(url).status_code == expected
    if expected == 403:
        assert client.post(reverse("agreement_detail", args=[agreement.pk]), {"action": "revoke"}).status_code == 403
        agreement.refresh_from_db()
        assert agreement.revoked_at is None


def test_an_agreement_naming_nothing_or_ending_before_it_starts_is_refused(client_of, sari, karisma):
    response = client_of(sari).post(
        reverse("agreement_new"),
        {
            "partner": karisma.pk,
            "purpose": "x",
            "definition": "btg",
            "scopes": ["national"],
            "period_start": "2025-06-01",
            "period_end": "2025-01-01",
            "expires_on": "2030-01-01",
            "signed_by": "x",
            "signed_on": "2025-01-01",
            "contact_name": "x",
        },
    )
    assert response.status_code == 200 and not DataSharingAgreement.objects.exists()


def test_the_incident_figures_are_not_offered(client_of, sari):
    page = client_of(sari).get(reverse("agreement_new")).content.decode()
    assert 'value="incidents"' not in page and 'value="visits"' in page


def test_people_who_withdrew_from_sharing_with_this_partner_are_not_in_its_figures(
    client, agreement_link, jakarta, jakarta_dic, catalogue, ayu, karisma
):
    """Ten people visit in 2025, and the partner downloads the year: 10. Then, today, seven
    withdraw their consent to sharing: three with this partner (its name typed as the centre heard
    it), two with every partner, two with another partner only. The partner's next download of
    the same ended year counts 5 (a release is a new sharing); OPSI's own report still counts 10
    (multiples of 5 show as they are when rounded)."""
    from members.consent import withdraw_consent
    from members.models import ConsentPurpose
    from reports import periods
    from reports.building import build_report
    from reports.definitions import BRIDGING_THE_GAPS
    from reports.scopes import Scope

    people = [MemberFactory(branch=jakarta, alias=f"Orang {n}", joined_on=D(2024, 1, 1)) for n in range(10)]
    for person in people:
        log_visit(
            centre=jakarta_dic,
            member=person,
            uic=person.uic,
            on=D(2025, 3, 3),
            services={catalogue["counselling"]: 1},
            by=ayu,
        )
    agreement, link = agreement_link
    client.logout()
    people_label = "Orang yang berkunjung (menurut kode)"

    def shared():
        rows = _rows(client.get(link, {"period": "year:2025", "scope": "national"}))
        return {row[2]: row[4] for row in rows if row[1] == "key figures" and row[3] == "2025"}

    assert shared() == {"Kunjungan DIC": "10", people_label: "10"}
    today = timezone.localdate()
    for person in people[:3]:
        withdraw_consent(person, ConsentPurpose.PARTNER_SHARING, today, ayu, partner=f" {karisma.name.upper()} ")
    for person in people[3:5]:
        withdraw_consent(person, ConsentPurpose.PARTNER_SHARING, today, ayu)
    for person in people[5:7]:
        withdraw_consent(person, ConsentPurpose.PARTNER_SHARING, today, ayu, partner="Yayasan Lain")
    assert shared() == {"Kunjungan DIC": "10", people_label: "5"}
    own = build_report(BRIDGING_THE_GAPS, periods.year(2025), Scope("national"), ayu)
    assert own.figure("unique_people").value == 10
