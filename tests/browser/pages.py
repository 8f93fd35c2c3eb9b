"""What the phone tests share: logging a browser in as a named person, the records a
branch holds, the pages each role can reach, and axe-core's findings on a page."""

import datetime
import functools
from pathlib import Path

from django.conf import settings
from django.test import Client
from django.urls import reverse

from opsi import session_binding
from tests.conftest import login_with_second_factor

SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"


def log_in(page, live_server, user):
    """Put a logged-in session (with the second factor where the role needs it) into the browser."""
    client = login_with_second_factor(Client(), user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            },
            {
                "name": session_binding.COOKIE,
                "value": client.cookies[session_binding.COOKIE].value,
                "url": live_server.url,
            },
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": "id", "url": live_server.url},
        ]
    )


def type_login(phone, live_server, username, next_url="/"):
    """Log in through the login page as a person would, and land on ``next_url``."""
    from tests.factories import PASSWORD

    phone.goto(live_server.url + ("/login/" if next_url == "/" else f"/login/?next={next_url}"))
    phone.get_by_label("Nama pengguna").fill(username)
    phone.get_by_label("Sandi").fill(PASSWORD)
    phone.get_by_role("button", name="Masuk").click()
    phone.wait_for_url(live_server.url + next_url)


def branch_records(branch, centre, user):
    """One of everything a branch records, dated so that some of it is overdue."""
    import importlib

    from django.apps import apps as django_apps

    from incidents.models import Incident, Violation
    from outreach.models import OutreachSession, Training, TrainingAttendance
    from partners.models import CompanionEdition, Partner, PartnerLocation, PartnerService
    from privacy.models import Breach, MemberRequest
    from services.models import Referral, Visit
    from services.paperwork import open_case
    from tests.factories import MemberFactory

    today = branch.today()
    member = MemberFactory(branch=branch, alias="Kenanga", uic="KEBU2150390")
    visit = Visit.objects.create(
        drop_in_centre=centre, member=member, uic=member.uic, visited_on=today, recorded_by=user
    )
    old = Referral.objects.create(
        branch=branch,
        member=member,
        uic=member.uic,
        visit=visit,
        made_on=today - datetime.timedelta(days=40),
        facility_kind="puskesmas",
        service="Tes HIV",
    )
    Referral.objects.create(
        branch=branch, member=member, uic=member.uic, made_on=today, facility_kind="hospital", service="Pemeriksaan IMS"
    )
    case = open_case(member, "ktp", today - datetime.timedelta(days=45), user)
    incident = Incident.objects.create(
        branch=branch,
        occurred_on=today,
        place_kind="street",
        perpetrator="police",
        account="Razia malam.",
        consent="statistics",
    )
    Violation.objects.create(incident=incident, kind="arrest")
    session = OutreachSession.objects.create(branch=branch, held_on=today, place_kind="hotspot", area="Taman")
    training = Training.objects.create(
        title="Kesehatan reproduksi",
        topic="srhr",
        audience="members",
        branch=branch,
        starts_on=today - datetime.timedelta(days=2),
        ends_on=today,
    )
    TrainingAttendance.objects.create(training=training, member=member, day=training.starts_on)
    member_request = MemberRequest.objects.create(
        branch=branch, drop_in_centre=centre, member=member, kind="access", checked_how="known", recorded_by=user
    )
    breach = Breach.objects.create(what="Daftar kode anggota", how="Ponsel hilang")
    breach.branches.set([branch])
    breach.members.set([member])
    partner = Partner.objects.create(name="Karisma", branch=branch)
    place = PartnerLocation.objects.create(partner=partner, branch=branch, name="Puskesmas Koja", area="Jakarta Utara")
    methadone = PartnerService.objects.create(
        partner=partner, kind="methadone", name="PTRM Koja", hours="Sen-Sab 08.00-12.00", last_checked_on=today
    )
    methadone.locations.add(place)
    if not CompanionEdition.objects.exists():
        importlib.import_module("partners.migrations.0004_companion_first_edition").publish(django_apps, None)
    return {
        "partner": partner,
        "request": member_request,
        "breach": breach,
        "branch": branch,
        "centre": centre,
        "member": member,
        "visit": visit,
        "referral": old,
        "case": case,
        "incident": incident,
        "session": session,
        "training": training,
    }


REPORT_QUERY = "definition=btg&period_kind=year&year={year}&scope=branch:{branch}"

