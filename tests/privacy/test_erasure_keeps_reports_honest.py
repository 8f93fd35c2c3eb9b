"""An erasure request done: she is gone from every table and the audit trail (members.erasure),
and the reports of closed periods keep their figures, kept or counted again."""

import datetime

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from members.erasure import forget_member
from opsi.models import KeptFact
from reports import periods
from reports.building import build_report
from reports.definitions import BRIDGING_THE_GAPS
from reports.scopes import Scope
from privacy.models import MemberRequest
from services.models import Referral, Visit

D = datetime.date


def _figures(user, period):
    report = build_report(BRIDGING_THE_GAPS, period, Scope("national"), user)
    return {key: report.figure(key).value for key in ("visits", "unique_people", "members", "new_members")}


def test_after_her_erasure_closed_periods_keep_their_figures(client_of, ayu, sari, mawar, melati, jakarta_dic):
    for member in (mawar, melati):
        Visit.objects.create(drop_in_centre=jakarta_dic, member=member, uic=member.uic, visited_on=D(2025, 2, 1))
    Referral.objects.create(
        branch=mawar.branch, member=mawar, uic=mawar.uic, made_on=D(2025, 2, 1), facility_kind="puskesmas", service="x"
    )
    client_of(ayu).get(reverse("member_detail", args=[mawar.pk]))  # a read in the trail
    q1 = periods.quarter(2025, 1)
    before = _figures(sari, q1)
    assert before["unique_people"] == 2 and KeptFact.objects.exists()
    old_code = mawar.uic

    asked = MemberRequest.objects.create(
        branch=mawar.branch,
        drop_in_centre=jakarta_dic,
        member=mawar,
        kind="erasure",
        checked_how="known",
        details="Mawar ingin semua datanya dihapus",
    )

    forget_member(mawar, by=ayu, reason="request")

    asked.refresh_from_db()
    assert asked.details == "" and asked.kind == "erasure"  # the request stays, what she said goes
    assert not [e for e in LogEntry.objects.all() if "ingin semua datanya" in str(e.changes)]

    assert _figures(sari, q1) == before  # read back from the kept figures
    KeptFact.objects.all().delete()
    assert _figures(sari, q1) == before  # and counted again: her pseudonym is still one person
    # Gone from the tables and the trail: no record nor entry holds her code or alias any more.
    assert not Visit.objects.filter(uic=old_code).exists() and not Referral.objects.filter(uic=old_code).exists()
    member_type = ContentType.objects.get_for_model(type(mawar))
    entries = LogEntry.objects.filter(content_type=member_type, object_pk=str(mawar.pk))
    assert [e.action for e in entries] == [LogEntry.Action.DELETE]  # only the record of the erasure
    assert not [e for e in LogEntry.objects.all() if old_code in str(e.changes) + e.object_repr]


def test_the_report_says_so_in_its_notes(sari):
    report = build_report(BRIDGING_THE_GAPS, periods.quarter(2025, 1), Scope("national"), sari)
    assert any(
        "nama samaran" in str(note) and "tetap seperti yang telah dilaporkan" in str(note)
        for note in report.definition.method_notes
    )
