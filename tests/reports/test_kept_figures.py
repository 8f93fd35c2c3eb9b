"""A closed period's figures are kept as facts: read back, not recounted, and dropped the
moment a change dated inside the period is saved."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from members.models import Member, MemberKind
from members.moving import move_member
from members.registration import change_kind
from outreach.models import Training, TrainingAttendance
from reports import kept, periods
from reports.building import build_report
from reports.definitions import BRIDGING_THE_GAPS, UNAIDS_GAM
from opsi import kept as facts
from opsi.models import KeptFact
from reports.scopes import Scope
from services.visits import log_visit
from tests.factories import MemberFactory
from tests.reports.test_access_indicators import access_data, gam_data  # noqa: F401  (fixtures)

D = datetime.date
CLOSED = periods.year(2025)


def everything(report):
    """All a reader sees of a report, marks included."""
    return (
        [(f.key, f.label, f.value, f.previous) for f in report.key_figures],
        [(s.key, s.title, t.key, t.title, t.columns, t.rows, t.note) for s in report.sections for t in s.tables],
    )


def kept_figures():
    """Every kept report's figures."""
    return KeptFact.objects.filter(kind=kept.REPORT.name)


def kept_reports(period=CLOSED):
    """The kept figures of whole reports of ``period`` (the key figures of the year before,
    kept beside them, end earlier)."""
    return kept_figures().filter(ends_on=period.end)


def fresh(definition, period, scope, user, external=False):
    kept_figures().all().delete()
    return build_report(definition, period, scope, user, external)


def national(user):
    """The national Bridging the Gaps report of the closed year, as a reader gets it."""
    return build_report(BRIDGING_THE_GAPS, CLOSED, Scope("national"), user)


def national_fresh(user):
    """The same report counted with nothing kept: what the kept figures must equal."""
    return fresh(BRIDGING_THE_GAPS, CLOSED, Scope("national"), user)


def counselling(data, catalogue, member, on, by):
    """A counselling visit of ``member`` at the Jakarta centre on ``on``, logged as a coordinator does."""
    log_visit(centre=data["jakarta_dic"], member=member, uic="", on=on, services={catalogue["counselling"]: 1}, by=by)


def queries(fn):
    with CaptureQueriesContext(connection) as ctx:
        result = fn()
    return result, len(ctx.captured_queries)


@pytest.fixture
def data(report_data, access_data, gam_data, jakarta_dic):  # noqa: F811 (the fixtures imported above)
    return {**report_data, "jakarta_dic": jakarta_dic}


def scopes(data):
    return [Scope("national"), Scope("branch", str(data["jakarta"].pk)), Scope("branch", str(data["bali"].pk))]


@pytest.mark.parametrize("external", [False, True])
def test_kept_figures_equal_a_fresh_computation(data, sari, external):
    for definition in (BRIDGING_THE_GAPS, UNAIDS_GAM):
        for scope in scopes(data):
            for language in ("id", "en"):
                with translation.override(language):
                    computed = fresh(definition, CLOSED, scope, sari, external)
                    assert kept_reports().count() == 1
                    read_back, count = queries(lambda: build_report(definition, CLOSED, scope, sari, external))
                    assert everything(read_back) == everything(computed)
                    assert [f.sensitive for f in read_back.key_figures] == [f.sensitive for f in computed.key_figures]
                    assert count <= 4  # the branches in scope, the kept row, newer attendances, the scope's name


def test_a_closed_period_is_read_back_without_recounting(data, sari):
    _report, first = queries(lambda: national(sari))
    _report, second = queries(lambda: national(sari))
    assert first > 30
    assert second <= 3


def test_kept_figures_hold_counts_and_labels_never_a_member(data, sari):
    national(sari)
    assert kept_figures().count() == 2  # the report, and the key figures of the year before
    stored = str([kept_row.payload for kept_row in kept_figures().all()])
    for member in Member.objects.all():
        assert member.uic not in stored
        assert member.alias not in stored


def test_a_change_after_a_closed_period_changes_nothing_and_keeps_its_figures(data, sari, ayu, catalogue):
    built = everything(national(sari))
    kept_row = kept_reports().get()
    mawar = Member.objects.get(alias="Mawar", uic="SIBU2150390")
    counselling(data, catalogue, mawar, kept.today(), by=ayu)
    move_member(mawar, data["bali"], D(2026, 2, 1), ayu)
    change_kind(mawar, "former", D(2026, 3, 1), ayu)
    assert kept_reports().get().pk == kept_row.pk  # nothing reached into 2025
    read_back, count = queries(lambda: national(sari))
    assert count <= 3
    assert everything(read_back) == built == everything(national_fresh(sari))


