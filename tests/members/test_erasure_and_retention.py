import datetime

from auditlog.models import LogEntry
from django.core.management import call_command
from django.urls import reverse

from members.erasure import forget_member
from members.identity import save_identity
from members.models import Member, MemberIdentity
from opsi.db import person_key
from reports import periods
from reports.building import build_report
from reports.definitions import BRIDGING_THE_GAPS
from reports.scopes import Scope
from services.models import Visit
from services.visits import log_visit
from tests.factories import MemberFactory

D = datetime.date


def test_forgetting_removes_identifying_fields_but_keeps_the_counts(jakarta, jakarta_dic, ayu, sari, catalogue):
    mawar = MemberFactory(branch=jakarta, alias="Mawar", uic="SIBU2150390", notes="catatan")
    save_identity(mawar, None, legal_name="Siti", nik="3171014502900004")
    log_visit(centre=jakarta_dic, member=mawar, uic="", on=D(2025, 5, 1), services={catalogue["rest"]: 1}, by=ayu)
    log_visit(centre=jakarta_dic, member=mawar, uic="", on=D(2025, 6, 1), services={catalogue["rest"]: 1}, by=ayu)
    before = build_report(BRIDGING_THE_GAPS, periods.year(2025), Scope("national"), sari)

    forget_member(mawar, by=ayu)

    mawar.refresh_from_db()
    assert mawar.alias == "—" and mawar.uic.startswith("ERASED") and mawar.notes == ""
    assert not MemberIdentity.objects.exists()
    # The visits' number for the old code goes with it: it could be matched to the code.
    assert Visit.objects.filter(member=mawar).count() == 2
    assert not Visit.objects.filter(person_key=person_key("SIBU2150390")).exists()
    after = build_report(BRIDGING_THE_GAPS, periods.year(2025), Scope("national"), sari)
    for key in ("visits", "unique_people", "members"):
        assert after.figure(key).value == before.figure(key).value
    trail = " ".join(str(e.changes) for e in LogEntry.objects.all())
    assert "Mawar" not in trail and "SIBU2150390" not in trail
    assert LogEntry.objects.filter(actor=ayu, changes__icontains="erased").exists()


def test_admin_forgets_a_member(client_of, dewi, jakarta):
    mawar = MemberFactory(branch=jakarta, alias="Mawar")
    client_of(dewi).post(
        reverse("admin:members_member_changelist"), {"action": "forget", "_selected_action": [mawar.pk]}
    )
    assert Member.objects.get().alias == "—"


def test_retention_forgets_members_who_left_long_ago(jakarta):
    MemberFactory(branch=jakarta, alias="Lama", joined_on=D(2010, 1, 1), left_on=D(2015, 1, 1))
    MemberFactory(branch=jakarta, alias="Baru", joined_on=D(2024, 1, 1))
    call_command("apply_retention")
    assert sorted(Member.objects.values_list("alias", flat=True)) == ["Baru", "—"]
    assert LogEntry.objects.filter(object_pk="retention").exists()
