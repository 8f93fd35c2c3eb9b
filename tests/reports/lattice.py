"""A reader who holds every report of a year and solves them together.

Written apart from ``reports``: it reads only what a user downloads (the CSV files of the
report download URL, the scope choices of the report page) and what anyone may know of the
organisation (which branches make up which region). It never imports the code that protects
the figures, so it judges any method.

The model. Every figure of a report is the true value of a quantity (a cell of a table, or a
key figure; English labels name it) over a scope (a set of branches) and a period. What a
reader knows of true values:

- what a download shows: a number (exact; or, where the report says its figures are rounded to
  a multiple of 5, within 4 of it), "<5" (1 to 4), "x" or "–" (nothing), and every count is at
  least 0;
- counts of events add up over periods and over branches: a quarter is its days, a year its
  quarters, the country its branches (``FLOW``); counts on the period's last day (members) add
  up over branches only, and are the same for every period with the same last day (``STOCK``);
  referral outcomes as known on the period's last day add up over branches only (``SCOPE``);
  people counted once, medians, percentages and trainings (national ones appear in the national
  report only) add up over nothing (``NONE``);
- the totals within a table, the key figures that repeat a table's total, and the key figures'
  difference to the previous period.

The solver puts every figure over the finest periods the downloads separate (``atoms``: the
days between two boundaries of any period asked for that scope), eliminates the exact equations
with fractions, narrows every unknown between whole-number bounds through every equation and
bound until nothing changes, feeds what became a single value back to the elimination, and
reports each figure that can take one value only.
"""

import csv
import datetime
import io
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction

FLOW, STOCK, SCOPE, NONE = "flow", "stock", "scope", "none"
KEY_FIGURES = "key figures"
STAR = "*"  # the row of a table whose rows are branches: the value of its scope
BRANCH_ROW_TABLES = {"incidents_by_branch", "members_by_branch_kind", "prevention_coverage"}
TOTAL_ROW_LABELS = {"Total", "Total (each person once)"}
INCIDENT_KEY_FIGURES = {"Rights violations documented", "Share of incidents helped within 72 hours (%)"}

FLOW_FIGURES = {
    "Drop-in centre visits",
    "KTP issued",
    "BPJS cards issued",
    "Outreach sessions",
    "New members",
    "Rights violations documented",
}
STOCK_FIGURES = {
    "Members holding both KTP and BPJS at the end of the period",
    "Members at the end of the period",
    "Peer educators",
    "Branches with members",
}
# The same count under two names (a key figure that repeats a table's total, the kind totals
# the two members tables share).
ALIASES = {
    (KEY_FIGURES, "Members at the end of the period", ""): ("members_by_branch_kind", STAR, "Total"),
    ("members_by_kind_gender", "Total", "Total"): ("members_by_branch_kind", STAR, "Total"),
    (KEY_FIGURES, "Rights violations documented", ""): ("incidents_by_branch", STAR, "Incidents"),
    ("incidents_by_perpetrator", "Total", "Incidents"): ("incidents_by_branch", STAR, "Incidents"),
    (KEY_FIGURES, "New members", ""): ("new_members", "Total", "Total"),
    (KEY_FIGURES, "Outreach sessions", ""): ("outreach", "Outreach sessions", "Number"),
    (KEY_FIGURES, "KTP issued", ""): ("documents_issued", "KTP-el (e-ID)", "Issued"),
    (KEY_FIGURES, "BPJS cards issued", ""): ("documents_issued", "BPJS Kesehatan / JKN-KIS card", "Issued"),
}
MEMBER_KINDS = (
    "Regular member (active sex worker)",
    "Former member (former sex worker)",
    "Honorary member (expert or ally)",
)
for _kind in MEMBER_KINDS:
    ALIASES[("members_by_kind_gender", _kind, "Total")] = ("members_by_branch_kind", STAR, _kind)
# Columns that are no counts (a median, a percentage).
NOT_COUNTS = {"Median days to issue", "Coverage"}


def quantity_class(q):
    table, row, column = q
    if table == KEY_FIGURES:
        return FLOW if row in FLOW_FIGURES else STOCK if row in STOCK_FIGURES else NONE
    if table in ("services_by_type", "new_members") or table.startswith("incidents_"):
        return FLOW
    if table == "referrals_by_outcome":
        return FLOW if column == "Total" else SCOPE
    if table == "documents_issued":
        return FLOW if column == "Issued" else NONE
    if table == "outreach":
        return NONE if row == "People reached by code" else FLOW
    if table in ("members_by_kind_gender", "members_by_branch_kind"):
        return STOCK
    return NONE  # trainings (national ones only in the national report), people once, coverage


