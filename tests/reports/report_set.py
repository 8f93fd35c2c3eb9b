"""One role's reports of a year, downloaded as its user would and solved together.

Used by ``tests/reports/test_report_set_attack.py`` (demo data) and ``bench/report_attack.py``
(benchmark data). ``attack(client, user, year)`` downloads through the report URLs with a
logged-in client and says what the solver (``tests.reports.lattice``) gives back:

- to a role that may not read incidents, from all it downloads: incident figures narrower than
  a region or the country over calendar quarters (a branch, a month, a day), and incident
  counts from 1 to 4 anywhere;
- to the recipient of every report "for use outside OPSI" the role can make (and nothing else):
  counts from 1 to 4.

Each figure pinned is compared with the truth (incidents counted through the ORM; other
figures as the role's own internal report shows them): ``false`` lists those that differ.
"""

import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from django.urls import reverse
from django.utils import translation

from incidents.models import Incident, PerpetratorKind, ViolationKind
from opsi.tenant import Branch

from . import lattice
from tests.downloads import download as fetch_file


class _Options(HTMLParser):
    """The values of the options of a <select name=...>."""

    def __init__(self, name):
        super().__init__()
        self.name, self.inside, self.values = name, False, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "select":
            self.inside = attrs.get("name") == self.name
        elif tag == "option" and self.inside:
            self.values.append(attrs.get("value"))

    def handle_endtag(self, tag):
        if tag == "select":
            self.inside = False


def offered_scopes(client):
    parser = _Options("scope")
    parser.feed(client.get(reverse("report_page")).content.decode())
    return parser.values


def branches_of(scope):
    """The branches a scope of the form covers (which branches make a region is no secret)."""
    kind, _sep, value = scope.partition(":")
    branches = Branch.objects.all()
    if kind == "region":
        branches = branches.filter(region=value)
    elif kind == "branch":
        branches = branches.filter(pk=value)
    return set(branches.values_list("pk", flat=True))


def region_sets():
    sets = {}
    for pk, region in Branch.objects.values_list("pk", "region"):
        sets.setdefault(region, set()).add(pk)
    return [frozenset(s) for s in sets.values()]


def region_or_wider(branches, regions):
    return all(region <= branches or not (region & branches) for region in regions)


def busiest_month(year):
    months = list(
        Incident.objects.countable().filter(occurred_on__year=year).values_list("occurred_on__month", flat=True)
    )
    return max(range(1, 13), key=lambda m: (months.count(m), -m))


def calendar_kind(period):
    if period == lattice.whole_year(period.start.year):
        return "year"
    months = (period.end.year - period.start.year) * 12 + period.end.month - period.start.month + 1
    return {3: "quarter", 6: "half"}.get(months)


def pdf_text(content):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.pdf"
        path.write_bytes(content)
        return subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout


def download(client, file_format, params):
    response = fetch_file(client, reverse("report_download", args=[file_format]), params)
    return response.status_code, response.content


def reads_rounded(client, downloads):
    """Whether the reports say their protected figures are rounded (the PDF's method note, or a
    note a CSV carries), as a reader learns it once."""
    firsts = [d for d in downloads if calendar_kind(d.period)][:1] + [d for d in downloads if d.suppress][:1]
    for first in firsts:
        params = lattice.query(
            first.definition, first.period, first.scope, first.suppress, "en", calendar_kind(first.period)
        )
        status, content = download(client, "pdf", params)
        if status == 200 and lattice.says_rounded(pdf_text(content)):
            return True
    return any(lattice.says_rounded(" ".join(row)) for d in downloads for row in d.rows)


def protected(q, download):
    """Figures the reports may round: incident figures, and every figure of a report for outside."""
    return download.suppress or lattice.is_incident(q)


def read_all(downloads, rounded, branch_names, internal=True):
    found = lattice.Lattice(branch_names)
    for d in downloads:
        if internal or d.suppress:
            d.rounded = rounded
            found.read(d, protected)
    return found


def incidents_truth():
    """fn(quantity, branches, period) -> the number of incidents the ORM counts, or None."""
    with translation.override("en"):
        perpetrators = {str(label): code for code, label in PerpetratorKind.choices}
        kinds = {str(label): code for code, label in ViolationKind.choices}

    def count(q, branches, period):
        table, row, _column = q
        incidents = Incident.objects.countable().filter(
            branch__in=branches, occurred_on__range=(period.start, period.end)
        )
        if table == "incidents_by_perpetrator" and row in perpetrators:
            incidents = incidents.filter(perpetrator=perpetrators[row])
        elif table == "incidents_by_violation":
            incidents = incidents.filter(violations__kind=kinds[row]).distinct()
        elif lattice.quantity_class(q) != lattice.FLOW:
            return None  # the share helped within 72 hours: not a count
        return incidents.count()

    return count


@dataclass
class Finding:
    who: str  # "incidents": a role without incident access; "outside": a recipient of the reports for outside
    quantity: tuple
    branches: frozenset
    period: lattice.Period
    value: int