def test_a_late_entry_dated_inside_a_closed_period_is_seen_at_once(data, sari, ayu, catalogue):
    before = national(sari)
    assert kept_figures().exists()
    mawar = Member.objects.get(alias="Mawar", uic="SIBU2150390")
    counselling(data, catalogue, mawar, D(2025, 8, 17), by=ayu)
    after = national(sari)
    assert after.figure("visits").value == before.figure("visits").value + 1
    assert everything(after) == everything(national_fresh(sari))


def test_a_member_joining_late_with_an_earlier_date_is_seen_at_once(data, sari):
    before = national(sari).figure("new_members").value
    MemberFactory(branch=data["bali"], alias="Anggrek", joined_on=D(2025, 9, 9))
    assert national(sari).figure("new_members").value == before + 1


def test_attendance_recorded_in_bulk_inside_a_closed_period_is_seen_at_once(data, sari, ayu):
    def trained():
        return national(sari).figure("members_trained").value

    training = Training.objects.create(
        title="Hak hukum",
        topic="hiv_sti",
        audience="members",
        branch=data["jakarta"],
        starts_on=D(2025, 10, 1),
        ends_on=D(2025, 10, 1),
        recorded_by=ayu,
    )
    before = trained()
    assert kept_figures().exists()
    member = Member.objects.get(alias="Mawar", uic="SIBU2150390")
    # Recorded as the attendance page records it: in bulk, no signal.
    TrainingAttendance.objects.bulk_create([TrainingAttendance(training=training, member=member, day=D(2025, 10, 1))])
    assert trained() == before + 1


def test_kept_figures_are_per_code_version(data, sari, monkeypatch):
    national(sari)
    monkeypatch.setattr(kept.REPORT, "version", "another release")
    _report, count = queries(lambda: national(sari))
    assert count > 30
    assert kept_reports().count() == 2


def _late_changes(data, ayu, catalogue):
    """Changes dated inside 2025, saved now, each through the app's own operation."""
    from incidents.models import Incident
    from incidents.recording import record_incident
    from members.moving import set_peer_educator
    from members.registration import member_leaves
    from services.models import Referral
    from services.paperwork import advance, open_case

    def mawar():
        return Member.objects.get(alias="Mawar", uic="SIBU2150390")

    return {
        "visit": lambda: log_visit(
            centre=data["jakarta_dic"],
            member=mawar(),
            uic="",
            on=D(2025, 8, 17),
            services={catalogue["condoms"]: 3},
            by=ayu,
        ),
        "kind": lambda: change_kind(mawar(), "former", D(2025, 9, 1), ayu),
        "leaving": lambda: member_leaves(mawar(), D(2025, 10, 1)),
        "peer educator": lambda: set_peer_educator(mawar(), True, D(2025, 10, 1), ayu),
        "new member": lambda: MemberFactory(branch=data["bali"], alias="Anggrek", joined_on=D(2025, 9, 9)),
        "referral": lambda: Referral.objects.create(
            branch=data["bali"], made_on=D(2025, 11, 2), facility_kind="hospital", service="x"
        ),
        "document": lambda: advance(
            open_case(Member.objects.get(alias="Kamboja", uic="KAMB2010190"), "bpjs", D(2025, 3, 1), ayu),
            "issued",
            D(2025, 5, 1),
            ayu,
            today=D(2026, 1, 1),
        ),
        "incident": lambda: record_incident(
            Incident(
                branch=data["jakarta"],
                member=mawar(),
                uic="SIBU2150390",
                occurred_on=D(2025, 12, 1),
                place_kind="street",
                perpetrator="client",
                account="Dipukul.",
                consent="statistics",
            ),
            ["violence"],
            ayu,
        ),
        "training": lambda: Training.objects.create(
            title="Hak hukum",
            topic="hiv_sti",
            audience="members",
            branch=data["jakarta"],
            starts_on=D(2025, 10, 1),
            ends_on=D(2025, 10, 1),
            recorded_by=ayu,
        ),
    }


