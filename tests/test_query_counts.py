"""Every page a role reaches from the menu costs the same number of queries with 10 rows or 210.

A page whose count grows with its rows (one query per row shown, "N+1") is fast in a test
and slow at national scale; each page here is opened with few rows of everything, then again
after 200 more of each were added, and must cost no more queries the second time, within a
budget of its own. The cache is emptied before each reading, so what a page keeps for a while
(the secretariat's branch figures, the visit form's options) is counted as when read afresh.

A plain GET of a logged-in user costs the session and the user with the branches (and, for a
two-step role, the device the session was verified with), and writes nothing: the last-seen
stamp of the idle timeout is written at most once a minute.
"""

import datetime
import uuid

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from incidents.models import Incident, Violation
from members.models import Member, MemberKindPeriod
from opsi.models import User
from outreach.models import OutreachContact, OutreachSession, Training, TrainingAttendance
from services.models import CaseStep, PaperworkCase, Referral, ServiceType, Visit, VisitService

from .factories import UserFactory

FEW = 10
MORE = 200


@pytest.fixture
def rina(db):
    return UserFactory(username="rina", role=User.Role.CRISIS_RESPONSE)


class Rows:
    """Adds ``n`` rows of every kind a menu page lists, in Jakarta, many of them Mawar's."""

    def __init__(self, branch, centre, member, user):
        self.branch, self.centre, self.member, self.user = branch, centre, member, user
        self.made = 0

    def add(self, n):
        today = timezone.localdate()
        start = self.made
        self.made += n
        members = Member.objects.bulk_create(
            Member(
                branch=self.branch,
                uic=f"ROWS{i:07d}",
                alias=f"Anggota {i}",
                kind="regular",
                gender="woman",
                birth_year=1990,
                work_setting="street",
                joined_on=today - datetime.timedelta(days=400),
                consent_on=today - datetime.timedelta(days=400),
            )
            for i in range(start, start + n)
        )
        MemberKindPeriod.objects.bulk_create(
            MemberKindPeriod(member=m, kind=m.kind, started_on=m.joined_on) for m in members
        )
        # Half the rows are Mawar's (her page's timeline), half are other members' (the lists).
        people = [self.member if i % 2 else m for i, m in enumerate(members)]
        services = list(ServiceType.objects.all()[:2])
        visits = Visit.objects.bulk_create(
            Visit(
                drop_in_centre=self.centre,
                member=p,
                uic=p.uic,
                visited_on=today - datetime.timedelta(days=i % 20),
                submission_key=uuid.uuid4(),
                recorded_by=self.user,
            )
            for i, p in enumerate(people)
        )
        VisitService.objects.bulk_create(VisitService.line(v, s, 1) for v in visits for s in services)
        Referral.objects.bulk_create(
            Referral(
                branch=self.branch,
                member=p,
                uic=p.uic,
                visit=v,
                made_on=today - datetime.timedelta(days=i % 40),
                facility_kind="puskesmas",
                service="HIV test",
                made_by=self.user,
            )
            for i, (p, v) in enumerate(zip(people, visits))
        )
        cases = PaperworkCase.objects.bulk_create(
            PaperworkCase(
                member=p,
                document="ktp",
                opened_on=today - datetime.timedelta(days=60),
                step="submitted",
                step_on=today - datetime.timedelta(days=i % 50),
            )
            for i, p in enumerate(people)
        )
        CaseStep.objects.bulk_create(CaseStep(case=c, step=c.step, on=c.step_on) for c in cases)
        sessions = OutreachSession.objects.bulk_create(
            OutreachSession(
                branch=self.branch,
                held_on=today - datetime.timedelta(days=i % 30),
                place_kind="hotspot",
                new_contacts=1,
                repeat_contacts=1,
                recorded_by=self.user,
            )
            for i in range(n)
        )
        OutreachContact.objects.bulk_create(
            OutreachContact(session=s, member=p, uic=p.uic) for s, p in zip(sessions, people)
        )
        trainings = Training.objects.bulk_create(
            Training(
                title=f"Pelatihan {start + i}",
                topic="hiv_sti",
                audience="members",
                branch=self.branch,
                starts_on=(d := today - datetime.timedelta(days=i % 30)),
                ends_on=d,
                recorded_by=self.user,
            )
            for i in range(n)
        )
        TrainingAttendance.objects.bulk_create(
            TrainingAttendance(training=t, member=p, day=t.starts_on) for t, p in zip(trainings, people)
        )
        incidents = Incident.objects.bulk_create(
            Incident(
                branch=self.branch,
                member=p,
                uic=p.uic,
                occurred_on=today - datetime.timedelta(days=i % 30),
                place_kind="street",
                perpetrator="client",
                account="Dipukul.",
                consent="statistics",
                recorded_by=self.user,
            )
            for i, p in enumerate(people)
        )
        Violation.objects.bulk_create(Violation(incident=i, kind="violence") for i in incidents)


