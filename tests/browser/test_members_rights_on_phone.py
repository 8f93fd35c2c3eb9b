"""Members' rights under UU PDP 27/2022, on a 360 px phone: a coordinator records an access
request, the data protection officer sees it due, the member's copy shows her records and none
of another member's; a withdrawal from donor counting takes her out of the report's people, one from
sharing with a partner out of that partner's figures; a
breach opened shows its clock and its drafted notices."""

import pytest
from auditlog.models import LogEntry

from opsi.models import User
from privacy.models import Breach, MemberRequest
from services.models import Referral, Visit
from tests.factories import MemberFactory, UserFactory

from .pages import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _no_sideways_scroll(phone):
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


@pytest.fixture
def dora(db):
    return UserFactory(username="dora", role=User.Role.DATA_PROTECTION)


@pytest.fixture
def two_members(jakarta, jakarta_dic):
    today = jakarta.today()
    mawar = MemberFactory(branch=jakarta, alias="Mawar", uic="SIBU2150390")
    melati = MemberFactory(branch=jakarta, alias="Melati", uic="MELA2150390")
    for member, service in ((mawar, "Tes HIV Mawar"), (melati, "Tes IMS Melati")):
        visit = Visit.objects.create(drop_in_centre=jakarta_dic, member=member, uic=member.uic, visited_on=today)
        Referral.objects.create(
            branch=jakarta,
            member=member,
            uic=member.uic,
            visit=visit,
            made_on=today,
            facility_kind="puskesmas",
            service=service,
        )
    return mawar, melati


def test_an_access_request_from_the_centre_to_her_copy(live_server, phone, ayu, dora, jakarta_dic, two_members):
    mawar, melati = two_members
    log_in(phone, live_server, ayu)
    phone.goto(live_server.url + "/privacy/requests/new/")
    phone.locator("#id_member_code").fill(mawar.uic)
    phone.locator("#id_kind").select_option("access")
    phone.locator("input[name=checked_how][value=known]").check()
    phone.locator("#id_checked_in_person").check()
    _no_sideways_scroll(phone)
    screenshot(phone, "privacy-request-form")
    phone.get_by_role("button", name="Catat permintaan").click()
    phone.wait_for_selector("text=Permintaan dicatat")
    member_request = MemberRequest.objects.get()
    assert member_request.member == mawar and member_request.recorded_by == ayu

    # The data protection officer sees it due, on her home page and in the list, without the member.
    log_in(phone, live_server, dora)
    phone.goto(live_server.url + "/")
    assert phone.locator(f"a[href='/privacy/requests/{member_request.pk}/']").count() == 1
    phone.goto(live_server.url + "/privacy/requests/")
    card = phone.locator("li.card", has_text=f"#{member_request.pk}")
    assert "Batas waktu" in card.inner_text() and "Jakarta" in card.inner_text()
    assert "Mawar" not in phone.content() and mawar.uic not in phone.content()
    _no_sideways_scroll(phone)

    # Her copy, made by the coordinator where it is handed over.
    log_in(phone, live_server, ayu)
    phone.goto(live_server.url + f"/privacy/requests/{member_request.pk}/")
    phone.get_by_role("button", name="Tampilkan salinannya").click()
    phone.wait_for_selector("text=Apa yang disimpan OPSI tentang Anda")
    copy = phone.locator("article.access-copy").inner_text()
    assert "Tes HIV Mawar" in copy and mawar.uic in copy
    assert "Melati" not in copy and melati.uic not in copy and "Tes IMS Melati" not in copy
    _no_sideways_scroll(phone)
    screenshot(phone, "privacy-access-copy")
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS, additional_data__what="access copy page").count() == 2


def _people(phone):
    return phone.evaluate("""() => [...document.querySelectorAll('table.figures tbody tr')]
        .find(r => r.querySelector('th').textContent.includes('Orang yang berkunjung'))
        .querySelector('td').textContent.trim()""")


def test_withdrawn_from_donor_counting_she_leaves_the_report(live_server, phone, ayu, jakarta, two_members):
    mawar, _melati = two_members
    log_in(phone, live_server, ayu)
    report = f"/reports/?definition=btg&period_kind=year&year={jakarta.today().year}&scope=branch:{jakarta.pk}"
    phone.goto(live_server.url + report)
    assert _people(phone) == "2"
    phone.goto(live_server.url + f"/privacy/members/{mawar.pk}/consent/")
    phone.locator("#id_purpose").select_option("donor_counting")
    phone.locator("#id_action").select_option("withdraw")
    phone.locator("#id_on").fill(jakarta.today().isoformat())
    _no_sideways_scroll(phone)
    phone.get_by_role("button", name="Catat").click()
    phone.wait_for_selector("text=Persetujuan dicatat")
    assert "ditarik pada" in phone.locator("main").inner_text()
    phone.goto(live_server.url + report)
    assert _people(phone) == "1"