@pytest.mark.parametrize(
    "change",
    ["visit", "kind", "leaving", "peer educator", "new member", "referral", "document", "incident", "training"],
)
def test_a_late_change_of_every_kind_dated_inside_a_closed_period_is_seen_at_once(data, sari, ayu, catalogue, change):
    for definition in (BRIDGING_THE_GAPS, UNAIDS_GAM):
        build_report(definition, CLOSED, Scope("national"), sari)
    assert kept_reports().count() == 2
    _late_changes(data, ayu, catalogue)[change]()
    for definition in (BRIDGING_THE_GAPS, UNAIDS_GAM):
        shown = everything(build_report(definition, CLOSED, Scope("national"), sari))
        assert shown == everything(fresh(definition, CLOSED, Scope("national"), sari)), (change, definition.key)


def test_kept_figures_past_their_age_are_counted_again_and_pruned(data, sari):
    national(sari)
    build_report(UNAIDS_GAM, CLOSED, Scope("national"), sari)
    kept_figures().update(made_at=timezone.now() - facts.MAX_AGE - datetime.timedelta(minutes=1))
    _report, count = queries(lambda: national(sari))
    assert count > 30
    assert kept_reports().count() == 1  # the stale GAM figures went with it
    assert kept_figures().count() == 2  # this report's, and its year before's key figures


def test_a_change_of_kind_today_drops_the_figures_of_the_period_she_joined_in(data, sari, ayu):
    """New members are grouped by the kind they joined with; one whose kind history does not
    reach back to her joining is grouped by her present kind, so today's change reaches back."""
    member = Member.objects.filter(joined_on__gte=CLOSED.start, joined_on__lte=CLOSED.end, left_on=None).first()
    member.kind_periods.all().delete()  # registered before kinds had a history
    national(sari)
    assert kept_reports().count() == 1
    other = next(kind for kind in MemberKind.values if kind != member.kind)
    change_kind(member, other, timezone.localdate(), ayu)
    assert kept_reports().count() == 0
    after = national(sari)
    assert everything(after) == everything(national_fresh(sari))


def test_erasing_a_member_drops_every_kept_figure(data, sari):
    """Erasure rewrites codes without a signal: people counted under two codes may become one."""
    from members.erasure import forget_member

    build_report(UNAIDS_GAM, CLOSED, Scope("national"), sari)
    assert kept_figures().count() == 2
    forget_member(Member.objects.filter(joined_on__lte=CLOSED.end).first(), by=sari)
    assert kept_figures().count() == 0


# The key figures of the year before, kept beside a report: a recount or the open year's report
# counts its own period only, and shows what a full count shows.

BEFORE = periods.year(2024)


def test_a_recount_after_a_late_change_reads_the_year_before_from_its_kept_key_figures(data, sari, ayu, catalogue):
    _report, full = queries(lambda: national_fresh(sari))
    mawar = Member.objects.get(alias="Mawar", uic="SIBU2150390")
    counselling(data, catalogue, mawar, D(2025, 8, 17), by=ayu)
    assert not kept_reports().exists() and kept_reports(BEFORE).exists()  # 2024 ended before the change
    recounted, count = queries(lambda: national(sari))
    assert count < full - 5  # the year before is not counted again
    assert everything(recounted) == everything(national_fresh(sari))


def test_a_late_visit_dated_in_the_year_before_reaches_its_column_at_once(data, sari, ayu, catalogue):
    before = national(sari)
    assert kept_reports(BEFORE).exists()
    mawar = Member.objects.get(alias="Mawar", uic="SIBU2150390")
    counselling(data, catalogue, mawar, D(2024, 6, 3), by=ayu)
    after = national(sari)
    assert after.figure("visits").previous == before.figure("visits").previous + 1
    assert after.figure("visits").value == before.figure("visits").value
    assert everything(after) == everything(national_fresh(sari))


def test_attendance_recorded_in_bulk_in_the_year_before_reaches_its_column_at_once(data, sari, ayu):
    training = Training.objects.create(
        title="Hak hukum",
        topic="hiv_sti",
        audience="members",
        branch=data["jakarta"],
        starts_on=D(2024, 10, 1),
        ends_on=D(2024, 10, 1),
        recorded_by=ayu,
    )
    before = national(sari).figure("members_trained").previous
    assert kept_reports(BEFORE).exists()
    member = Member.objects.get(alias="Mawar", uic="SIBU2150390")
    TrainingAttendance.objects.bulk_create([TrainingAttendance(training=training, member=member, day=D(2024, 10, 1))])
    after = national(sari).figure("members_trained").previous
    assert after == before + 1


