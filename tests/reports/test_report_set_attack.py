"""What a set of reports gives back: every report of a year a role is offered, solved together.

The secretariat and Jakarta's coordinator download, through the report download URL and with
nothing but what the form offers them, every report of 2025 on the demo data (seeded as it would
be on 31 December 2025): both definitions, the four quarters, both halves and the year, every
scope the form lists, with and without "for use outside OPSI", in both languages; month ranges
of every scope, 1 January to each day of the month with the most incidents (country and
branches) and, nationally, each day of that month alone. ``tests.reports.lattice`` solves them
together (nested periods, branches that add up to regions and the country, table totals, key
figures and their differences, whole-number bounds). The test fails when the solution pins:

- for the secretariat (which may not read incidents), from all it downloads: an incident figure
  narrower than a region or the country over a quarter (a branch, a month, a day), or an
  incident count from 1 to 4 anywhere;
- for either role as the recipient of every report "for use outside OPSI" (and nothing else):
  any count from 1 to 4.

Every pinned figure is compared with the truth (the incidents counted through the ORM, the other
figures as the role's own internal report shows them), so the solver cannot claim what is false.

The reader's requests (798 for the secretariat, 116 for the coordinator) are what
``tests.reports.report_set`` asks; requests the form refuses are no data.

Before issue 27 (commit 97b9307, the <5/x suppression), every file downloaded (798 and 116) and
the solver found what the issue says:
- the secretariat pinned 2,504 incident figures it may not read that are not 0 (2,214 of them
  counts from 1 to 4; 4,790 zeros besides), none false: each incident of October by its day,
  branch, perpetrator and kind (1 January to each day, each day alone: 6 October, Papua, a health
  worker, refusal at the civil registry; 23 October, Jakarta, police, extortion, and Sulawesi
  Selatan, a venue owner) and every hidden cell of the year's incidents by perpetrator (client 3,
  family 4, government officer 2, health worker 4, Satpol PP 2, other 4);
- the recipient of the secretariat's reports for use outside OPSI: 6,774 counts from 1 to 4
  (2,214 of incidents); of the coordinator's: 448 (207 of incidents: Jakarta's by month and day).
With the random rounding of commit 4365785 and after: 511 and 72 files (ranges and reports for
outside of open periods refused), nothing pinned; 2,464 incident figures reach the secretariat.
"""

import datetime
import io
from unittest import mock

import openpyxl
import pytest
from django.core.management import call_command

from opsi.models import User
from tests.conftest import login_with_second_factor
from tests.reports import lattice
from tests.reports.report_set import Finding, attack, calendar_kind, download, pdf_text, protected

YEAR = 2025


@pytest.fixture
def demo(db):
    """The demo data as seeded on 31 December 2025: a year of visits, referrals, cases, outreach,
    trainings and 48 incidents (36 counted) on distinct days, branches and perpetrators."""
    with mock.patch("django.utils.timezone.localdate", return_value=datetime.date(YEAR, 12, 31)):
        call_command("seed_demo", stdout=io.StringIO())


