"""Attacks on the audit trail and on odd input.

- An administrator reads the audit trail hoping to learn what happened in an incident.
- A member asks to be forgotten; someone later searches the database for the old code.
- A hurried or hostile user types dates like 0001-01-01 or 9999-12-31, or edits the URL.
"""

import datetime
import importlib
import inspect
import uuid

import pytest
from auditlog.models import LogEntry
from django.contrib.admin.models import CHANGE
from django.contrib.admin.models import LogEntry as AdminLogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.urls import reverse

from incidents.models import Incident, Response, Violation
from members.erasure import forget_member
from members.identity import save_identity
from members.models import Member, MemberIdentity
from opsi.db import person_key
from outreach.models import OutreachContact, OutreachSession, Training, TrainingScore
from services.models import PaperworkCase, Referral, StockMovement, Visit
from services.paperwork import advance, open_case
from services.referrals import refer
from services.visits import log_visit
from tests.factories import MemberFactory

D = datetime.date
CODE, ALIAS = "KEXQ2150390", "Kenangaxq"
INCIDENT_FORM = {
    "occurred_on": "2025-05-01",
    "place_kind": "brothel",
    "perpetrator": "satpol_pp",
    "kinds": ["extortion"],
    "account": "ACCOUNT-MARKER",
    "consent": "advocacy",
}
RESPONSE_NOTE = "NOTE-MARKER"


# --- 7. Incident contents through the audit trail ---------------------------------------------


def _incident_entries():
    types = [ContentType.objects.get_for_model(m) for m in (Incident, Violation, Response)]
    return LogEntry.objects.filter(content_type__in=types)


def _record_incident_with_help(client, member):
    client.post(
        reverse("incident_create"),
        {
            **INCIDENT_FORM,
            "member_code": member.uic,
            "submission_key": str(uuid.uuid4()),
        },
    )
    incident = Incident.objects.get()
    client.post(
        reverse("incident_respond", args=[incident.pk]), {"help_kind": "shelter", "given": "on", "note": RESPONSE_NOTE}
    )
    client.post(
        reverse("incident_refer", args=[incident.pk]),
        {
            "facility_kind": "hospital",
            "facility_name": "RS MARKER",
            "service": "VISUM-MARKER",
            "made_on": "2025-05-02",
        },
    )
    client.get(reverse("incident_detail", args=[incident.pk]))
    client.post(reverse("incident_respond", args=[incident.pk]), {"close": "1"})
    return incident


def test_incident_trail_says_who_and_when_but_not_what_happened(client_of, ayu, jakarta):
    member = MemberFactory(branch=jakarta, alias=ALIAS, uic=CODE)
    incident = _record_incident_with_help(client_of(ayu), member)

    entries = list(_incident_entries())
    # Created, a violation, a response, the status changes, the referral linked, the read.
    assert len(entries) >= 6
    assert all(e.actor == ayu and e.timestamp for e in entries)
    told = " ".join(
        f"{e.object_repr} {e.changes} {e.changes_text} {e.serialized_data} {e.additional_data}" for e in entries
    )
    secrets = [
        "brothel",
        "satpol",
        "Satpol",
        "Bordil",
        "extortion",
        "Pemerasan",
        "shelter",
        "ACCOUNT-MARKER",
        RESPONSE_NOTE,
        "MARKER",
        "advocacy",
        ALIAS,
        CODE,
        "'closed'",
        "responding",
        # the member harmed, by number: "member": ["None", "<pk>"]
        f"'{member.pk}'",
        f'"{member.pk}"',
    ]
    assert [s for s in secrets if s in told] == []
    assert LogEntry.objects.get_for_object(incident).filter(changes__has_key="status").exists()


def test_administrator_sees_no_incident_entry_in_the_audit_admin(client_of, ayu, dewi, jakarta):
    member = MemberFactory(branch=jakarta, alias=ALIAS, uic=CODE)
    _record_incident_with_help(client_of(ayu), member)
    member_entry = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Member)).first()
    incident_entries = list(_incident_entries())

    admin = client_of(dewi)
    listing = admin.get(reverse("admin:auditlog_logentry_changelist") + "?all=")
    assert listing.status_code == 200
    page = listing.content.decode()
    assert reverse("admin:auditlog_logentry_change", args=[member_entry.pk]) in page
    for entry in incident_entries:
        assert reverse("admin:auditlog_logentry_change", args=[entry.pk]) not in page
        assert admin.get(reverse("admin:auditlog_logentry_change", args=[entry.pk])).status_code in (302, 404)