def test_the_open_years_report_shows_last_year_as_its_own_report_does_and_counts_it_once(data, sari, ayu, catalogue):
    this_year = periods.year(kept.today().year)
    assert this_year.previous() == CLOSED
    _first, first = queries(lambda: build_report(BRIDGING_THE_GAPS, this_year, Scope("national"), sari))
    mawar = Member.objects.get(alias="Mawar", uic="SIBU2150390")
    counselling(data, catalogue, mawar, kept.today(), by=ayu)
    second, count = queries(lambda: build_report(BRIDGING_THE_GAPS, this_year, Scope("national"), sari))
    assert count < first - 5
    assert second.figure("visits").value == _first.figure("visits").value + 1  # the open year is counted live
    last_year = {f.key: f.value for f in national_fresh(sari).key_figures}
    # The incident figures of the open year are not shown to the secretariat (reports.protection).
    assert [f.key for f in second.key_figures if f.sensitive] == []
    assert [f.previous for f in second.key_figures] == [last_year[f.key] for f in second.key_figures]


def test_the_nightly_count_leaves_the_days_first_reader_kept_figures_equal_to_a_count(data, sari):
    from django.core.management import call_command

    this_year = periods.year(kept.today().year)
    kept_figures().all().delete()
    _report, open_alone = queries(lambda: build_report(BRIDGING_THE_GAPS, this_year, Scope("national"), sari))
    kept_figures().all().delete()
    call_command("keep_reports", stdout=open("/dev/null", "w"))
    kinds = [(definition, language) for definition in (BRIDGING_THE_GAPS, UNAIDS_GAM) for language in ("id", "en")]
    read_back = {}
    for definition, language in kinds:
        with translation.override(language):
            read_back[definition.key, language], count = queries(
                lambda: build_report(definition, CLOSED, Scope("national"), sari)
            )
            assert count <= 3
    for definition, language in kinds:
        with translation.override(language):
            counted = fresh(definition, CLOSED, Scope("national"), sari)
            assert everything(read_back[definition.key, language]) == everything(counted)
    kept_figures().all().delete()
    call_command("keep_reports", stdout=open("/dev/null", "w"))
    _report, open_after = queries(lambda: build_report(BRIDGING_THE_GAPS, this_year, Scope("national"), sari))
    assert open_after < open_alone - 5  # last year's key figures read back, not counted


def test_the_code_version_covers_the_querysets_and_histories_the_indicators_count_through(tmp_path):
    """A release that changes how members' histories or visits are read counts closed periods again."""
    import shutil

    copy = tmp_path / "code"
    for pattern in kept._COUNTING_CODE:
        for path in facts.ROOT.glob(pattern):
            target = copy / path.relative_to(facts.ROOT)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, target)
    before = facts.code_version(kept._COUNTING_CODE, root=copy)
    for changed in ("members/models/history.py", "services/models/visits.py", "opsi/scoping.py"):
        path = copy / changed
        path.write_text(path.read_text() + "\n# changed\n")
        after = facts.code_version(kept._COUNTING_CODE, root=copy)
        assert after != before, changed
        before = after


def test_key_figures_of_the_year_before_counted_while_a_change_into_it_is_saved_are_not_kept(
    data, sari, ayu, catalogue
):
    from reports.building import Context

    ctx = Context(period=CLOSED, branches=[data["jakarta"], data["bali"]], branch_ids=None, includes_national=True)
    seen = kept.marks()  # the count begins
    mawar = Member.objects.get(alias="Mawar", uic="SIBU2150390")
    counselling(data, catalogue, mawar, D(2024, 6, 3), by=ayu)  # saved while it runs
    kept.keep_key_figures(BRIDGING_THE_GAPS, BEFORE, ctx, {"visits": 1}, seen)
    assert not kept_reports(BEFORE).exists()
    assert kept.kept_key_figures(BRIDGING_THE_GAPS, BEFORE, ctx) is None
    kept.keep_key_figures(BRIDGING_THE_GAPS, BEFORE, ctx, {"visits": 2}, kept.marks())  # counted after it: kept
    assert kept.kept_key_figures(BRIDGING_THE_GAPS, BEFORE, ctx) == {"visits": 2}
