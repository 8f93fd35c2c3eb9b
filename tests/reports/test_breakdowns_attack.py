"""The breakdowns by sex and age against the attacker who holds every report for use outside OPSI
of a year (``tests.reports.lattice``), on the small fixture of ``test_breakdowns`` where most
cells are 0 to 4: nothing is pinned.

The attacker is told what the breakdowns are: each row's total is the key figure it breaks down
(or the outreach table's "People reached by code"), documents and new members add up over
quarters and branches, members on a day over branches. Rounded each on its own, a row's cells
and its total would give values back (four cells shown 5 under a total shown 0 are 1 each); the
cells of a row are rounded together to add up to the total as shown (``reports.protection``).

Measured on 7 December 2026: on this fixture, the secretariat's 84 files for outside of 2025
(national, Jakarta and Bali; both definitions; every quarter, half and the year; both languages)
pin nothing, and 16 breakdown cells are narrowed to 1-4 without a value (documents and new members
of a quarter against its half and year, each period drawn on its own, as the other tables' cells
are). On the demo data the same informed attacker, with every scope the form offers (224 files
of the secretariat, 28 of Jakarta's coordinator), pins nothing; 4 breakdown cells are narrowed to
1-4 (new members 25 and over in Bali's first and second quarters).
"""

import itertools

import pytest

from reports import protection
from tests.conftest import login_with_second_factor
from tests.reports import lattice
from tests.reports.report_set import attack
from tests.reports.test_breakdowns import breakdown_people  # noqa: F401 (a fixture)

TABLES = ("breakdown_by_sex", "breakdown_by_age")
# Each row's total is the figure it breaks down (English labels name them).
TOTALS = {
    "People who visited (by code)": (lattice.KEY_FIGURES, "People who visited (by code)", ""),
    "People reached by code at outreach": ("outreach", "People reached by code", "Number"),
    "KTP issued": (lattice.KEY_FIGURES, "KTP issued", ""),
    "BPJS cards issued": (lattice.KEY_FIGURES, "BPJS cards issued", ""),
    "Members holding both KTP and BPJS": (
        lattice.KEY_FIGURES,
        "Members holding both KTP and BPJS at the end of the period",
        "",
    ),
    "Members": (lattice.KEY_FIGURES, "Members at the end of the period", ""),
    "New members": (lattice.KEY_FIGURES, "New members", ""),
    "Sex workers reached with the defined package": (
        lattice.KEY_FIGURES,
        "Sex workers reached with the defined package",
        "",
    ),
    "Sex workers who came to a centre": ("prevention_coverage", lattice.STAR, "Sex workers who came to a centre"),
    "With two or more prevention interventions": (
        "prevention_coverage",
        lattice.STAR,
        "With two or more prevention interventions",
    ),
    "Sex workers tested for HIV": (lattice.KEY_FIGURES, "Sex workers tested for HIV", ""),
}
FLOWS = {"KTP issued", "BPJS cards issued", "New members"}
STOCKS = {"Members", "Members holding both KTP and BPJS"}


@pytest.fixture
def informed(monkeypatch):
    """The attacker knows what each row of the breakdowns is."""
    for table, (row, total) in itertools.product(TABLES, TOTALS.items()):
        monkeypatch.setitem(lattice.ALIASES, (table, row, "Total"), lattice.ALIASES.get(total, total))
    plain = lattice.quantity_class

    def quantity_class(q):
        table, row, _column = q
        if table in TABLES:
            return lattice.FLOW if row in FLOWS else lattice.STOCK if row in STOCKS else lattice.NONE
        return plain(q)

    monkeypatch.setattr(lattice, "quantity_class", quantity_class)


def breakdown_findings(result):
    return [f for f in result.forbidden if f.quantity[0] in TABLES]


@pytest.mark.usefixtures("breakdown_people")
def test_every_report_for_outside_of_a_year_together_pins_no_breakdown_cell(client, sari, jakarta, bali, informed):
    login_with_second_factor(client, sari)
    scopes = ["national:", f"branch:{jakarta.pk}", f"branch:{bali.pk}"]
    result = attack(client, sari, 2025, scopes=scopes, ranges=False)
    narrowed = [key for key in result.small if key[0][0] in TABLES]
    print(f"\n{result.summary()}\nbreakdown cells narrowed to 1-4 (not pinned): {len(narrowed)}")
    cells = [f for f in result.downloads[0].rows if f[1] in TABLES]
    assert cells, "the files carry the breakdowns"
    assert result.rounded
    assert result.false == []
    assert breakdown_findings(result) == [], result.examples()
    assert result.forbidden == [], result.examples()


def _file(cells, total):
    """A national report of 2025 for use outside, with "KTP issued" shown ``total`` and broken
    down by sex into ``cells`` (female, male, waria / transgender, other, unknown)."""
    label = "KTP issued"
    sexes = ["Female", "Male", "Waria / transgender", "Other", "Unknown", "Total"]
    rows = [
        ("summary", "key figures", label, "2025", str(total)),
        ("summary", "key figures", label, "2024", "0"),
        ("summary", "key figures", label, "Difference", str(total)),
    ]
    rows += [("breakdowns", "breakdown_by_sex", label, sex, str(v)) for sex, v in zip(sexes, [*cells, total])]
    return lattice.Download("btg", "national:", frozenset({1, 2}), lattice.whole_year(2025), True, rows, rounded=True)


def _pinned(file):
    found = lattice.Lattice({"Jakarta": 1, "Bali": 2})
    found.read(file, lambda q, download: True)
    pins, solver = lattice.pinned(found)
    assert not solver.inconsistent
    return {q[2]: v for (q, _branches, _period), v in pins.items() if q[0] == "breakdown_by_sex"}


def test_cells_rounded_apart_from_their_total_are_given_back_and_cells_that_add_up_are_not(informed):
    """Why a row's cells are rounded together: four documents, one to each of four groups, each
    rounded up to 5 on its own while the total is rounded down to 0, are each 1 (a chance of one
    in 3,125 a row, and a national year holds hundreds of rows). Rounded together, the same row
    is shown 5, 0, 0, 0, 0 and 5 at most, or 0 throughout: nothing is given back."""
    pins = _pinned(_file([5, 5, 5, 5, 0], 0))
    assert pins == {"Female": 1, "Male": 1, "Waria / transgender": 1, "Other": 1, "Unknown": 0}
    assert _pinned(_file([5, 0, 0, 0, 0], 5)) == {}
    assert _pinned(_file([0, 0, 0, 0, 0], 0)) == {}
    row = ["KTP issued", 1, 1, 1, 1, 0, 4]
    protection._round_together(row, ("ktp_issued",), "national", ("2025-01-01", "2025-12-31"))
    assert sum(row[1:-1]) == row[-1] and row[-1] in (0, 5) and all(v in (0, 5) for v in row[1:-1])