@dataclass
class Attack:
    requests: int = 0
    files: int = 0
    rounded: bool = False
    seconds_downloading: float = 0
    seconds_solving: float = 0
    incident_figures_shown: int = 0  # incident figures among the role's internal downloads
    # Of them, to a role without incident access: those of fewer branches than a region (shown,
    # even rounded), e.g. a branch's row of the national table. An example of each kind.
    narrow_incident_figures_shown: list = field(default_factory=list)
    outside_figures_shown: int = 0  # figures of the reports for outside
    pinned_inside: int = 0
    pinned_outside: int = 0
    forbidden: list = field(default_factory=list)  # [Finding]
    small: dict = field(default_factory=dict)  # figures narrowed to 1-4 (not to one value): inside and outside
    moved: list = field(default_factory=list)  # shown minus true, of each rounded figure whose truth is known
    false: list = field(default_factory=list)  # [str]: pinned to a value that is not the truth
    names: dict = field(default_factory=dict)

    def describe(self, f):
        every = len(f.branches) == len(self.names)
        scope = "national" if every else "+".join(sorted(self.names[b] for b in f.branches))
        return f"{f.who}: {f.quantity[0]} / {f.quantity[1]} / {f.quantity[2]} @ {scope} {f.period} = {f.value}"

    def examples(self, n=15):
        """The most telling first: counts that are not zero, over the shortest periods."""
        ordered = sorted(
            self.forbidden,
            key=lambda f: (f.value == 0, f.period.end - f.period.start, f.quantity, sorted(f.branches)),
        )
        return [self.describe(f) for f in ordered[:n]]

    def summary(self):
        inside = [f for f in self.forbidden if f.who == "incidents"]
        return {
            "requests": self.requests,
            "files": self.files,
            "rounded": self.rounded,
            "download s": round(self.seconds_downloading, 1),
            "solve s": round(self.seconds_solving, 1),
            "incident figures in the internal files": self.incident_figures_shown,
            "of them narrower than a region (shown)": len(self.narrow_incident_figures_shown),
            "figures in the files for outside": self.outside_figures_shown,
            "pinned (internal incident figures)": self.pinned_inside,
            "pinned (files for outside)": self.pinned_outside,
            "incident figures given back": sum(f.value != 0 for f in inside),
            "of which 1 to 4": sum(1 <= f.value <= 4 for f in inside),
            "incident zeros given back": sum(f.value == 0 for f in inside),
            "counts 1-4 given back outside": sum(f.who == "outside" for f in self.forbidden),
            "false": len(self.false),
            "narrowed to 1-4 (not pinned)": len(self.small),
            "rounded figures compared with the truth": len(self.moved),
            "largest |shown - true|": max((abs(m) for m in self.moved), default=None),
            "mean shown - true": round(sum(self.moved) / len(self.moved), 2) if self.moved else None,
            "mean |shown - true|": round(sum(map(abs, self.moved)) / len(self.moved), 2) if self.moved else None,
        }


def attack(client, user, year, definitions=("btg", "gam"), scopes=None, ranges=True):
    """What every report of ``year`` that ``client`` (logged in as ``user``) can download gives back."""
    result = Attack(names=dict(Branch.objects.values_list("pk", "name")))
    branch_names = {name: pk for pk, name in result.names.items()}
    began = time.perf_counter()
    scopes = scopes or offered_scopes(client)
    requests = lattice.requests_of_a_year(
        year, scopes, definitions, busiest_month(year), "national:" in scopes, ranges=ranges
    )
    downloads = lattice.download_all(lambda params: download(client, "csv", params), requests, branches_of)
    result.requests, result.files = len(requests), len(downloads)
    result.rounded = reads_rounded(client, downloads)
    result.seconds_downloading = time.perf_counter() - began

    began = time.perf_counter()
    internal = read_all(downloads, result.rounded, branch_names)
    external = read_all(downloads, result.rounded, branch_names, internal=False)
    result.incident_figures_shown = sum(lattice.is_incident(f.quantity) for f in internal.figures)
    result.outside_figures_shown = len(external.figures)
    count_incidents = incidents_truth()

    def truth(q, branches, period):
        if lattice.is_incident(q):
            return count_incidents(q, branches, period)
        return internal.shown.get((q, branches, period))  # the role's own internal report

    def judge(pins, who, forbidden):
        for (q, branches, period), value in pins.items():
            true = truth(q, branches, period)
            if true is not None and true != value:
                result.false.append(f"{q} {sorted(branches)} {period}: {value}, true {true}")
            if forbidden(q, branches, period, value):
                result.forbidden.append(Finding(who, q, branches, period, value))

    regions = region_sets()
    if not user.handles_incidents:
        result.narrow_incident_figures_shown = [
            Finding("shown", f.quantity, f.branches, f.period, f.low if f.low == f.high else (f.low, f.high))
            for f in internal.figures
            if lattice.is_incident(f.quantity) and not region_or_wider(f.branches, regions)
        ]
        pins, solver = lattice.pinned(internal, keep=lattice.is_incident, small=result.small)
        assert not solver.inconsistent, solver.inconsistent[:3]
        result.pinned_inside = len(pins)
        judge(
            pins,
            "incidents",
            lambda q, branches, period, value: (
                not (region_or_wider(branches, regions) and period.calendar_quarters) or 1 <= value <= 4
            ),
        )
    seen = set()
    for f in internal.figures + external.figures:
        key = (f.quantity, f.branches, f.period)
        if (
            f.low != f.high and (f.low, f.high) != (1, 4) and key not in seen
        ):  # rounded: shown r is read as r - 4 to r + 4
            seen.add(key)
            true = truth(*key)
            if true is not None:
                result.moved.append(f.high - 4 - true)
    pins, solver = lattice.pinned(external, small=result.small)
    assert not solver.inconsistent, solver.inconsistent[:3]
    result.pinned_outside = len(pins)
    judge(pins, "outside", lambda q, branches, period, value: 1 <= value <= 4)
    result.seconds_solving = time.perf_counter() - began
    result.downloads = downloads
    return result