def test_incident_entries_written_before_the_masking_are_emptied_by_the_migration(jakarta, ayu):
    incident = Incident.objects.create(
        branch=jakarta,
        occurred_on=D(2025, 5, 1),
        place_kind="brothel",
        perpetrator="satpol_pp",
        account="x",
        consent="advocacy",
    )
    old = LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Incident),
        object_pk=str(incident.pk),
        object_id=incident.pk,
        object_repr=f"#{incident.pk} Satpol PP (2025-05-01)",
        action=LogEntry.Action.CREATE,
        actor=ayu,
        changes={"perpetrator": ["None", "satpol_pp"], "place_kind": ["None", "brothel"]},
    )
    migration = importlib.import_module("incidents.migrations.0002_trail_tells_who_and_when")
    from django.apps import apps

    migration.hide_incident_values(apps, None)
    old.refresh_from_db()
    assert "Satpol" not in old.object_repr and "brothel" not in str(old.changes)
    assert set(old.changes) == {"perpetrator", "place_kind"} and old.actor == ayu


# --- 9. Erasure leaves nothing of the old code and alias --------------------------------------


def _columns_holding(*needles):
    """(table, column, needle) for every column of every table whose text holds a needle."""
    found = []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for column in connection.introspection.get_table_description(cursor, table):
                sql = f"SELECT COUNT(*) FROM {quote(table)} WHERE LOWER(CAST({quote(column.name)} AS TEXT)) LIKE LOWER(%s)"
                for needle in needles:
                    cursor.execute(sql, [f"%{needle}%"])
                    if cursor.fetchone()[0]:
                        found.append((table, column.name, needle))
    return found


@pytest.fixture
def kenanga_everywhere(client_of, ayu, dewi, jakarta, jakarta_dic, catalogue):
    """A member with a record of every kind, made the way users make them, and a trail
    that includes entries written the old way (object_repr with alias and code)."""
    client = client_of(ayu)
    client.post(
        reverse("member_create"),
        {
            "alias": ALIAS,
            "typed_uic": CODE,
            "gender": "woman",
            "kind": "regular",
            "work_setting": "street",
            "joined_on": "2024-01-15",
            "consent_on": "2024-01-15",
            "consent_version": "2025-1",
        },
    )
    member = Member.objects.get(uic=CODE)
    save_identity(member, None, legal_name="Siti", nik="3171014502900004")
    # A walk-in by the same code before registering, then visits as a member.
    log_visit(centre=jakarta_dic, member=None, uic=CODE, on=D(2024, 1, 2), services={catalogue["rest"]: 1}, by=ayu)
    client.post(
        reverse("visit_new") + f"?member={member.pk}",
        {
            "member": member.pk,
            "drop_in_centre": jakarta_dic.pk,
            "visited_on": "2024-03-01",
            "services": [catalogue["rest"].pk],
            "submission_key": str(uuid.uuid4()),
        },
    )
    visit = Visit.objects.get(member=member)
    refer(
        branch=jakarta,
        member=member,
        uic=member.uic,
        on=D(2024, 3, 1),
        facility_kind="puskesmas",
        facility_name="",
        service="HIV test",
        by=ayu,
        visit=visit,
    )
    case = open_case(member, "ktp", D(2024, 3, 1), ayu)
    advance(case, "gathered", D(2024, 3, 5), ayu, note="fotokopi")
    session = OutreachSession.objects.create(branch=jakarta, held_on=D(2024, 4, 1), place_kind="hotspot", area="Kota")
    OutreachContact.objects.create(session=session, member=member, uic=member.uic)
    training = Training.objects.create(
        title="SRHR", topic="srhr", audience="members", branch=jakarta, starts_on=D(2024, 5, 1), ends_on=D(2024, 5, 1)
    )
    TrainingScore.objects.create(training=training, member=member, pre=3, post=8)
    client.post(reverse("incident_create"), {**INCIDENT_FORM, "member_code": CODE, "submission_key": str(uuid.uuid4())})
    client.get(reverse("member_detail", args=[member.pk]))
    # The trail as it was written before codes left the records' names.
    for record in (case, visit, Referral.objects.get(member=member)):
        LogEntry.objects.create(
            content_type=ContentType.objects.get_for_model(record),
            object_pk=str(record.pk),
            object_id=record.pk,
            object_repr=f"KTP-el – {ALIAS} ({CODE})",
            action=LogEntry.Action.UPDATE,
            actor=ayu,
            changes={"uic": ["", CODE], "person_key": ["", str(person_key(CODE))], "member": ["", f"{ALIAS} ({CODE})"]},
            serialized_data={"fields": {"uic": CODE}},
            changes_text=f"{ALIAS} {CODE}",
        )
    # The admin's own history names the member as it was.
    AdminLogEntry.objects.log_actions(dewi.pk, [member], CHANGE, change_message="[]")
    AdminLogEntry.objects.log_actions(dewi.pk, [case], CHANGE, change_message="[]")
    return member


