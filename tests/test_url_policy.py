"""Every URL of the project has a declared access policy, and it holds.

The test walks the URL resolver, so a new page without a policy entry fails
here until someone decides who may see it.
"""

import pytest
from django.urls import URLResolver, get_resolver, reverse

import datetime

from incidents.models import Incident, Violation
from outreach.models import OutreachSession, Training, TrainingAttendance
from services.models import PaperworkCase, Referral, StockMovement, Visit
from services.paperwork import open_case
from members.models import Consent, Member
from partners.models import DataSharingAgreement, Partner, PartnerLocation, PartnerService
from opsi.tenant import DropInCentre
from privacy.models import Breach, MemberRequest
from opsi import jobs
from opsi.models import User
from tests.downloads import download
from tests.factories import DropInCentreFactory, MemberFactory, UserFactory

MARKER = "BALIMARKER"
POST_ONLY = {"referral_link", "breach_notified"}  # answered 405 to a GET
# The directory of partners holds no member data: every worker reads every branch's partners,
# and another branch's partner is a 403 to change, never a 404 (tests/partners/test_directory.py).
READ_BY_ALL = {
    "partner_detail",
    "partner_edit",
    "partner_location_create",
    "partner_location_edit",
    "partner_service_create",
    "partner_service_edit",
    "agreement_detail",  # kept by the secretariat, no branch's record: 403 to a coordinator
}

# name -> (needs login, object kind in the URL or None, extra URL args / query)
POLICY = {
    "home": (True, None, {}),
    "login": (False, None, {}),
    "logout": (False, None, {}),
    "quick_exit": (False, None, {}),
    "password_change": (True, None, {}),
    "password_change_done": (True, None, {}),
    "set_language": (False, None, {}),
    "healthz": (False, None, {}),
    "healthz_ready": (False, None, {}),
    "two_factor_verify": (True, None, {}),
    "two_factor_setup": (True, None, {}),
    "branch_list": (True, None, {}),
    "branch_detail": (True, "branch", {}),
    "drop_in_centre_create": (True, "branch", {}),
    "drop_in_centre_detail": (True, "centre", {}),
    "drop_in_centre_edit": (True, "centre", {}),
    "member_list": (True, None, {}),
    "member_create": (True, None, {}),
    "member_import": (True, None, {}),
    "member_import_sample": (True, None, {}),
    "member_export": (True, None, {"args": ["csv"]}),
    "member_detail": (True, "member", {}),
    "member_edit": (True, "member", {}),
    "member_change_kind": (True, "member", {}),
    "member_leave": (True, "member", {}),
    "member_identity": (True, "member", {}),
    "member_reveal": (True, "member", {}),
    "report_page": (True, None, {"query": "definition=btg&period_kind=year&year=2025&scope=national:"}),
    "report_download": (True, None, {"args": ["csv"], "query": "definition=btg&period_kind=year&year=2025"}),
    "size_estimates": (True, None, {}),
    "dhis2_exchange": (True, None, {"query": "definition=btg&period_kind=year&year=2025&scope=national:"}),
    # POST only (a GET is 405 once logged in; tests/reports/test_dhis2_exchange.py).
    "dhis2_download": (True, None, {"args": ["json"]}),
    "dhis2_send": (True, None, {}),
    # A file made on the queue: only its asker's (tests/jobs/test_job_access.py for every role).
    "job_progress": (True, "job", {}),
    "job_file": (True, "job", {}),
    "incident_list": (True, None, {}),
    "incident_create": (True, None, {}),
    "incident_detail": (True, "incident", {}),
    "incident_respond": (True, "incident", {}),
    "incident_refer": (True, "incident", {}),
    "alert_create": (True, None, {}),
    "visit_new": (True, None, {"query": "q=Kamboja"}),
    "visit_detail": (True, "visit", {}),
    "visit_art": (True, "visit", {}),
    "referral_create": (True, "visit", {}),
    "centre_visits": (True, "centre", {}),
    "centre_stock": (True, "centre", {}),
    "referral_follow_up": (True, None, {}),
    "referral_outcome": (True, "referral", {}),
    "referral_new": (True, None, {}),
    "referral_detail": (True, "referral", {}),
    "referral_link": (True, "referral", {}),
    # The partner's one-time link: no account; a wrong token is a 404 (tests/partners/).
    "partner_confirm": (False, None, {"args": ["x" * 32]}),
    "partner_directory": (True, None, {}),
    "partner_create": (True, None, {}),
    "partner_detail": (True, "partner", {}),
    "partner_edit": (True, "partner", {}),
    "partner_location_create": (True, "partner", {}),
    "partner_location_edit": (True, "partner_location", {}),
    "partner_service_create": (True, "partner", {}),
    "partner_service_edit": (True, "partner_service", {}),
    "case_create": (True, "member", {}),
    "case_detail": (True, "case", {}),
    "stuck_cases": (True, None, {}),
    "session_list": (True, None, {}),
    "session_new": (True, None, {}),
    "session_detail": (True, "session", {}),
    "training_list": (True, None, {}),
    "training_new": (True, None, {}),
    "training_detail": (True, "training", {}),
    "training_modules": (True, None, {}),
    "training_module_new": (True, None, {}),
    "companion": (True, None, {}),
    "companion_edit": (True, None, {}),
    "agreement_list": (True, None, {}),
    "agreement_new": (True, None, {}),
    "agreement_detail": (True, "agreement", {}),
    # A partner contact's link to figures under an agreement: no account; a wrong token is a 404.
    "shared_figures": (False, None, {"args": ["x" * 32]}),
    "service_worker": (False, None, {}),
    "web_manifest": (False, None, {}),
    "offline_capture": (True, None, {}),
    "offline_worker": (True, None, {}),
    # POST only, answering in JSON: anonymous is 401 (tests/fieldwork/test_sending_sealed_entries.py).
    "offline_send": (False, None, {}),
    "request_list": (True, None, {}),
    "request_create": (True, None, {}),
    "request_detail": (True, "request", {}),
    "access_copy": (True, "request", {}),
    "access_copy_pdf": (True, "request", {}),
    "member_consent": (True, "member", {}),
    "breach_list": (True, None, {}),
    "breach_create": (True, None, {}),
    "breach_detail": (True, "breach", {}),
    "breach_notified": (True, "breach", {}),
    "breach_trail": (True, "breach", {}),
    "processing_register": (True, None, {}),
}