# Pages by URL name, with the object kind their URL needs (None: no object).
WRITER_PAGES = [
    ("home", None),
    ("visit_new", None),
    ("member_list", None),
    ("member_create", None),
    ("member_detail", "member"),
    ("member_edit", "member"),
    ("member_change_kind", "member"),
    ("member_leave", "member"),
    ("visit_detail", "visit"),
    ("referral_create", "visit"),
    ("referral_follow_up", None),
    ("referral_outcome", "referral"),
    ("stuck_cases", None),
    ("case_create", "member"),
    ("case_detail", "case"),
    ("branch_list", None),
    ("branch_detail", "branch"),
    ("drop_in_centre_detail", "centre"),
    ("centre_visits", "centre"),
    ("centre_stock", "centre"),
    ("session_list", None),
    ("session_new", None),
    ("session_detail", "session"),
    ("training_list", None),
    ("training_new", None),
    ("training_detail", "training"),
    ("training_modules", None),
    ("partner_directory", None),
    ("partner_detail", "partner"),
    ("referral_new", None),
    ("companion", None),
    ("report_page", None),
    ("password_change", None),
    ("two_factor_setup", None),
]
COORDINATOR_ONLY = [
    ("partner_create", None),
    ("partner_edit", "partner"),
    ("partner_location_create", "partner"),
    ("partner_service_create", "partner"),
    ("member_import", None),
    ("member_identity", "member"),
    ("drop_in_centre_create", "branch"),
    ("drop_in_centre_edit", "centre"),
    ("incident_list", None),
    ("incident_create", None),
    ("incident_detail", "incident"),
    ("alert_create", None),
    ("request_list", None),
    ("request_create", None),
    ("request_detail", "request"),
    ("access_copy", "request"),
    ("member_consent", "member"),
]
PRIVACY_PAGES = [
    ("home", None),
    ("request_list", None),
    ("request_detail", "request"),
    ("breach_list", None),
    ("breach_create", None),
    ("breach_detail", "breach"),
    ("breach_trail", "breach"),
    ("processing_register", None),
    ("password_change", None),
]
READER_PAGES = [
    ("home", None),
    ("member_list", None),
    ("member_detail", "member"),
    ("referral_follow_up", None),
    ("stuck_cases", None),
    ("case_detail", "case"),
    ("visit_detail", "visit"),
    ("branch_list", None),
    ("branch_detail", "branch"),
    ("drop_in_centre_detail", "centre"),
    ("centre_visits", "centre"),
    ("centre_stock", "centre"),
    ("session_list", None),
    ("session_detail", "session"),
    ("training_list", None),
    ("training_detail", "training"),
    ("training_modules", None),
    ("partner_directory", None),
    ("partner_detail", "partner"),
    ("companion", None),
    ("companion_edit", None),
    ("agreement_list", None),
    ("agreement_new", None),
    ("report_page", None),
    ("password_change", None),
    ("two_factor_setup", None),
]
CRISIS_PAGES = [
    ("home", None),
    ("incident_list", None),
    ("incident_detail", "incident"),
    ("password_change", None),
    ("two_factor_setup", None),
]

PAGES_BY_ROLE = {
    "coordinator": WRITER_PAGES + COORDINATOR_ONLY,
    "outreach_worker": WRITER_PAGES,
    "secretariat": READER_PAGES + [("training_new", None)],
    "admin": READER_PAGES + [("member_import", None), ("member_identity", "member")],
    "crisis_response": CRISIS_PAGES,
    "data_protection": PRIVACY_PAGES,
}


def url_of(name, kind, records):
    url = reverse(name, args=[records[kind].pk] if kind else [])
    if name == "report_page":
        url += "?" + REPORT_QUERY.format(year=records["branch"].today().year, branch=records["branch"].pk)
    return url


@functools.cache
def _axe_source():
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()


def axe_findings(page, impacts=("serious", "critical")):
    """axe-core's violations of the given impacts on the page as shown now.

    The app's CSP blocks an added <script> tag; evaluating the source is allowed."""
    result = page.evaluate(_axe_source() + ";axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in result["violations"]
        if v["impact"] in impacts
    ]


def screenshot(page, name):
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))  # the first screen, as a phone shows it
    page.screenshot(path=str(SCREENSHOTS / f"{name}-full.png"), full_page=True)


def words_broken_inside_table_cells(page):
    """Words of table cells that wrap inside themselves: the browser's own line boxes, read
    per word (a word laid out on two lines has two client rects). A row label may still
    wrap after the hyphen of a compound ("JKN-/KIS"), as print does; each part must hold."""
    return page.evaluate("""() => {
      const broken = [];
      for (const cell of document.querySelectorAll('main table th, main table td')) {
        const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const re = /[^\\s-]+-?/g; let m;
          while ((m = re.exec(node.textContent))) {
            const range = document.createRange();
            range.setStart(node, m.index); range.setEnd(node, m.index + m[0].length);
            const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
            if (tops.size > 1) broken.push(m[0]);
          }
        }
      }
      return broken;
    }""")