def test_after_erasure_the_old_code_and_alias_are_in_no_column_of_any_table(kenanga_everywhere, dewi):
    key = str(person_key(CODE))
    assert {needle for _t, _c, needle in _columns_holding(CODE, ALIAS, key)} == {CODE, ALIAS, key}

    forget_member(kenanga_everywhere, by=dewi)

    assert _columns_holding(CODE, ALIAS, key) == []
    # The records and the counts stay.
    assert Visit.objects.filter(uic=kenanga_everywhere.uic).count() == 2
    assert PaperworkCase.objects.filter(member=kenanga_everywhere).exists()


def test_after_erasure_a_peer_educator_and_trainee_is_in_no_column_of_any_table(kenanga_everywhere, ayu, dewi):
    """The trail of many-to-many links keeps each linked record's name (alias and code): the
    sessions she led, and one she was taken off, must lose it too."""
    from outreach.recording import record_session, set_attendance

    member, jakarta = kenanga_everywhere, kenanga_everywhere.branch
    mawar = MemberFactory(branch=jakarta, alias="Mawarxq", uic="MAWA2150390")
    led, _new = record_session(
        OutreachSession(branch=jakarta, held_on=D(2024, 6, 1), place_kind="hotspot", area="Kota"),
        topics=["condoms"],
        members=[],
        codes=[CODE],  # met by her code, before or beside her record
        commodities={},
        workers=[ayu],
        peer_educators=[member, mawar],
        by=ayu,
        submission_key=uuid.uuid4(),
    )
    left, _new = record_session(
        OutreachSession(branch=jakarta, held_on=D(2024, 7, 1), place_kind="venue"),
        topics=[],
        members=[member],
        codes=[],
        commodities={},
        workers=[],
        peer_educators=[member],
        by=ayu,
        submission_key=uuid.uuid4(),
    )
    left.peer_educators.remove(member)  # taken off the session: the trail still names her
    training = Training.objects.create(
        title="Paralegal",
        topic="rights",
        audience="members",
        branch=jakarta,
        starts_on=D(2024, 8, 1),
        ends_on=D(2024, 8, 2),
    )
    set_attendance(training, ayu, {(member.pk, D(2024, 8, 1)), (member.pk, D(2024, 8, 2))})
    set_attendance(training, ayu, {(member.pk, D(2024, 8, 1))}, shown=[member.pk])  # one day taken back
    trail = " ".join(str(entry.changes) for entry in LogEntry.objects.filter(object_pk__in=[led.pk, left.pk]))
    assert f"{ALIAS} ({CODE})" in trail and "Mawarxq (MAWA2150390)" in trail

    forget_member(member, by=dewi)

    assert _columns_holding(CODE, ALIAS, str(person_key(CODE))) == []
    # The sessions keep their peer educators and contacts, the training its attendance.
    assert set(led.peer_educators.all()) == {member, mawar}
    assert led.contacts.get().uic == member.uic
    assert training.attendance.filter(member=member).count() == 1
    trail = " ".join(str(entry.changes) for entry in LogEntry.objects.filter(object_pk__in=[led.pk, left.pk]))
    assert f"— ({member.uic})" in trail and "Mawarxq (MAWA2150390)" in trail


def test_erasing_a_peer_educator_leaves_the_others_of_her_sessions_named_in_full(ayu, dewi, jakarta):
    from outreach.recording import record_session

    melati = MemberFactory(branch=jakarta, alias="Melati", uic="MELA2150390")
    namesake = MemberFactory(branch=jakarta, alias="Melati Dua", uic="MELD2150390")
    session, _new = record_session(
        OutreachSession(branch=jakarta, held_on=D(2024, 6, 1), place_kind="hotspot"),
        topics=[],
        members=[],
        codes=[],
        commodities={},
        workers=[],
        peer_educators=[melati, namesake],
        by=ayu,
        submission_key=uuid.uuid4(),
    )

    forget_member(melati, by=dewi)

    entry = LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(OutreachSession), changes__has_key="peer_educators"
    )
    named = entry.changes["peer_educators"]["objects"]
    assert sorted(named) == sorted([f"— ({Member.objects.get(pk=melati.pk).uic})", "Melati Dua (MELD2150390)"])