def test_a_breach_opened_shows_its_clock_and_its_notices(live_server, phone, dora, jakarta, two_members):
    mawar, _melati = two_members
    log_in(phone, live_server, dora)
    phone.goto(live_server.url + "/privacy/breaches/new/")
    phone.locator("#id_what").fill("Daftar kode anggota dan layanan yang diterima")
    phone.locator("#id_how").fill("Ponsel petugas hilang di angkot")
    phone.locator(f"input[name=branches][value='{jakarta.pk}']").check()
    phone.locator("#id_member_codes").fill(mawar.uic)
    phone.locator("#id_actions").fill("Akun diblokir dan sandi diganti")
    _no_sideways_scroll(phone)
    phone.get_by_role("button", name="Buka catatan").click()
    phone.wait_for_selector("text=Pemberitahuan kepada lembaga pengawas")
    clock = phone.locator("p.clock").inner_text()
    assert "sisa 71 jam" in clock or "sisa 72 jam" in clock
    notices = phone.locator("div.notice").all_inner_texts()
    assert len(notices) == 2
    assert all("Ponsel petugas hilang di angkot" in n and "Daftar kode anggota" in n for n in notices)
    assert "Anggota yang kami hormati" in notices[0] and "Jakarta" in notices[1]
    _no_sideways_scroll(phone)
    screenshot(phone, "privacy-breach")
    phone.get_by_role("link", name="Pembacaan catatan ini di jejak audit").click()
    phone.wait_for_selector("h1:text('Pembacaan catatan ini')")
    assert Breach.objects.get().members.get() == mawar


def test_withdrawn_from_sharing_with_a_partner_she_leaves_its_figures(live_server, phone, ayu, jakarta, jakarta_dic):
    """Ten people came to the centre in 2025; four had withdrawn their consent to sharing with
    every partner. On the phone, Mawar withdraws hers from Karisma: the next download of Karisma's
    agreed figures for 2025 counts the five left (a multiple of 5 shows as it is when rounded)."""
    import datetime

    from members.consent import withdraw_consent
    from members.models import ConsentPurpose
    from partners.models import DataSharingAgreement, Partner
    from reports.sharing import new_token

    people = [MemberFactory(branch=jakarta, alias=f"Orang {n}", joined_on=datetime.date(2024, 1, 1)) for n in range(9)]
    mawar = MemberFactory(branch=jakarta, alias="Mawar", joined_on=datetime.date(2024, 1, 1))
    for person in [*people, mawar]:
        Visit.objects.create(
            drop_in_centre=jakarta_dic, member=person, uic=person.uic, visited_on=datetime.date(2025, 3, 3)
        )
    for person in people[:4]:
        withdraw_consent(person, ConsentPurpose.PARTNER_SHARING, jakarta.today(), ayu)
    token, token_hash = new_token()
    DataSharingAgreement.objects.create(
        partner=Partner.objects.create(name="Karisma", branch=jakarta),
        purpose="x",
        definition="btg",
        key_figures=["unique_people"],
        sections=["access"],
        scopes=["national"],
        period_start="2025-01-01",
        period_end="2025-12-31",
        expires_on=jakarta.today() + datetime.timedelta(days=30),
        signed_by="x",
        signed_on="2025-01-01",
        contact_name="Rina",
        token_hash=token_hash,
    )
    log_in(phone, live_server, ayu)
    phone.goto(live_server.url + f"/privacy/members/{mawar.pk}/consent/")
    phone.locator("#id_purpose").select_option("partner_sharing")
    phone.locator("#id_action").select_option("withdraw")
    phone.locator("#id_partner").fill("karisma")
    phone.locator("#id_on").fill(jakarta.today().isoformat())
    _no_sideways_scroll(phone)
    phone.get_by_role("button", name="Catat").click()
    phone.wait_for_selector("text=Persetujuan dicatat")
    download = phone.request.get(live_server.url + f"/shared/{token}/?period=year:2025&scope=national")
    assert download.ok
    rows = [line.split(",") for line in download.text().splitlines()]
    people_row = [row for row in rows if len(row) > 4 and row[1] == "key figures" and row[3] == "2025"]
    assert [row[4] for row in people_row] == ["5"]
    assert "Mawar" not in download.text()