def _url_names(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern).startswith("admin/"):
                continue  # the admin is covered by ScopedModelAdmin tests
            yield from _url_names(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield pattern.name


def test_every_url_has_a_policy():
    names = set(_url_names(get_resolver().url_patterns))
    assert names - set(POLICY) == set(), "add these URLs to the policy table"
    assert set(POLICY) - names == set(), "these policy entries name no URL"


@pytest.fixture
def bali_objects(bali):
    centre = DropInCentreFactory(branch=bali, name=f"DIC {MARKER}")
    member = MemberFactory(branch=bali, alias=f"Kamboja {MARKER}", uic="BALI2010190")
    incident = Incident.objects.create(
        branch=bali,
        occurred_on="2025-05-01",
        place_kind="street",
        perpetrator="police",
        account=f"account {MARKER}",
        consent="statistics",
    )
    Violation.objects.create(incident=incident, kind="arrest")
    visit = Visit.objects.create(drop_in_centre=centre, member=member, uic=member.uic, visited_on="2025-05-01")
    referral = Referral.objects.create(
        branch=bali,
        member=member,
        uic=member.uic,
        visit=visit,
        made_on="2025-01-01",
        facility_kind="puskesmas",
        service=f"HIV {MARKER}",
    )
    case = open_case(member, "ktp", datetime.date(2025, 1, 1), None)
    session = OutreachSession.objects.create(
        branch=bali, held_on="2025-05-01", place_kind="hotspot", area=f"Area {MARKER}"
    )
    # Bali's coordinator's export of Bali's members (MARKER among them), made and ready.
    bali_coordinator = UserFactory(username="bali_exporter", role=User.Role.COORDINATOR, branches=[bali])
    job, _ = jobs.request_job(bali_coordinator, "member_export", {"format": "csv", "query": ""})
    training = Training.objects.create(
        title=f"Training {MARKER}",
        topic="srhr",
        audience="members",
        branch=bali,
        starts_on="2025-05-01",
        ends_on="2025-05-01",
    )
    partner = Partner.objects.create(name="Yayasan Bali", branch=bali)
    place = PartnerLocation.objects.create(partner=partner, branch=bali, name="Klinik", area="Denpasar")
    partner_service = PartnerService.objects.create(
        partner=partner, kind="needle_syringe", name="LASS", last_checked_on="2026-11-01"
    )
    member_request = MemberRequest.objects.create(
        branch=bali, drop_in_centre=centre, member=member, kind="access", checked_how="known"
    )
    breach = Breach.objects.create(what=f"what {MARKER}", how=f"how {MARKER}")
    breach.branches.set([bali])
    breach.members.set([member])
    return {
        "request": member_request,
        "breach": breach,
        "agreement": DataSharingAgreement.objects.create(
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
            token_hash="0" * 64,
        ),
        "partner": partner,
        "partner_location": place,
        "partner_service": partner_service,
        "branch": bali,
        "centre": centre,
        "member": member,
        "incident": incident,
        "visit": visit,
        "referral": referral,
        "case": case,
        "session": session,
        "training": training,
        "job": job,
    }


def _url(name, objects):
    needs_login, kind, extra = POLICY[name]
    args = [objects[kind].pk] if kind else extra.get("args", [])
    url = reverse(name, args=args)
    return url + ("?" + extra["query"] if "query" in extra else "")


@pytest.mark.parametrize("name", [n for n, p in POLICY.items() if p[0]])
def test_anonymous_is_sent_to_login(client, bali_objects, name):
    response = client.get(_url(name, bali_objects))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def _snapshot():
    return (
        list(Member.objects.order_by("pk").values_list("alias", "kind", "left_on", "updated_at")),
        list(DropInCentre.objects.order_by("pk").values_list("name", "area", "active")),
        list(Incident.objects.order_by("pk").values_list("status", "closed_on")),
        sorted(Incident.objects.values_list("responses__pk", flat=True).exclude(responses__pk=None)),
        Visit.objects.count(),
        list(Referral.objects.order_by("pk").values_list("outcome", "outcome_on")),
        Referral.objects.count(),
        list(PaperworkCase.objects.order_by("pk").values_list("step", "step_on")),
        PaperworkCase.objects.count(),
        StockMovement.objects.count(),
        TrainingAttendance.objects.count(),
        list(OutreachSession.objects.values_list("area", flat=True)),
        list(MemberRequest.objects.order_by("pk").values_list("status", "outcome", "copy_made_at")),
        list(Breach.objects.order_by("pk").values_list("members_notified_at", "authority_notified_at")),
        list(Consent.objects.order_by("pk").values_list("purpose", "withdrawn_on")),
    )


@pytest.mark.parametrize("name", sorted(READ_BY_ALL))
def test_other_branch_partners_are_read_but_not_changed(client_of, ayu, jakarta, bali_objects, name):
    client = client_of(ayu)
    url = _url(name, bali_objects)
    before = [list(m.objects.order_by("pk").values()) for m in (Partner, PartnerLocation, PartnerService)]
    expected = 200 if name == "partner_detail" else 403
    assert client.get(url).status_code == expected
    response = client.post(
        url, {"name": "x", "kind": "hiv", "last_checked_on": "2026-01-01", "branch": jakarta.pk, "action": "revoke"}
    )
    assert response.status_code == (405 if name == "partner_detail" else 403)
    assert DataSharingAgreement.objects.filter(revoked_at__isnull=False).count() == 0
    assert [list(m.objects.order_by("pk").values()) for m in (Partner, PartnerLocation, PartnerService)] == before


@pytest.mark.parametrize("name", [n for n, p in POLICY.items() if p[1] and n not in READ_BY_ALL])
def test_other_branch_objects_are_404_and_stay_unchanged(client_of, ayu, jakarta, bali_objects, name):
    client = client_of(ayu)
    url = _url(name, bali_objects)
    before = _snapshot()
    # POST-only URLs answer a GET with 405, which tells nothing either.
    assert client.get(url).status_code in ((405,) if name in POST_ONLY else (404,))
    response = client.post(
        url,
        {
            "name": "x",
            "alias": "x",
            "kind": "former",
            "on": "2025-01-01",
            "help_kind": "legal",
            "given": "on",
            "field": "nik",
            "reason": "x",
            "outcome": "reached",
            "step": "gathered",
            "document": "ktp",
            "opened_on": "2025-01-01",
            "quantity": "5",
            "commodity": "1",
            "facility_kind": "puskesmas",
            "service": "x",
            "made_on": "2025-01-01",
        },
    )
    assert response.status_code == 404
    assert _snapshot() == before


@pytest.mark.parametrize("name", [n for n, p in POLICY.items() if p[0] and not p[1]])
def test_pages_and_files_of_a_jakarta_coordinator_hold_nothing_of_bali(
    client_of, ayu, jakarta, jakarta_dic, bali_objects, name
):
    MemberFactory(branch=jakarta, alias="Mawar")
    response = client_of(ayu).get(_url(name, bali_objects))
    assert response.status_code in (200, 302, 403, 404)
    assert MARKER not in response.content.decode("utf-8", errors="replace")


@pytest.mark.parametrize(
    "name,query",
    [
        ("member_list", "branch={bali}"),
        ("member_export", "branch={bali}"),
        ("report_page", "definition=btg&period_kind=year&year=2025&scope=branch:{bali}"),
        ("report_download", "definition=btg&period_kind=year&year=2025&scope=branch:{bali}"),
    ],
)
def test_a_tampered_branch_parameter_is_refused(client_of, ayu, jakarta, bali_objects, name, query):
    extra = POLICY[name][2]
    url = reverse(name, args=extra.get("args", [])) + "?" + query.format(bali=bali_objects["branch"].pk)
    # A file is asked for by its page's form, then fetched from its progress page.
    asked = name in ("member_export", "report_download")
    response = download(client_of(ayu), url) if asked else client_of(ayu).get(url)
    assert response.status_code in (200, 404)
    assert MARKER not in response.content.decode("utf-8", errors="replace")
    assert "Bali" not in response.content.decode("utf-8", errors="replace")