def test_records_tied_to_a_member_are_named_without_code_or_alias(kenanga_everywhere):
    member = kenanga_everywhere
    records = [
        MemberIdentity.objects.get(member=member),
        *member.kind_periods.all(),
        *Visit.objects.filter(uic=CODE),
        *Referral.objects.filter(member=member),
        *PaperworkCase.objects.filter(member=member),
        *[step for case in PaperworkCase.objects.filter(member=member) for step in case.steps.all()],
        *OutreachContact.objects.filter(member=member),
        *TrainingScore.objects.filter(member=member),
        *Incident.objects.filter(member=member),
    ]
    assert len(records) >= 10
    assert [str(r) for r in records if CODE in str(r) or ALIAS in str(r)] == []


def test_a_new_member_entry_holds_no_code(client_of, ayu, jakarta):
    client_of(ayu).post(
        reverse("member_create"),
        {
            "alias": ALIAS,
            "typed_uic": CODE,
            "gender": "woman",
            "kind": "regular",
            "work_setting": "street",
            "joined_on": "2024-01-15",
            "consent_on": "2024-01-15",
            "consent_version": "2025-1",
        },
    )
    entry = LogEntry.objects.get(content_type=ContentType.objects.get_for_model(Member), action=LogEntry.Action.CREATE)
    assert CODE not in str(entry.changes) and "uic" in entry.changes


# --- 13 / 15.8. Odd input: a page or a form error, never a server error -----------------------


@pytest.mark.parametrize("value", ["abc", "3%00", "-1", "99999999999999999999", "3.0", "１２", "x" * 5000])
def test_visit_form_with_an_odd_member_number_is_not_found(client_of, ayu, jakarta, jakarta_dic, value):
    MemberFactory(branch=jakarta)
    assert client_of(ayu).get(reverse("visit_new") + f"?member={value}").status_code == 404


@pytest.mark.parametrize(
    "start,end",
    [
        ("0001-01-01", "0001-03-31"),
        ("0001-01-01", "2025-01-01"),
        ("9999-10-01", "9999-12-31"),
        ("1999-12-31", "2000-03-31"),
    ],
)
def test_a_report_range_near_year_one_or_9999_is_a_form_error(client_of, sari, start, end):
    query = f"definition=btg&period_kind=range&year=2025&start={start}&end={end}&scope=national:"
    response = client_of(sari).get(reverse("report_page") + "?" + query)
    assert response.status_code == 200
    assert "Tanggal tidak boleh" in response.content.decode()


def _form_classes():
    """Every form class of the project's apps."""
    from django import forms

    for app in ("members", "services", "outreach", "incidents", "reports", "opsi"):
        module = importlib.import_module(f"{app}.forms")
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                yield cls


def test_every_date_field_of_every_form_follows_the_one_date_rule():
    from django import forms

    from opsi.dates import DateField

    date_fields = [
        (cls.__name__, name, field)
        for cls in _form_classes()
        for name, field in cls.base_fields.items()
        if isinstance(field, forms.DateField)
    ]
    assert len(date_fields) >= 15
    assert [(form, name) for form, name, field in date_fields if not isinstance(field, DateField)] == []


def _messages(response):
    return response.content.decode()


EARLY = "Tanggal tidak boleh sebelum"


