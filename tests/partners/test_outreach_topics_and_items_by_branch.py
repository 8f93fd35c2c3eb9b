"""Outreach sessions record the topics discussed (meth and harm reduction among them) and the
items handed out; the report gives both per branch, each branch's row as its own report has it."""

import datetime

import pytest

from outreach.models import OutreachCommodity, OutreachSession, SessionTopic, Topic
from reports import periods
from reports.building import build_report
from reports.definitions import BRIDGING_THE_GAPS
from reports.scopes import Scope
from services.models import Commodity

D = datetime.date


@pytest.fixture
def sessions(jakarta, bali):
    kit = Commodity.objects.create(name="Paket alat suntik steril", name_en="Sterile injecting kit", unit="paket")
    for branch, topics, kits in ((jakarta, ["meth_and_sex", "harm_reduction"], 12), (bali, ["harm_reduction"], 7)):
        session = OutreachSession.objects.create(branch=branch, held_on=D(2025, 5, 2), place_kind="hotspot")
        for topic in topics:
            SessionTopic.objects.create(session=session, topic=topic)
        OutreachCommodity.objects.create(session=session, commodity=kit, quantity=kits)
    OutreachSession.objects.create(branch=jakarta, held_on=D(2026, 1, 5), place_kind="hotspot")  # another year
    return kit


def _cells(table, column):
    """{row key: cell} of a column given by its label or its position."""
    index = column if isinstance(column, int) else table.columns.index(column)
    return {key: row[index] for key, row in zip(table.row_keys, table.rows)}


def test_topics_and_items_per_branch_in_the_national_report(sari, jakarta, bali, sessions):
    report = build_report(BRIDGING_THE_GAPS, periods.year(2025), Scope("national"), sari)
    topics = report.table("outreach_topics_by_branch")
    meth, harm = (1 + Topic.values.index(code) for code in ("meth_and_sex", "harm_reduction"))
    assert _cells(topics, meth) == {jakarta.pk: 1, bali.pk: 0, "total": 1}
    assert _cells(topics, harm) == {jakarta.pk: 1, bali.pk: 1, "total": 2}
    items = report.table("outreach_items_by_branch")
    assert _cells(items, str(sessions)) == {jakarta.pk: 12, bali.pk: 7, "total": 19}


def test_a_branch_report_has_its_own_row_only(ayu, jakarta, sessions):
    report = build_report(BRIDGING_THE_GAPS, periods.year(2025), Scope("branch", str(jakarta.pk)), ayu)
    items = report.table("outreach_items_by_branch")
    assert items.row_keys == [jakarta.pk, "total"]
    assert _cells(items, str(sessions)) == {jakarta.pk: 12, "total": 12}


def test_for_use_outside_a_branch_row_is_drawn_as_in_its_own_report(sari, jakarta, sessions):
    national = build_report(BRIDGING_THE_GAPS, periods.year(2025), Scope("national"), sari, external=True)
    own = build_report(BRIDGING_THE_GAPS, periods.year(2025), Scope("branch", str(jakarta.pk)), sari, external=True)
    column = str(sessions)
    assert (
        _cells(national.table("outreach_items_by_branch"), column)[jakarta.pk]
        == _cells(own.table("outreach_items_by_branch"), column)[jakarta.pk]
    )
    assert all(v % 5 == 0 for v in _cells(national.table("outreach_items_by_branch"), column).values())
