"""A closed period's report is the same today and after any later change."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings, strategies as st

from members.models import Member, MemberKind
from members.moving import move_member, set_peer_educator
from members.registration import change_kind, member_leaves
from reports import periods
from reports.building import build_report
from reports.definitions import BRIDGING_THE_GAPS, UNAIDS_GAM
from reports.scopes import Scope
from services.models import Referral, ReferralOutcome
from services.referrals import record_outcome
from tests.reports.test_access_indicators import access_data, gam_data  # noqa: F401  (fixtures)

D = datetime.date
CLOSED = periods.quarter(2025, 2)  # April to June 2025
AFTER = D(2025, 7, 1)


def snapshot(report):
    return (
        [(f.key, f.value, f.previous) for f in report.key_figures],
        [(t.key, [list(map(str, row)) for row in t.rows]) for s in report.sections for t in s.tables],
    )


def reports(user, branches):
    scopes = [Scope("national"), *[Scope("branch", str(b.pk)) for b in branches]]
    built = [build_report(BRIDGING_THE_GAPS, CLOSED, scope, user) for scope in scopes]
    built.append(build_report(UNAIDS_GAM, CLOSED, Scope("national"), user))
    return [snapshot(r) for r in built]


@pytest.fixture
def closed_data(report_data, gam_data, ayu):  # noqa: F811 (gam_data: the fixture imported above)
    """The two hand-counted datasets, a peer educator, and a referral of April with its
    outcome still unknown at the end of June."""
    Member.objects.filter(alias="Dahlia").update(peer_educator=True)
    Referral.objects.create(
        branch=report_data["jakarta"], made_on=D(2025, 4, 10), facility_kind="puskesmas", service="x"
    )
    return report_data


changes = st.lists(
    st.tuples(
        st.sampled_from(["kind", "leave", "move", "peer_educator", "outcome"]),
        st.integers(min_value=0, max_value=20),  # which member or referral
        st.integers(min_value=0, max_value=500),  # days after the period's end
        st.integers(min_value=0, max_value=2),  # which kind or outcome
    ),
    min_size=1,
    max_size=6,
)


def apply(change, members, referrals, branches, user):
    what, which, days, choice = change
    on = AFTER + datetime.timedelta(days=days)
    member = Member.objects.get(pk=members[which % len(members)])
    try:
        if what == "kind":
            change_kind(member, MemberKind.values[choice], on, user)
        elif what == "leave":
            member_leaves(member, on)
        elif what == "move":
            others = [b for b in branches if b.pk != member.branch_id]
            move_member(member, others[choice % len(others)], on, user)
        elif what == "peer_educator":
            set_peer_educator(member, not member.peer_educator, on, user)
        else:
            referral = Referral.objects.get(pk=referrals[which % len(referrals)])
            record_outcome(
                referral, [ReferralOutcome.REACHED, ReferralOutcome.NOT_REACHED][choice % 2], max(on, referral.made_on)
            )
    except ValidationError:
        pass  # a change the app refuses (same kind, before the current kind began...)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=changes)
def test_a_closed_period_report_does_not_change_after_later_changes(closed_data, sari, ayu, changes):
    branches = [closed_data["jakarta"], closed_data["bali"]]
    before = reports(sari, branches)
    members = list(Member.objects.order_by("pk").values_list("pk", flat=True))
    referrals = list(Referral.objects.order_by("pk").values_list("pk", flat=True))
    with transaction.atomic():
        for change in changes:
            apply(change, members, referrals, branches, ayu)
        assert reports(sari, branches) == before, changes
        transaction.set_rollback(True)


def test_new_members_keep_the_kind_they_joined_as(jakarta, ayu, sari):
    """Joined as a regular member in January, former from May: Q1's report still says regular."""
    from tests.factories import MemberFactory

    mawar = MemberFactory(branch=jakarta, alias="Mawar", joined_on=D(2025, 1, 20))
    q1 = periods.quarter(2025, 1)
    table = build_report(BRIDGING_THE_GAPS, q1, Scope("national"), sari).table("new_members")
    change_kind(mawar, "former", D(2025, 5, 1), ayu)
    assert build_report(BRIDGING_THE_GAPS, q1, Scope("national"), sari).table("new_members").rows == table.rows
    regular = dict(MemberKind.choices)["regular"]
    assert next(row for row in table.rows if row[0] == regular)[-1] == 1


def test_a_referral_outcome_recorded_later_stays_out_of_the_closed_period(jakarta, sari):
    referral = Referral.objects.create(branch=jakarta, made_on=D(2025, 5, 2), facility_kind="hospital", service="x")
    table = build_report(BRIDGING_THE_GAPS, CLOSED, Scope("national"), sari).table("referrals_by_outcome")
    record_outcome(referral, ReferralOutcome.REACHED, D(2025, 7, 15))
    assert (
        build_report(BRIDGING_THE_GAPS, CLOSED, Scope("national"), sari).table("referrals_by_outcome").rows
        == table.rows
    )
    year = build_report(BRIDGING_THE_GAPS, periods.year(2025), Scope("national"), sari).table("referrals_by_outcome")
    from services.models import FacilityKind

    assert year.value(dict(FacilityKind.choices)["hospital"], dict(ReferralOutcome.choices)["reached"]) == 1


def test_a_change_dated_before_the_last_recorded_one_is_refused(jakarta, bali, ayu):
    from tests.factories import MemberFactory

    melati = MemberFactory(branch=jakarta, alias="Melati", joined_on=D(2024, 1, 1))
    set_peer_educator(melati, True, D(2026, 6, 20), ayu)
    with pytest.raises(ValidationError):
        set_peer_educator(melati, False, D(2025, 7, 1), ayu)
    move_member(melati, bali, D(2026, 1, 1), ayu)
    with pytest.raises(ValidationError):
        move_member(melati, jakarta, D(2025, 12, 1), ayu)
    with pytest.raises(ValidationError):
        move_member(melati, jakarta, D(2099, 1, 1), ayu)  # not yet