def test_a_visit_at_year_one_is_refused_with_a_message(client_of, ayu, jakarta, jakarta_dic, catalogue):
    response = client_of(ayu).post(
        reverse("visit_new") + "?walk_in=1",
        {
            "walk_in": "1",
            "walk_in_uic": CODE,
            "drop_in_centre": jakarta_dic.pk,
            "visited_on": "0001-01-01",
            "services": [catalogue["rest"].pk],
            "submission_key": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 200 and EARLY in _messages(response)
    assert not Visit.objects.exists()


def test_a_visit_before_the_member_joined_is_refused_and_a_walk_in_has_no_join_date(
    client_of, ayu, jakarta, jakarta_dic, catalogue
):
    member = MemberFactory(branch=jakarta, joined_on=D(2024, 1, 15))
    client = client_of(ayu)
    response = client.post(
        reverse("visit_new") + f"?member={member.pk}",
        {
            "member": member.pk,
            "drop_in_centre": jakarta_dic.pk,
            "visited_on": "2019-01-01",
            "services": [catalogue["rest"].pk],
            "submission_key": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 200
    assert "bergabung" in _messages(response)
    assert not Visit.objects.exists()
    walk_in = client.post(
        reverse("visit_new") + "?walk_in=1",
        {
            "walk_in": "1",
            "walk_in_uic": CODE,
            "drop_in_centre": jakarta_dic.pk,
            "visited_on": "2019-01-01",
            "services": [catalogue["rest"].pk],
            "submission_key": str(uuid.uuid4()),
        },
    )
    assert walk_in.status_code == 302 and Visit.objects.get().visited_on == D(2019, 1, 1)


@pytest.mark.parametrize("day", ["0001-01-01", "1999-12-31", "9999-12-31"])
def test_stock_received_at_an_impossible_date_is_refused(client_of, ayu, jakarta_dic, catalogue, day):
    response = client_of(ayu).post(
        reverse("centre_stock", args=[jakarta_dic.pk]),
        {
            "commodity": catalogue["condom_item"].pk,
            "quantity": "100",
            "on": day,
        },
    )
    assert response.status_code == 200 and "Tanggal" in _messages(response)
    assert not StockMovement.objects.exists()


@pytest.mark.parametrize("field", ["joined_on", "consent_on", "birth_date"])
def test_a_member_at_year_one_is_refused(client_of, ayu, jakarta, field):
    data = {
        "alias": ALIAS,
        "birth_date": "1990-03-15",
        "mother_first_name": "Siti",
        "father_first_name": "Budi",
        "gender": "woman",
        "kind": "regular",
        "work_setting": "street",
        "joined_on": "2024-01-15",
        "consent_on": "2024-01-15",
        "consent_version": "2025-1",
        field: "0001-01-01",
    }
    response = client_of(ayu).post(reverse("member_create"), data)
    assert response.status_code == 200 and EARLY in _messages(response)
    assert not Member.objects.exists()


def test_an_incident_at_year_one_is_refused(client_of, ayu, jakarta):
    response = client_of(ayu).post(
        reverse("incident_create"),
        {
            **INCIDENT_FORM,
            "occurred_on": "0001-01-01",
            "submission_key": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 200 and EARLY in _messages(response)
    assert not Incident.objects.exists()


def test_the_earliest_day_and_today_are_accepted(client_of, ayu, jakarta, jakarta_dic, catalogue):
    client = client_of(ayu)
    for day in ("2000-01-01", jakarta.today().isoformat()):
        response = client.post(
            reverse("centre_stock", args=[jakarta_dic.pk]),
            {
                "commodity": catalogue["condom_item"].pk,
                "quantity": "100",
                "on": day,
            },
        )
        assert response.status_code == 302
    assert StockMovement.objects.count() == 2


def test_a_birth_date_may_be_earlier_than_records_of_work():
    from opsi.dates import BirthDateField, DateField

    assert BirthDateField().clean("1960-05-01") == D(1960, 5, 1)
    with pytest.raises(Exception, match="2000"):
        DateField().clean("1960-05-01")


@pytest.mark.parametrize("day,message", [("0001-01-01", EARLY), ("9999-12-31", "Tanggal ini ada di masa depan")])
def test_an_imported_member_at_year_one_or_9999_is_listed_as_a_bad_row(client_of, ayu, jakarta, day, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.members.test_import_export import HEADER

    row = f"31,{CODE},{ALIAS},regular,woman,1990,street,{day},2024-01-15,no,,,\n"
    response = client_of(ayu).post(
        reverse("member_import"), {"file": SimpleUploadedFile("members.csv", (HEADER + row).encode())}
    )
    problems = dict(response.context["problems"])
    assert message in " ".join(problems[1])
    assert not Member.objects.exists()


def test_administrator_home_page_lists_no_incident_entry(client_of, ayu, dewi, jakarta):
    member = MemberFactory(branch=jakarta, alias=ALIAS, uic=CODE)
    _record_incident_with_help(client_of(ayu), member)
    incident_entries = list(_incident_entries())
    page = client_of(dewi).get(reverse("home")).content.decode()
    assert (
        reverse(
            "admin:auditlog_logentry_change",
            args=[LogEntry.objects.exclude(pk__in=[e.pk for e in incident_entries]).latest("timestamp").pk],
        )
        in page
    )
    assert [e.pk for e in incident_entries if reverse("admin:auditlog_logentry_change", args=[e.pk]) in page] == []
