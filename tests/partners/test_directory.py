"""The directory of partners' services: read by every worker, kept by coordinators (their
branch's partners) and the secretariat (national partners)."""

import datetime

import pytest
from django.urls import reverse

from partners.models import Partner, PartnerLocation, PartnerService

from .conftest import add_service


def test_a_worker_finds_a_methadone_service_near_her_branch(client_of, putri, methadone, bali_needles, jakarta):
    response = client_of(putri).get(reverse("partner_directory"), {"kind": "methadone", "branch": jakarta.pk})
    page = response.content.decode()
    assert response.status_code == 200
    assert "PTRM Puskesmas Tanjung Priok" in page
    assert "Mon-Sat 08:00-12:00" in page and "Free with BPJS" in page
    assert "LASS Denpasar" not in page


def test_every_worker_reads_every_branch_s_services(client_of, people, methadone, bali_needles):
    for who in ("ayu", "bunga", "putri", "sari", "dewi"):
        page = client_of(people[who]).get(reverse("partner_directory")).content.decode()
        assert "PTRM Puskesmas Tanjung Priok" in page and "LASS Denpasar" in page, who


def test_a_search_by_place_finds_the_service(client_of, putri, methadone, bali_needles):
    page = client_of(putri).get(reverse("partner_directory"), {"q": "denpasar"}).content.decode()
    assert "LASS Denpasar" in page and "Tanjung Priok" not in page


def test_the_directory_page_names_no_user(client_of, putri, methadone):
    """The phone keeps a copy of it for use without signal: it must name nobody."""
    page = client_of(putri).get(reverse("partner_directory")).content.decode()
    assert "putri" not in page


def test_a_refer_now_link_only_for_those_who_record_work(client_of, putri, sari, methadone):
    link = reverse("referral_new") + f"?service={methadone.pk}"
    assert link in client_of(putri).get(reverse("partner_directory")).content.decode()
    assert link not in client_of(sari).get(reverse("partner_directory")).content.decode()


