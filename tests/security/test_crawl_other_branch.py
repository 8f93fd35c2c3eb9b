"""A crawl of every page as each branch role, feeding it another branch's people.

Jakarta's coordinator and outreach worker open every address of the app (their own
records where an address names one) and send every form what a curious user would
type: a Bali member's code, alias and NIK, in every field that could look them up.
What is typed is the start of her alias ("Kamboja"); whatever the page answers (a list,
a form error, a warning, a file), it never holds the rest of her alias, her branch's
name or her centre.
"""

import datetime

import pytest
from django.urls import reverse

from incidents.models import Incident
from members.identity import save_identity
from opsi import jobs
from opsi.models import User
from outreach.models import OutreachSession, Training
from partners.models import DataSharingAgreement, Partner, PartnerLocation, PartnerService
from privacy.models import Breach, MemberRequest
from services.models import Referral, Visit
from services.paperwork import open_case
from tests.factories import DropInCentreFactory, MemberFactory, UserFactory
from tests.test_url_policy import POLICY

MARKER = "KAMBOJAMARKER"
BALI_CODE = "DEAG3010199"
BALI_NIK = "5171014502900004"
SECRETS = [MARKER, "Denpasar", "Bali"]

# Every field name of the app's forms that takes a person, a code or a NIK.
HOSTILE = {
    "q": BALI_CODE,
    "uic": BALI_CODE,
    "typed_uic": BALI_CODE,
    "code": BALI_CODE,
    "codes": BALI_CODE,
    "people": BALI_CODE,
    "member": BALI_CODE,
    "member_code": BALI_CODE,
    "add": BALI_CODE,
    "alias": "Kamboja",
    "nik": BALI_NIK,
    "search": "Kamboja",
    "person": BALI_CODE,
    "kind": "regular",
    "gender": "woman",
    "work_setting": "street",
    "visited_on": "2025-05-02",
    "joined_on": "2025-05-02",
    "consent_on": "2025-05-02",
    "consent_version": "2025-1",
    "held_on": "2025-05-02",
    "occurred_on": "2025-05-02",
    "place_kind": "street",
    "reason": "cek",
}


@pytest.fixture
def bali_member(bali):
    DropInCentreFactory(branch=bali, name="DIC Denpasar", area="Denpasar")
    member = MemberFactory(branch=bali, alias=f"Kamboja {MARKER}", uic=BALI_CODE)
    save_identity(member, None, nik=BALI_NIK)
    return member


@pytest.fixture
def own_objects(jakarta, jakarta_dic):
    member = MemberFactory(branch=jakarta, alias="Melati", uic="SIBU2150391")
    incident = Incident.objects.create(
        branch=jakarta,
        occurred_on="2025-05-01",
        place_kind="street",
        perpetrator="police",
        account="x",
        consent="statistics",
    )
    visit = Visit.objects.create(drop_in_centre=jakarta_dic, member=member, uic=member.uic, visited_on="2025-05-01")
    referral = Referral.objects.create(
        branch=jakarta,
        member=member,
        uic=member.uic,
        visit=visit,
        made_on="2025-05-01",
        facility_kind="puskesmas",
        service="HIV",
    )
    breach = Breach.objects.create(what="x", how="y")
    breach.branches.set([jakarta])
    partner = Partner.objects.create(name="Karisma", branch=jakarta)
    place = PartnerLocation.objects.create(partner=partner, branch=jakarta, name="Klinik", area="Jakarta Timur")
    partner_service = PartnerService.objects.create(
        partner=partner, kind="methadone", name="PTRM", last_checked_on="2026-11-01"
    )
    partner_service.locations.add(place)
    agreement = DataSharingAgreement.objects.create(
        partner=partner,
        purpose="x",
        definition="btg",
        sections=["access"],
        scopes=["national"],
        period_start="2025-01-01",
        period_end="2025-12-31",
        expires_on="2030-01-01",
        signed_by="x",
        signed_on="2025-01-01",
        contact_name="x",
        token_hash="1" * 64,
    )
    return {
        "partner": partner,
        "partner_location": place,
        "partner_service": partner_service,
        "agreement": agreement,
        "request": MemberRequest.objects.create(
            branch=jakarta, drop_in_centre=jakarta_dic, member=member, kind="access", checked_how="known"
        ),
        "breach": breach,
        "branch": jakarta,
        "centre": jakarta_dic,
        "member": member,
        "incident": incident,
        "visit": visit,
        "referral": referral,
        "case": open_case(member, "ktp", datetime.date(2025, 5, 1), None),
        "session": OutreachSession.objects.create(
            branch=jakarta, held_on="2025-05-01", place_kind="hotspot", area="Kota"
        ),
        "training": Training.objects.create(
            title="SRHR", topic="srhr", audience="members", branch=jakarta, starts_on="2025-05-01", ends_on="2025-05-02"
        ),
        # An export of Jakarta's members (Melati among them) asked by Jakarta's own coordinator.
        "job": jobs.request_job(
            UserFactory(username="jakarta_exporter", role=User.Role.COORDINATOR, branches=[jakarta]),
            "member_export",
            {"format": "csv", "query": ""},
        )[0],
    }


def _address(name, objects):
    _needs_login, kind, extra = POLICY[name]
    args = [objects[kind].pk] if kind else extra.get("args", [])
    return reverse(name, args=args)


PAGES = sorted(name for name, (needs_login, _kind, _extra) in POLICY.items() if needs_login)


@pytest.mark.parametrize("role", ["ayu", "putri"])
@pytest.mark.parametrize("name", PAGES)
def test_no_page_or_answer_names_a_member_of_another_branch(client_of, request, role, name, bali_member, own_objects):
    client = client_of(request.getfixturevalue(role))
    address = _address(name, own_objects)
    answers = [
        client.get(address, HOSTILE),
        client.post(address, HOSTILE),
    ]
    for response in answers:
        assert response.status_code < 500
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8", errors="replace")
        for secret in SECRETS:
            assert secret not in text, f"{name} as {role} answered with {secret!r}"