def check_files_carry_the_same_figures(client, downloads):
    """The PDF and the XLSX (in Indonesian) of three reports carry the CSV's figures and marks."""
    calendar = [d for d in downloads if calendar_kind(d.period)]
    for file in [calendar[0], calendar[len(calendar) // 2 + 1], calendar[-1]]:
        values = [v for _s, _t, _r, c, v in file.rows if v and not v.endswith("%") and c not in lattice.NOT_COUNTS]
        params = lattice.query(
            file.definition, file.period, file.scope, file.suppress, "id", calendar_kind(file.period)
        )
        book = openpyxl.load_workbook(io.BytesIO(download(client, "xlsx", params)[1]))
        cells = [str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row]
        for value in set(values):
            assert cells.count(value) >= values.count(value), (file.scope, file.period, value)
        words = [w.replace(",", "").replace(".", "") for w in pdf_text(download(client, "pdf", params)[1]).split()]
        for value in set(values):
            assert value in words, (file.scope, file.period, value)
        for mark in ("<5", "x"):
            assert words.count(mark) >= values.count(mark), (file.scope, file.period, mark)


@pytest.mark.parametrize("username", ["sekretariat", "koordinator.jakarta"])
def test_every_report_of_a_year_together_gives_back_no_protected_figure(client, demo, username):
    user = User.objects.get(username=username)
    login_with_second_factor(client, user)
    result = attack(client, user, YEAR)
    print(f"\n{username}: {result.summary()}")
    small = [result.describe(Finding("narrowed", *key, bounds)) for key, bounds in sorted(result.small.items())]
    for line in result.examples(40) + [result.describe(f) for f in result.narrow_incident_figures_shown[:8]]:
        print("  " + line)
    for line in small[:: max(1, len(small) // 12)]:
        print("  " + line)

    # What the reader holds: incident figures for a role that may not read them in full, and the
    # reports for use outside OPSI, else the test would prove nothing.
    assert result.outside_figures_shown > 1000
    assert result.incident_figures_shown > 50  # the secretariat's: the national figures of the year
    check_files_carry_the_same_figures(client, result.downloads)
    assert result.false == [], f"the solver pinned {len(result.false)} figures to a false value: {result.false[:10]}"
    assert result.forbidden == [], f"{len(result.forbidden)} protected figures given back, e.g. " + "; ".join(
        result.examples()
    )
    # Nor narrowed to "somewhere from 1 to 4": a reader who may not read incidents learns no
    # incident figure as finely as "<5" used to say (a coordinator reads her own branch's).
    narrowed = [key for key in result.small if lattice.is_incident(key[0])]
    if username == "sekretariat":
        assert narrowed == [], f"{len(narrowed)} incident figures narrowed to 1-4, e.g. {narrowed[:5]}"


# The solver's own power, on files written by hand: what it must find, and what it must not.

D = datetime.date
A, B = 1, 2  # two branches


def _file(period, branches, rows, rounded=False):
    scope = "national:" if len(branches) > 1 else f"branch:{next(iter(branches))}"
    return lattice.Download("btg", scope, frozenset(branches), period, False, rows, rounded=rounded)


def _incidents(period, count, previous_label="2024", previous="0", difference=""):
    label = "Rights violations documented"
    return [
        ("summary", "key figures", label, "x", str(count)),
        ("summary", "key figures", label, previous_label, previous),
        ("summary", "key figures", label, "Difference", difference),
    ]


def _solve(files):
    found = lattice.Lattice({"A": A, "B": B})
    for file in files:
        found.read(file, protected)
    pins, solver = lattice.pinned(found)
    assert not solver.inconsistent
    return {
        (q[1] if q[0] == "incidents_by_perpetrator" else "all", tuple(sorted(s)), str(p)): v
        for (q, s, p), v in pins.items()
    }


def test_the_solver_gives_back_a_day_from_two_ranges_and_a_half_from_the_year():
    year, first_half = lattice.whole_year(2025), lattice.half(2025, 1)
    pins = _solve(
        [
            _file(lattice.Period(D(2025, 1, 1), D(2025, 3, 9)), {A, B}, _incidents(None, 5)),
            _file(lattice.Period(D(2025, 1, 1), D(2025, 3, 10)), {A, B}, _incidents(None, 6)),
            _file(year, {A, B}, _incidents(year, 10)),
            _file(first_half, {A, B}, _incidents(first_half, 7)),
        ]
    )
    assert pins[("all", (A, B), "2025-03-10")] == 1
    assert pins[("all", (A, B), "2025-07-01..2025-12-31")] == 3


def test_the_solver_gives_back_a_branch_from_the_country_and_a_cell_from_its_total():
    quarter = lattice.quarter(2025, 1)
    rows = [
        ("stigma", "incidents_by_branch", "A", "Incidents", "5"),
        ("stigma", "incidents_by_branch", "B", "Incidents", "<5"),
        ("stigma", "incidents_by_branch", "Total", "Incidents", "7"),
        ("stigma", "incidents_by_perpetrator", "Police", "Incidents", "<5"),
        ("stigma", "incidents_by_perpetrator", "Client", "Incidents", "5"),
        ("stigma", "incidents_by_perpetrator", "Other", "Incidents", "0"),
        ("stigma", "incidents_by_perpetrator", "Total", "Incidents", "7"),
    ]
    pins = _solve([_file(quarter, {A, B}, rows)])
    assert pins[("all", (B,), "2025-01-01..2025-03-31")] == 2
    assert pins[("Police", (A, B), "2025-01-01..2025-03-31")] == 2


def test_the_solver_pins_nothing_from_figures_said_to_be_rounded():
    year, first_half = lattice.whole_year(2025), lattice.half(2025, 1)
    files = [
        _file(lattice.Period(D(2025, 1, 1), D(2025, 3, 9)), {A, B}, _incidents(None, 5), rounded=True),
        _file(lattice.Period(D(2025, 1, 1), D(2025, 3, 10)), {A, B}, _incidents(None, 5), rounded=True),
        _file(year, {A, B}, _incidents(year, 10), rounded=True),
        _file(first_half, {A, B}, _incidents(first_half, 5), rounded=True),
    ]
    assert _solve(files) == {}
    # A difference that is not that of the rounded figures is the true one's, and gives it away.
    files.append(_file(year, {A, B}, _incidents(year, 5, previous="0", difference="9"), rounded=True))
    pins = _solve(files)
    assert (pins[("all", (A, B), "2025-01-01..2025-12-31")], pins[("all", (A, B), "2024-01-01..2024-12-31")]) == (9, 0)
