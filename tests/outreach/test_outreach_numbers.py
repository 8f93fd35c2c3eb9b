import datetime

from outreach.models import (
    OutreachCommodity,
    OutreachContact,
    OutreachSession,
    OutsideParticipants,
    Training,
    TrainingAttendance,
)
from reports import periods
from reports.building import build_report
from reports.definitions import BRIDGING_THE_GAPS
from reports.scopes import Scope
from tests.factories import MemberFactory

D = datetime.date


def test_outreach_and_training_numbers_match_the_hand_count(jakarta, bali, sari, catalogue):
    mawar = MemberFactory(branch=jakarta, alias="Mawar", gender="woman", peer_educator=True)
    melati = MemberFactory(branch=jakarta, alias="Melati", gender="waria")
    s1 = OutreachSession.objects.create(
        branch=jakarta, held_on=D(2025, 3, 1), place_kind="hotspot", new_contacts=4, repeat_contacts=2
    )
    s1.peer_educators.set([mawar])
    OutreachContact.objects.create(session=s1, member=melati, uic=melati.uic)
    OutreachContact.objects.create(session=s1, uic="DEAG3010195")
    OutreachCommodity.objects.create(session=s1, commodity=catalogue["condom_item"], quantity=40)
    s2 = OutreachSession.objects.create(branch=bali, held_on=D(2025, 4, 1), place_kind="online", new_contacts=1)
    OutreachContact.objects.create(session=s2, uic="DEAG3010195")
    OutreachSession.objects.create(branch=jakarta, held_on=D(2024, 4, 1), place_kind="online", new_contacts=9)

    members_training = Training.objects.create(
        title="SRHR", topic="srhr", audience="members", branch=jakarta, starts_on=D(2025, 5, 1), ends_on=D(2025, 5, 2)
    )
    TrainingAttendance.objects.create(training=members_training, member=mawar, day=D(2025, 5, 1))
    TrainingAttendance.objects.create(training=members_training, member=mawar, day=D(2025, 5, 2))
    TrainingAttendance.objects.create(training=members_training, member=melati, day=D(2025, 5, 2))
    national = Training.objects.create(
        title="Nasional", topic="organising", audience="members", starts_on=D(2025, 8, 1), ends_on=D(2025, 8, 1)
    )
    TrainingAttendance.objects.create(training=national, member=mawar, day=D(2025, 8, 1))
    police = Training.objects.create(
        title="Polisi",
        topic="human_rights",
        audience="police",
        branch=bali,
        starts_on=D(2025, 9, 1),
        ends_on=D(2025, 9, 1),
    )
    OutsideParticipants.objects.create(training=police, gender="man", count=10)
    OutsideParticipants.objects.create(training=police, gender="woman", count=3)

    report = build_report(BRIDGING_THE_GAPS, periods.year(2025), Scope("national"), sari)
    assert report.figure("outreach_sessions").value == 2
    assert report.figure("outreach_sessions").previous == 1
    assert report.figure("members_trained").value == 2
    assert report.figure("active_peer_educators").value == 1
    outreach = {row[0]: row[1] for row in report.table("outreach").rows}
    assert list(outreach.values())[:5] == [2, 5, 2, 3, 2]  # sessions, new, repeat, contacts by code, people by code
    outside = report.table("outside_trainings")
    police_row = next(row for row in outside.rows if row[1] == 1)
    assert police_row[-1] == 13
    topics = {row[0]: row[1:] for row in report.table("member_trainings").rows}
    from outreach.models import TrainingTopic

    labels = dict(TrainingTopic.choices)
    assert topics[labels["srhr"]] == [1, 2]
    assert topics[labels["organising"]] == [1, 1]

    jakarta_only = build_report(BRIDGING_THE_GAPS, periods.year(2025), Scope("branch", str(jakarta.pk)), sari)
    assert jakarta_only.figure("outreach_sessions").value == 1
    assert jakarta_only.figure("members_trained").value == 2  # national training left out of a branch report