@pytest.fixture
def rows(jakarta, jakarta_dic, mawar, ayu, catalogue):
    return Rows(jakarta, jakarta_dic, mawar, ayu)


# (name, URL maker, query budget). The budget is what the page costs today with some room;
# the check that matters is that 200 more rows cost no more queries than 10.
PAGES = {
    "home": (lambda r: reverse("home"), 20),
    "member list": (lambda r: reverse("member_list"), 12),
    "member page with timeline": (lambda r: reverse("member_detail", args=[r.member.pk]), 24),
    "drop-in centre visits": (lambda r: reverse("centre_visits", args=[r.centre.pk]), 12),
    "visit form": (lambda r: reverse("visit_new") + f"?member={r.member.pk}", 12),
    "referrals": (lambda r: reverse("referral_follow_up"), 12),
    "paperwork": (lambda r: reverse("stuck_cases"), 12),
    "outreach": (lambda r: reverse("session_list"), 12),
    "trainings": (lambda r: reverse("training_list"), 12),
    "branches": (lambda r: reverse("branch_list"), 10),
    "incidents": (lambda r: reverse("incident_list"), 12),
    "reports": (lambda r: reverse("report_page"), 12),
}

# What each role reaches from its menu (templates/base.html, templates/includes/nav_items.html).
BRANCH_ROLE_PAGES = [
    "home",
    "member list",
    "member page with timeline",
    "drop-in centre visits",
    "visit form",
    "referrals",
    "paperwork",
    "outreach",
    "trainings",
    "branches",
    "reports",
]
MENUS = {
    "ayu": BRANCH_ROLE_PAGES + ["incidents"],
    "putri": BRANCH_ROLE_PAGES,
    "sari": [
        "home",
        "member list",
        "member page with timeline",
        "drop-in centre visits",
        "referrals",
        "paperwork",
        "outreach",
        "trainings",
        "branches",
        "reports",
    ],
    "dewi": [
        "home",
        "member list",
        "member page with timeline",
        "drop-in centre visits",
        "visit form",
        "referrals",
        "paperwork",
        "outreach",
        "trainings",
        "branches",
        "reports",
    ],
    "rina": ["home", "incidents"],
}
CASES = [(who, page) for who, pages in MENUS.items() for page in pages]


def _queries(client, url):
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return [q["sql"] for q in ctx.captured_queries]


@pytest.mark.parametrize("who,page", CASES, ids=[f"{who}-{page}" for who, page in CASES])
def test_menu_page_costs_the_same_queries_for_10_rows_or_210(
    who, page, people, rina, rows, client_of, django_assert_max_num_queries
):
    url_of, budget = PAGES[page]
    client = client_of(rina if who == "rina" else people[who])
    rows.add(FEW)
    url = url_of(rows)
    client.get(url)  # the first page of a login notes once whether two-step login is on
    with django_assert_max_num_queries(budget):
        few = _queries(client, url)
    rows.add(MORE)
    # Rows dated on days whose figures were kept (the secretariat's table) drop them: the next
    # page counts them again within the budget, and the one after reads them back.
    with django_assert_max_num_queries(budget):
        _queries(client, url)
    with django_assert_max_num_queries(len(few)):
        _queries(client, url)


# The session and the user with the branches; a two-step role reads its device too.
@pytest.mark.parametrize("who,budget", [("ayu", 2), ("putri", 2), ("sari", 3), ("dewi", 3)])
def test_a_plain_page_of_a_logged_in_user_reads_a_few_rows_and_writes_nothing(
    who, budget, people, jakarta_dic, client_of, django_assert_max_num_queries
):
    client = client_of(people[who])
    client.get(reverse("home"))  # the first page of a login stamps the session once
    for _ in range(3):
        with django_assert_max_num_queries(budget) as captured:
            response = client.get(reverse("healthz"))
        assert response.status_code == 200
        writes = [q["sql"] for q in captured.captured_queries if not q["sql"].lstrip().upper().startswith("SELECT")]
        assert writes == []


@pytest.mark.parametrize("who", ["ayu", "sari", "dewi"])
def test_the_member_page_reads_the_kind_history_once_and_asks_once_whether_she_may_be_changed(
    who, people, rows, client_of
):
    """The page lists the kind history and the timeline shows its changes: one read serves both;
    the actions and the identity reveal both follow from one question on write access."""
    rows.add(FEW)
    client = client_of(people[who])
    url = reverse("member_detail", args=[rows.member.pk])
    client.get(url)
    queries = _queries(client, url)
    assert sum('FROM "members_memberkindperiod"' in sql for sql in queries) == 1
    assert sum(sql.startswith('SELECT 1 AS "a" FROM "members_member"') for sql in queries) <= 1