def test_the_directory_costs_the_same_queries_for_many_services(
    client_of, putri, karisma, jakarta, django_assert_max_num_queries
):
    client = client_of(putri)
    add_service(karisma, jakarta, "hiv", "VCT 1")
    client.get(reverse("partner_directory"))
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("partner_directory"))
    for n in range(30):
        add_service(karisma, jakarta, "hiv", f"VCT {n + 2}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("partner_directory")).content.decode()
    assert "VCT 31" in page


def test_a_coordinator_adds_a_partner_of_her_branch_with_a_place_and_a_service(client_of, ayu, jakarta):
    client = client_of(ayu)
    response = client.post(reverse("partner_create"), {"name": "Karisma", "branch": jakarta.pk, "active": "on"})
    partner = Partner.objects.get(name="Karisma")
    assert response.status_code == 302 and partner.branch == jakarta
    client.post(
        reverse("partner_location_create", args=[partner.pk]),
        {"name": "Klinik Karisma", "branch": jakarta.pk, "area": "Jakarta Timur"},
    )
    place = PartnerLocation.objects.get(partner=partner)
    response = client.post(
        reverse("partner_service_create", args=[partner.pk]),
        {
            "kind": "needle_syringe",
            "name": "LASS Karisma",
            "locations": [place.pk],
            "hours": "Daily 10-16",
            "last_checked_on": "2026-12-01",
            "welcomes_drug_users": "on",
            "active": "on",
        },
    )
    assert response.status_code == 302
    service = PartnerService.objects.get()
    assert list(service.locations.all()) == [place] and service.welcomes_drug_users


def test_a_coordinator_cannot_make_a_national_partner_or_one_of_another_branch(client_of, ayu, bali):
    client = client_of(ayu)
    for branch in ("", bali.pk):
        response = client.post(reverse("partner_create"), {"name": "Elsewhere", "branch": branch, "active": "on"})
        assert response.status_code == 200
    assert not Partner.objects.exists()


def test_the_secretariat_keeps_national_partners_only(client_of, sari, karisma):
    client = client_of(sari)
    client.post(reverse("partner_create"), {"name": "PKNI", "branch": karisma.branch_id, "active": "on"})
    assert Partner.objects.get(name="PKNI").branch is None
    assert client.get(reverse("partner_edit", args=[karisma.pk])).status_code == 403


def test_a_checked_date_in_the_future_is_refused(client_of, ayu, karisma):
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    response = client_of(ayu).post(
        reverse("partner_service_create", args=[karisma.pk]),
        {"kind": "hiv", "name": "VCT", "last_checked_on": tomorrow.isoformat(), "active": "on"},
    )
    assert response.status_code == 200
    assert not PartnerService.objects.exists()


def test_a_service_cannot_be_placed_at_another_partner_s_place(client_of, ayu, karisma, bali_needles):
    other_place = bali_needles.locations.get()
    response = client_of(ayu).post(
        reverse("partner_service_create", args=[karisma.pk]),
        {"kind": "hiv", "name": "VCT", "locations": [other_place.pk], "last_checked_on": "2026-12-01"},
    )
    assert response.status_code == 200
    assert not PartnerService.objects.filter(partner=karisma).exists()


# Who may change what: (status on the Jakarta partner, on the Bali one, on a national one).
CHANGE_EXPECTED = {
    "ayu": (200, 403, 403),
    "bunga": (403, 200, 403),
    "putri": (403, 403, 403),
    "sari": (403, 403, 200),
    "dewi": (200, 200, 200),
}


@pytest.mark.parametrize("who", CHANGE_EXPECTED)
@pytest.mark.parametrize(
    "name,of",
    [
        ("partner_edit", lambda s: s.partner),
        ("partner_location_create", lambda s: s.partner),
        ("partner_service_create", lambda s: s.partner),
        ("partner_location_edit", lambda s: s.locations.get()),
        ("partner_service_edit", lambda s: s),
    ],
)
def test_each_page_that_changes_the_directory_follows_the_branch_rule(
    client_of, people, methadone, bali_needles, national_partner, bali, who, name, of
):
    national = add_service(national_partner, bali, "legal_aid", "LBH Masyarakat")
    client = client_of(people[who])
    before = list(PartnerService.objects.order_by("pk").values_list("name", "kind"))
    places = list(PartnerLocation.objects.order_by("pk").values_list("name", flat=True))
    for expected, service in zip(CHANGE_EXPECTED[who], (methadone, bali_needles, national)):
        url = reverse(name, args=[of(service).pk])
        assert client.get(url).status_code == expected
        if expected != 200:
            response = client.post(
                url, {"name": "Changed", "kind": "hiv", "branch": bali.pk, "last_checked_on": "2026-12-01"}
            )
            assert response.status_code == expected
    assert list(PartnerService.objects.order_by("pk").values_list("name", "kind")) == before
    assert list(PartnerLocation.objects.order_by("pk").values_list("name", flat=True)) == places


@pytest.mark.parametrize("who,expected", [("ayu", 200), ("bunga", 200), ("putri", 403), ("sari", 200), ("dewi", 200)])
def test_who_may_add_a_partner(client_of, people, who, expected):
    assert client_of(people[who]).get(reverse("partner_create")).status_code == expected


@pytest.mark.parametrize("name", ["partner_directory", "partner_create"])
def test_anonymous_is_sent_to_login(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_partner_s_page_is_read_by_every_worker(client_of, people, bali_needles):
    for who in people:
        response = client_of(people[who]).get(reverse("partner_detail", args=[bali_needles.partner_id]))
        assert response.status_code == 200 and "LASS Denpasar" in response.content.decode()


def test_a_search_with_a_control_character_is_refused_with_a_message_and_finds_nothing(
    client_of, putri, methadone, bali_needles
):
    page = client_of(putri).get(reverse("partner_directory"), {"q": "denpa\x1bsar"}).content.decode()
    assert "karakter yang tidak dapat disimpan" in page
    assert "LASS Denpasar" not in page and "Tanjung Priok" not in page
    assert "Tidak ada layanan yang ditemukan." in page