def is_incident(q):
    table, row, _column = q
    return table.startswith("incidents_") or (table == KEY_FIGURES and row in INCIDENT_KEY_FIGURES)


# Periods ---------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Period:
    start: datetime.date
    end: datetime.date  # inclusive

    @property
    def stop(self):
        return self.end + datetime.timedelta(days=1)

    @property
    def calendar_quarters(self):
        """True for a quarter, a half-year, a year or any run of whole calendar quarters."""
        return (
            self.start.day == 1
            and self.start.month in (1, 4, 7, 10)
            and self.stop.day == 1
            and self.stop.month in (1, 4, 7, 10)
        )

    def __str__(self):
        if self.start == self.end:
            return self.start.isoformat()
        return f"{self.start.isoformat()}..{self.end.isoformat()}"


def month(year, m):
    start = datetime.date(year, m, 1)
    stop = datetime.date(year + m // 12, m % 12 + 1, 1)
    return Period(start, stop - datetime.timedelta(days=1))


def quarter(year, n):
    return Period(month(year, 3 * n - 2).start, month(year, 3 * n).end)


def half(year, n):
    return Period(month(year, 6 * n - 5).start, month(year, 6 * n).end)


def whole_year(year):
    return Period(datetime.date(year, 1, 1), datetime.date(year, 12, 31))


def period_from_label(label):
    """The period an English column heading names ("Q4 2024", "Half 2 2024", "2024", a range)."""
    if m := re.fullmatch(r"Q([1-4]) (\d{4})", label):
        return quarter(int(m[2]), int(m[1]))
    if m := re.fullmatch(r"Half ([12]) (\d{4})", label):
        return half(int(m[2]), int(m[1]))
    if m := re.fullmatch(r"(\d{4})", label):
        return whole_year(int(m[1]))
    if m := re.fullmatch(r"(\d{4}-\d\d-\d\d) – (\d{4}-\d\d-\d\d)", label):
        return Period(datetime.date.fromisoformat(m[1]), datetime.date.fromisoformat(m[2]))
    return None


# Downloads -------------------------------------------------------------------------------


@dataclass
class Download:
    definition: str
    scope: str  # the form's value, e.g. "national:", "region:west", "branch:3"
    branches: frozenset
    period: Period
    suppress: bool
    rows: list  # [(section, table, row, column, value)] of the English file
    other_language: list = None  # the same file in Indonesian, when downloaded
    rounded: bool = False  # the report says its protected figures are rounded to 5


def parse_csv(content):
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    return [tuple(r[:5]) for r in rows[1:] if len(r) >= 5]


def says_rounded(text):
    text = text.lower()
    return any(
        words in text for words in ("multiple of 5", "multiples of 5", "rounded to 5", "kelipatan 5", "dibulatkan")
    )


def query(definition, period, scope, suppress, lang, kind=None):
    params = {"definition": definition, "scope": scope, "lang": lang, "year": str(period.start.year), "number": "1"}
    if kind in ("quarter", "half"):
        params.update(period_kind=kind, number=str((period.start.month - 1) // (3 if kind == "quarter" else 6) + 1))
    elif kind == "year":
        params["period_kind"] = "year"
    else:
        params.update(period_kind="range", start=period.start.isoformat(), end=period.end.isoformat())
    if suppress:
        params["suppress"] = "on"
    return params


def requests_of_a_year(year, scopes, definitions, day_month, national, ranges=True):
    """(definition, period, kind, scope, suppress, both languages) of every report of ``year`` a
    reader holds: every calendar period of every scope with and without the box, in both
    languages; month ranges of every scope; 1 January to each day of ``day_month`` for the
    country and each branch (a range of a branch covers a month or more); and, nationally,
    each day of ``day_month`` alone."""
    calendar = [(quarter(year, n), "quarter") for n in range(1, 5)]
    calendar += [(half(year, n), "half") for n in (1, 2)] + [(whole_year(year), "year")]
    found = []
    for definition in definitions:
        for period, kind in calendar:
            for scope in scopes:
                for suppress in (False, True):
                    found.append((definition, period, kind, scope, suppress, True))
    if not ranges:
        return found
    first = datetime.date(year, 1, 1)
    days = [month(year, day_month).start + datetime.timedelta(days=i) for i in range(month(year, day_month).end.day)]
    asked = [(month(year, m), scope) for m in range(1, 13) for scope in scopes]
    asked += [
        (Period(first, day), scope)
        for day in [days[0] - datetime.timedelta(days=1), *days]
        for scope in scopes
        if not scope.startswith("region:")
    ]
    if national:
        asked += [(Period(day, day), "national:") for day in days]
    for period, scope in asked:
        for suppress in (False, True):
            found.append(("btg", period, None, scope, suppress, False))
    return found


def download_all(get, requests, branches_of):
    """[Download] of every request ``get(params) -> (status, content)`` answers with a file;
    requests the form refuses are no data."""
    downloads = []
    for definition, period, kind, scope, suppress, both in requests:
        status, content = get(query(definition, period, scope, suppress, "en", kind))
        if status != 200:
            continue
        rows = parse_csv(content)
        other = None
        if both:
            status, content = get(query(definition, period, scope, suppress, "id", kind))
            other = parse_csv(content) if status == 200 else None
        downloads.append(Download(definition, scope, frozenset(branches_of(scope)), period, suppress, rows, other))
    return downloads


# The system ------------------------------------------------------------------------------


class Solver:
    """Exact elimination of equations (fractions) and whole-number bounds, to a fixed point.

    Each unknown is a count: a whole number, at least 0. A constraint bounds a sum of unknowns
    with coefficients (``low <= sum <= high``; an equation when both are the same).
    """

    def __init__(self):
        self.constraints = {}  # frozenset of (var, coefficient) -> [low, high]
        self.order = {}  # var -> when first seen: ties broken the same way in every run
        self.variables = set()
        self.inconsistent = []

    def add(self, form, low, high):
        form = frozenset((v, k) for v, k in form.items() if k)
        if not form:
            if not (low <= 0 <= high):
                self.inconsistent.append(("empty", low, high))
            return
        for v in sorted((v for v, _k in form if v not in self.order), key=repr):
            self.order[v] = len(self.order)
        self.variables.update(v for v, _k in form)
        bounds = self.constraints.setdefault(form, [-math.inf, math.inf])
        bounds[0], bounds[1] = max(bounds[0], low), min(bounds[1], high)

    def solve(self):
        self.pivots = {}  # pivot var -> ({var: coefficient}, rhs); no pivot in another pivot's row
        self.uses = defaultdict(set)  # var -> pivots whose row holds it
        self.bounds = {v: (0, math.inf) for v in self.variables}
        self.ranges = []
        equations = []
        for form, (low, high) in self.constraints.items():
            if len(form) == 1:
                ((v, k),) = form
                lo, hi = (low / Fraction(k), high / Fraction(k)) if k > 0 else (high / Fraction(k), low / Fraction(k))
                self._narrow(v, lo, hi, form)
            elif low == high:
                equations.append((dict(form), low))
                self.ranges.append((dict(form), low, high))  # bounds narrow through it as given too
            else:
                self.ranges.append((dict(form), low, high))
        equations += [({v: 1}, b[0]) for v, b in self.bounds.items() if b[0] == b[1]]
        for _round in range(40):
            for form, value in equations:
                self._eliminate(form, value)
            pinned = self._propagate()
            equations = [({v: 1}, lo) for v, (lo, _hi) in pinned.items() if not self._determined(v)]
            if not equations:
                break

    def _narrow(self, v, lo, hi, why):
        lo = lo if math.isinf(lo) else math.ceil(lo)
        hi = hi if math.isinf(hi) else math.floor(hi)
        old = self.bounds[v]
        new = (max(old[0], lo), min(old[1], hi))
        if new == old:
            return False
        if new[0] > new[1]:
            self.inconsistent.append((why, v, old, new))
            return False
        self.bounds[v] = new
        return True

    def _eliminate(self, form, value):
        row, rhs = dict(form), value
        for v in [v for v in row if v in self.pivots]:
            factor = row.get(v)
            if not factor:
                continue
            other, other_rhs = self.pivots[v]
            rhs = _whole(rhs - factor * other_rhs)
            for w, k in other.items():
                new = _whole(row.get(w, 0) - factor * k)
                if new:
                    row[w] = new
                else:
                    row.pop(w, None)
        if not row:
            if rhs:
                self.inconsistent.append((form, value))
            return
        pivot = min(row, key=lambda v: (len(self.uses[v]), self.order[v]))
        lead = row[pivot]
        if lead != 1:
            row = {v: _whole(Fraction(k) / lead) for v, k in row.items()}
            rhs = _whole(Fraction(rhs) / lead)
        for other_pivot in list(self.uses[pivot]):
            other, other_rhs = self.pivots[other_pivot]
            factor = other[pivot]
            for w, k in row.items():
                new = _whole(other.get(w, 0) - factor * k)
                if new:
                    other[w] = new
                    self.uses[w].add(other_pivot)
                else:
                    other.pop(w, None)
                    self.uses[w].discard(other_pivot)
            self.pivots[other_pivot] = (other, _whole(other_rhs - factor * rhs))
        for w in row:
            self.uses[w].add(pivot)
        self.pivots[pivot] = (row, rhs)

    def _determined(self, v):
        return v in self.pivots and len(self.pivots[v][0]) == 1

    def _propagate(self):
        constraints = list(self.ranges) + [(row, rhs, rhs) for row, rhs in self.pivots.values() if len(row) > 1]
        # Each range also in the unknowns the equations leave free (a year said to be 6 to 9,
        # and a year 9 more than the year before: the year before is 0).
        for form, low, high in self.ranges:
            reduced, constant = self._reduce(form)
            if reduced and reduced != form:
                constraints.append((reduced, low - constant, high - constant))
        for v, (row, rhs) in self.pivots.items():
            if len(row) == 1:
                self._narrow(v, rhs, rhs, row)
        by_var = defaultdict(list)
        for i, (form, _lo, _hi) in enumerate(constraints):
            for v in form:
                by_var[v].append(i)
        queue, queued = list(range(len(constraints))), set(range(len(constraints)))
        while queue:
            i = queue.pop()
            queued.discard(i)
            for v in self._tighten(*constraints[i]):
                for j in by_var[v]:
                    if j not in queued:
                        queued.add(j)
                        queue.append(j)
        return {v: b for v, b in self.bounds.items() if b[0] == b[1]}

    def _tighten(self, form, low, high):
        """Narrow each unknown of ``low <= sum(k * v) <= high`` by the bounds of the others."""
        spans = {}
        least, most = _Sum(), _Sum()
        for v, k in form.items():
            lo, hi = self.bounds[v]
            span = (k * lo, k * hi) if k > 0 else (-math.inf if hi == math.inf else k * hi, k * lo)
            spans[v] = span
            least.add(span[0])
            most.add(span[1])
        changed = []
        for v, k in form.items():
            lo_v, hi_v = spans[v]
            rest_low, rest_high = least.without(lo_v), most.without(hi_v)
            a = -math.inf if math.isinf(rest_high) or math.isinf(low) else low - rest_high
            b = math.inf if math.isinf(rest_low) or math.isinf(high) else high - rest_low
            if k == 1:
                new_lo, new_hi = a, b
            elif k == -1:
                new_lo, new_hi = -b, -a
            else:
                a, b = _divide(a, k), _divide(b, k)
                new_lo, new_hi = (a, b) if k > 0 else (b, a)
            if self._narrow(v, new_lo, new_hi, form):
                changed.append(v)
        return changed

    def _reduce(self, form):
        """``form`` as a constant and a form over the unknowns the equations leave free."""
        reduced, constant = defaultdict(int), 0
        for v, k in form.items():
            if v in self.pivots:
                row, rhs = self.pivots[v]
                constant += k * rhs
                for w, c in row.items():
                    if w != v:
                        reduced[w] = _whole(reduced[w] - k * c)
            else:
                reduced[v] += k
        return {v: k for v, k in reduced.items() if k}, constant

    def value(self, form):
        """The single whole number ``form`` can take, or None."""
        low, high = self.interval(form)
        return int(low) if low == high else None

    def interval(self, form):
        """The least and the most ``form`` can be."""
        reduced, constant = self._reduce(form)
        if not reduced:
            return (constant, constant) if _whole(constant) == int(constant) else (math.inf, -math.inf)
        low, high = self._interval(reduced, constant)
        low2, high2 = self._interval(form, 0)
        shown = self.constraints.get(frozenset(form.items()), (low, high))  # bounds given for it as such
        return max(low, low2, shown[0]), min(high, high2, shown[1])

    def _interval(self, form, constant):
        low, high = _Sum(), _Sum()
        for v, k in form.items():
            lo, hi = self.bounds[v]
            low.add(k * lo if k > 0 else (-math.inf if hi == math.inf else k * hi))
            high.add(k * hi if k > 0 else k * lo)
        lo, hi = low.without(0), high.without(0)
        lo = lo if math.isinf(lo) else math.ceil(constant + lo)
        hi = hi if math.isinf(hi) else math.floor(constant + hi)
        return lo, hi


def _divide(x, k):
    """``x / k`` exactly, an infinity keeping its sign rule (-inf / -2 is +inf)."""
    if math.isinf(x):
        return x if k > 0 else -x
    return Fraction(x) / k


def _whole(x):
    """A fraction that is a whole number as an int (arithmetic on ints is many times faster)."""
    return x.numerator if isinstance(x, Fraction) and x.denominator == 1 else x


class _Sum:
    """A sum of bounds that may hold infinities, from which one term can be taken out."""

    def __init__(self):
        self.finite, self.plus, self.minus = 0, 0, 0

    def add(self, v):
        if v == math.inf:
            self.plus += 1
        elif v == -math.inf:
            self.minus += 1
        else:
            self.finite += v

    def without(self, value):
        plus = self.plus - (value == math.inf)
        minus = self.minus - (value == -math.inf)
        if plus and minus:
            return math.nan
        if plus:
            return math.inf
        if minus:
            return -math.inf
        return self.finite - value


# From downloads to the system ------------------------------------------------------------


@dataclass
class Figure:
    """What one download says of one true value."""

    quantity: tuple
    branches: frozenset
    period: Period
    low: object
    high: object


@dataclass
class Lattice:
    """Every figure the downloads show, as bounds on true values, and the relations between them."""

    branch_names: dict  # name -> branch id
    figures: list = field(default_factory=list)
    differences: list = field(default_factory=list)  # (quantity, scope, period, previous, low, high)
    totals: list = field(default_factory=list)  # (scope, period, total quantity, [part quantities])
    shown: dict = field(default_factory=dict)  # (quantity, scope, period) -> exact number shown
    scope_totals: list = field(default_factory=list)  # (quantity, scope, period, [branch scopes])

    def read(self, download, protected):
        """Add ``download``; ``protected(quantity, download)``: whether its figure may be rounded."""
        for rows in [download.rows, download.other_language]:
            if not rows or len(rows) != len(download.rows):
                continue
            self._read_rows(download, rows, protected)

    def _read_rows(self, download, rows, protected):
        english = download.rows
        per_table = defaultdict(list)
        key_figures = defaultdict(list)
        for (section, table, row, column, _v), (*_labels, value) in zip(english, rows):
            if section == "summary":
                key_figures[row].append((column, value))
            else:
                per_table[table].append((row, column, value))
        for label, cells in key_figures.items():
            self._key_figure(download, label, cells, protected)
        for table, cells in per_table.items():
            self._table(download, table, cells, protected)

    def _bounds(self, value, rounded):
        value = value.strip().lstrip("'")
        if value == "<5":
            return 1, 4
        if re.fullmatch(r"-?\d+", value):
            n = int(value)
            return (max(0, n - 4), n + 4) if rounded else (n, n)
        return None  # "x", "–", empty, a percentage: nothing

    def _add(self, q, branches, period, value, rounded):
        if q[2] in NOT_COUNTS or value.strip().endswith("%"):
            return
        bounds = self._bounds(value, rounded)
        if bounds is None:
            return
        q = ALIASES.get(q, q)
        self.figures.append(Figure(q, branches, period, *bounds))
        if bounds[0] == bounds[1]:
            self.shown[(q, branches, period)] = bounds[0]

    def _key_figure(self, download, label, cells, protected):
        if len(cells) != 3:
            return
        q = (KEY_FIGURES, label, "")
        rounded = download.rounded and protected(q, download)
        (current_label, current), (previous_label, previous), (_d, difference) = cells
        before = period_from_label(previous_label)
        self._add(q, download.branches, download.period, current, rounded)
        if before:
            self._add(q, download.branches, before, previous, rounded)
            d = self._bounds(difference, False)
            if d and quantity_class(q) != NONE:
                shown = [self._bounds(v, False) for v in (current, previous)]
                if rounded and None not in shown and d[0] == shown[0][0] - shown[1][0]:
                    return  # the difference of the rounded figures: nothing more
                # A difference beside a rounded figure that is not theirs is the true one's.
                slack = 8 if rounded and None in shown else 0
                self.differences.append(
                    (ALIASES.get(q, q), download.branches, download.period, before, d[0] - slack, d[0] + slack)
                )

    def _table(self, download, table, cells, protected):
        grid = {}
        columns = list(dict.fromkeys(c for _r, c, _v in cells))
        for row, column, value in cells:
            if table in BRANCH_ROW_TABLES and row in self.branch_names:
                branches, q = frozenset([self.branch_names[row]]), (table, STAR, column)
            elif table in BRANCH_ROW_TABLES and row in TOTAL_ROW_LABELS:
                branches, q = download.branches, (table, STAR, column)
            elif table in BRANCH_ROW_TABLES:
                continue
            else:
                branches, q = download.branches, (table, row, column)
            grid[(row, column)] = (q, branches)
            self._add(q, branches, download.period, value, download.rounded and protected(q, download))
        rows = list(dict.fromkeys(r for r, _c, _v in cells))
        if table in BRANCH_ROW_TABLES:
            members = [r for r in rows if r in self.branch_names]
            if "Total" in rows or (table != "prevention_coverage" and any(r in TOTAL_ROW_LABELS for r in rows)):
                for column in columns:
                    if column in NOT_COUNTS:
                        continue
                    self.scope_totals.append(
                        (
                            ALIASES.get((table, STAR, column), (table, STAR, column)),
                            download.branches,
                            download.period,
                            [frozenset([self.branch_names[r]]) for r in members],
                        )
                    )
        elif "Total" in rows:
            for column in columns:
                parts = [grid[(r, column)][0] for r in rows if r != "Total"]
                self.totals.append((download.branches, download.period, grid[("Total", column)][0], parts))
        if "Total" in columns and table not in BRANCH_ROW_TABLES | {"prevention_coverage"}:
            summed = [c for c in columns if c not in ("Total", "Trainings")]
            for row in rows:
                if (row, "Total") in grid:
                    parts = [grid[(row, c)][0] for c in summed]
                    self.totals.append((download.branches, download.period, grid[(row, "Total")][0], parts))
        if table == "members_by_branch_kind" and "Total" in columns:
            summed = [c for c in columns if c != "Total"]
            for row in rows:
                if (row, "Total") in grid:
                    q_total, scope = grid[(row, "Total")]
                    self.totals.append((scope, download.period, q_total, [(table, STAR, c) for c in summed], True))


class Model:
    """True values as variables: counts of events over each scope's atoms of time."""

    def __init__(self, lattice, keep=lambda q: True):
        self.lattice = lattice
        self.keep = keep
        self.boundaries = defaultdict(set)  # (quantity, scope) -> dates where an asked period starts or stops
        self.asked = defaultdict(set)  # (quantity, scope) -> periods
        for f in lattice.figures:
            self._ask(f.quantity, f.branches, f.period)
        for q, branches, period, before, _lo, _hi in lattice.differences:
            self._ask(q, branches, period)
            self._ask(q, branches, before)
        for branches, period, total, parts, *_ in lattice.totals:
            for q in [total, *parts]:
                self._ask(ALIASES.get(q, q), branches, period)
        for q, branches, period, parts in lattice.scope_totals:
            for scope in [branches, *parts]:
                self._ask(q, scope, period)
        self.atoms = {key: sorted(dates) for key, dates in self.boundaries.items()}
        self.sums = {}  # ("sum", quantity, scope, period) -> its defining equation (= 0)

    def _ask(self, q, branches, period):
        q = ALIASES.get(q, q)
        if not self.keep(q):
            return
        self.asked[(q, branches)].add(period)
        self.boundaries[(q, branches)].update([period.start, period.stop])

    def form(self, q, branches, period):
        """The true value of ``q`` over ``branches`` and ``period`` as a sum of unknowns: one for a
        figure shown as such (it equals the sum of its atoms of time), else its atoms."""
        q = ALIASES.get(q, q)
        kind = quantity_class(q)
        if kind == STOCK:
            return {(q, branches, period.end): 1}
        if kind != FLOW:
            return {(q, branches, period): 1}
        atoms = {(q, branches, day): 1 for day in self.atoms[(q, branches)] if period.start <= day < period.stop}
        if len(atoms) == 1 or period not in self.asked[(q, branches)]:
            return atoms
        total = ("sum", q, branches, period)
        if total not in self.sums:
            # Bounds narrow a figure and the figures it adds up with through one unknown of its own.
            self.sums[total] = {**atoms, total: -1}
        return {total: 1}

    def system(self):
        solver = Solver()
        lattice = self.lattice
        for f in lattice.figures:
            if self.keep(f.quantity):
                solver.add(self.form(f.quantity, f.branches, f.period), f.low, f.high)
        for q, branches, period, before, low, high in lattice.differences:
            if self.keep(q):
                form = dict(self.form(q, branches, period))
                for v, k in self.form(q, branches, before).items():
                    form[v] = form.get(v, 0) - k
                solver.add(form, low, high)
        for branches, period, total, parts, *branch_rows in lattice.totals:
            qs = [ALIASES.get(q, q) for q in [total, *parts]]
            if not all(self.keep(q) for q in qs):
                continue
            form = defaultdict(int)
            for v, k in self.form(qs[0], branches, period).items():
                form[v] += k
            for q in qs[1:]:
                for v, k in self.form(q, branches, period).items():
                    form[v] -= k
            solver.add(form, 0, 0)
        for q, branches, period, parts in lattice.scope_totals:
            if self.keep(q) and quantity_class(q) != NONE and parts:
                form = defaultdict(int)
                for v, k in self.form(q, branches, period).items():
                    form[v] += k
                for scope in parts:
                    for v, k in self.form(q, scope, period).items():
                        form[v] -= k
                solver.add(form, 0, 0)
        self._scope_sums(solver)
        for equation in self.sums.values():
            solver.add(equation, 0, 0)
        return solver

    def _scope_sums(self, solver):
        """A scope of several branches is the sum of its branches, over every stretch of time both
        were asked for (counts of events), or on every last day both were asked for (stocks)."""
        for (q, branches), periods in self.asked.items():
            kind = quantity_class(q)
            if len(branches) < 2 or kind == NONE:
                continue
            singles = [frozenset([b]) for b in branches]
            if not all((q, s) in self.asked for s in singles):
                continue
            if kind == FLOW:
                common = set(self.atoms[(q, branches)])
                for s in singles:
                    common &= set(self.atoms[(q, s)])
                common = sorted(common)
                for start, stop in zip(common, common[1:]):
                    stretch = Period(start, stop - datetime.timedelta(days=1))
                    form = defaultdict(int)
                    for v, k in self.form(q, branches, stretch).items():
                        form[v] += k
                    for s in singles:
                        for v, k in self.form(q, s, stretch).items():
                            form[v] -= k
                    solver.add(form, 0, 0)
            else:
                for period in periods:
                    if kind == STOCK:
                        same = [s for s in singles if any(p.end == period.end for p in self.asked[(q, s)])]
                    else:
                        same = [s for s in singles if period in self.asked[(q, s)]]
                    if len(same) == len(singles):
                        form = defaultdict(int)
                        for v, k in self.form(q, branches, period).items():
                            form[v] += k
                        for s in singles:
                            for v, k in self.form(q, s, period).items():
                                form[v] -= k
                        solver.add(form, 0, 0)

    def targets(self):
        """Every (quantity, scope, period) some download shows, and each atom of time of the
        counts of events (a day of a one-day report, the days between two ranges)."""
        found = set()
        for (q, branches), periods in self.asked.items():
            found.update((q, branches, p) for p in periods)
            if quantity_class(q) == FLOW:
                atoms = self.atoms[(q, branches)]
                for start, stop in zip(atoms, atoms[1:]):
                    found.add((q, branches, Period(start, stop - datetime.timedelta(days=1))))
        return sorted(found, key=lambda t: (t[0], sorted(t[1]), t[2]))


def pinned(lattice, keep=lambda q: True, small=None):
    """({(quantity, scope, period): value} of every figure a reader of the downloads can work
    out to a single number, the solver) over the quantities ``keep`` selects. ``small``, a dict
    if given, receives {(quantity, scope, period): (least, most)} of the figures narrowed to
    somewhere between 1 and 4 without a single value."""
    model = Model(lattice, keep)
    solver = model.system()
    solver.solve()
    found = {}
    for q, branches, period in model.targets():
        low, high = solver.interval(model.form(q, branches, period))
        if low == high:
            found[(q, branches, period)] = int(low)
        elif small is not None and 1 <= low and high <= 4:
            small[(q, branches, period)] = (int(low), int(high))
    return found, solver
