"""What the drop-in centre work adds to the home page (see ``opsi.home``).

Coordinators and outreach workers: referrals waiting for an outcome, paperwork
cases stuck, centres out of stock or low, visits logged today, this month beside
the last. The secretariat: per branch, the last visit logged and this quarter's
figures beside last quarter's, so a silent branch stands out. Each function costs a
fixed number of queries.
"""

import datetime

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils import timezone

from members.models import Member
from opsi import kept as kept_facts
from opsi.dates import month_start, quarter_start
from opsi.home import WRITERS, provides
from opsi.tenant import Branch, DropInCentre

from . import closed_quarters, reference, stock
from .models import PaperworkCase, Referral, StockMovement, Visit
from .paperwork import STUCK_AFTER_DAYS
from .referrals import FOLLOW_UP_AFTER_DAYS
from .worklists import may_be_contacted

REFERRALS_LISTED = 3
SILENT_AFTER_DAYS = 30
# The secretariat's table is aggregate counts only (no member data): kept a few minutes,
# so the national figures are read from the database at most that often.
BRANCH_FIGURES_SECONDS = 300


@provides(*WRITERS)
def follow_ups(user, today):
    """Referrals waiting for an outcome (overdue first) and paperwork cases stuck."""
    overdue_on = today - datetime.timedelta(days=FOLLOW_UP_AFTER_DAYS)
    referrals = Referral.objects.visible_to(user).open().filter(may_be_contacted(today))
    referral_counts = referrals.aggregate(open=Count("pk"), overdue=Count("pk", filter=Q(made_on__lte=overdue_on)))
    waiting = list(referrals.select_related("member").order_by("made_on", "pk")[:REFERRALS_LISTED])
    for referral in waiting:
        referral.overdue = referral.made_on <= overdue_on
        referral.days = (today - referral.made_on).days
    stuck_on = today - datetime.timedelta(days=STUCK_AFTER_DAYS)
    case_counts = (
        PaperworkCase.objects.visible_to(user)
        .open()
        .aggregate(open=Count("pk"), stuck=Count("pk", filter=Q(step_on__lte=stuck_on)))
    )
    return {"referral_counts": referral_counts, "referrals_waiting": waiting, "case_counts": case_counts}


@provides(*WRITERS)
def centres_today(user, today):
    """Each centre of the user's branches: visits logged today, commodities out or low."""
    centres = [c for c in reference.active_centres(user)]
    dates = {centre.branch.today() for centre in centres} or {today}
    logged = {
        (row["drop_in_centre"], row["visited_on"]): row["n"]
        for row in Visit.objects.visible_to(user)
        .filter(visited_on__in=dates)
        .values("drop_in_centre", "visited_on")
        .annotate(n=Count("pk"))
    }
    levels = stock.levels(StockMovement.objects.visible_to(user), centres)
    rows = []
    for centre in centres:
        short = [
            {"item": item, "left": max(left, 0), "out": state == "out"}
            for item, left, state in levels[centre.pk]
            if state
        ]
        rows.append(
            {
                "centre": centre,
                "today": centre.branch.today(),
                "visits": logged.get((centre.pk, centre.branch.today()), 0),
                "short": short,
            }
        )
    return {
        "centres": rows,
        "centres_short": [row for row in rows if row["short"]],
        "visits_today": sum(row["visits"] for row in rows),
    }


@provides(*WRITERS)
def month_against_last(user, today):
    """Visits and people reached this month beside last month, for a small chart."""
    this_month, last_month = month_start(today), month_start(today, 1)
    figures = (
        Visit.objects.visible_to(user)
        .filter(visited_on__gte=last_month, visited_on__lte=today)
        .aggregate(
            visits=Count("pk", filter=Q(visited_on__gte=this_month)),
            visits_before=Count("pk", filter=Q(visited_on__lt=this_month)),
            people=Count("person_key", distinct=True, filter=Q(visited_on__gte=this_month)),
            people_before=Count("person_key", distinct=True, filter=Q(visited_on__lt=this_month)),
        )
    )
    return {"month_chart": chart(figures), "this_month": this_month, "last_month": last_month}


def chart(figures, width=300, bar_height=16):
    """Bars for two figures (visits, people), this period beside the last, scaled together."""
    largest = max([figures[k] for k in ("visits", "visits_before", "people", "people_before")] + [1])
    label_width, value_room = 0, 40
    room = width - label_width - value_room
    groups = []
    y = 0
    for key in ("visits", "people"):
        bars = []
        for suffix, colour in (("_before", "#9bb0c4"), ("", "#24415e")):
            value = figures[key + suffix]
            length = round(room * value / largest)
            bars.append(
                {
                    "y": y + 18,
                    "length": max(length, 1),
                    "value": value,
                    "value_x": length + 6,
                    "text_y": y + 18 + bar_height - 4,
                    "colour": colour,
                    "last": suffix == "",
                }
            )
            y += bar_height + 4
        groups.append({"key": key, "label_y": y - 2 * (bar_height + 4) + 12, "bars": bars})
        y += 24
    return {"width": width, "height": y, "bar_height": bar_height, "groups": groups, **figures}


def branch_figures_key(today):
    return f"home:branch-figures-counted:{today.isoformat()}"


@provides("secretariat")
def branches_at_a_glance(user, today):
    this_quarter, last_quarter = quarter_start(today), quarter_start(today, 1)
    key = branch_figures_key(today)
    kept = cache.get(key)
    if kept is None:
        kept = {"rows": _branch_figures(user, today, this_quarter, last_quarter), "counted_at": timezone.now()}
        cache.set(key, kept, BRANCH_FIGURES_SECONDS)
    return {
        "branch_rows": kept["rows"],
        # The table may be a few minutes old: the page says when it was counted.
        "branch_figures_counted_at": kept["counted_at"],
        "branch_figures_minutes": BRANCH_FIGURES_SECONDS // 60,
        "this_quarter": this_quarter,
        "last_quarter": last_quarter,
        "quarter_number": (this_quarter.month - 1) // 3 + 1,
    }


def _visit_figures(visits, start, end, branches=None):
    """{branch id: {"visits", "people"}} of ``visits`` dated from ``start`` to ``end`` (at the
    centres of ``branches`` only, when given), read from the date-centre-person index alone."""
    if branches is not None:
        visits = visits.filter(drop_in_centre__branch__in=list(branches))
    return {
        row["drop_in_centre__branch"]: {"visits": row["visits"], "people": row["people"]}
        for row in visits.filter(visited_on__range=(start, end))
        .values("drop_in_centre__branch")
        .annotate(visits=Count("*"), people=Count("person_key", distinct=True))
    }


def _open_quarter_figures(user, start, today, branches):
    """{branch id: {"visits", "people"}} of the quarter from ``start`` to ``today``: its days
    that have ended everywhere read from their kept figures, the day or two since counted live
    (someone who came to the branch's centres earlier in the quarter counted once)."""
    visits = Visit.objects.visible_to(user)
    last_kept = min(today, kept_facts.today()) - datetime.timedelta(days=1)
    if last_kept < start or not user.sees_all_branches:
        return _visit_figures(visits, start, today)
    kept = closed_quarters.kept_or_counted(
        start, lambda some: _visit_figures(visits, start, last_kept, some), branches, end=last_kept
    )
    came_before = Visit.objects.filter(
        person_key=OuterRef("person_key"),
        visited_on__range=(start, last_kept),
        drop_in_centre__branch=OuterRef("drop_in_centre__branch"),
    )
    since = {
        row["drop_in_centre__branch"]: row
        for row in visits.filter(visited_on__gt=last_kept, visited_on__lte=today)
        .values("drop_in_centre__branch")
        .annotate(visits=Count("*"), people=Count("person_key", distinct=True, filter=~Q(Exists(came_before))))
    }
    return {
        branch: {
            name: kept.get(branch, {}).get(name, 0) + since.get(branch, {}).get(name, 0)
            for name in ("visits", "people")
        }
        for branch in kept.keys() | since.keys()
    }


def _branch_figures(user, today, this_quarter, last_quarter):
    """Per branch: the last visit (through each centre's newest visit, read from the
    centre-and-date index) and this quarter's visits, people and new members beside last
    quarter's. Silent branches (no visit for 30 days) first. Last quarter's visits and people
    are counted once it is closed and kept (``closed_quarters``); this quarter's up to the day
    before too, and the days since live."""
    newest = Visit.objects.filter(drop_in_centre=OuterRef("pk")).order_by("-visited_on").values("visited_on")[:1]
    last_visit = {}
    with_centres = set()
    for row in DropInCentre.objects.visible_to(user).annotate(last=Subquery(newest)).values("branch", "last"):
        with_centres.add(row["branch"])
        if row["last"] and (row["branch"] not in last_visit or row["last"] > last_visit[row["branch"]]):
            last_visit[row["branch"]] = row["last"]
    visits = _open_quarter_figures(user, this_quarter, today, with_centres)
    visits_before = closed_quarters.kept_or_counted(
        last_quarter,
        lambda some: _visit_figures(
            Visit.objects.visible_to(user), last_quarter, this_quarter - datetime.timedelta(days=1), some
        ),
        with_centres,
        keep=user.sees_all_branches,
    )
    joined = {
        row["branch"]: row
        for row in Member.objects.visible_to(user)
        .filter(joined_on__gte=last_quarter, joined_on__lte=today)
        .values("branch")
        .annotate(
            new=Count("joined_on", filter=Q(joined_on__gte=this_quarter)),
            new_before=Count("joined_on", filter=Q(joined_on__lt=this_quarter)),
        )
    }
    silent_before = today - datetime.timedelta(days=SILENT_AFTER_DAYS)
    rows = []
    for branch in Branch.objects.visible_to(user).filter(active=True).order_by("name"):
        figures = visits.get(branch.pk, {})
        before = visits_before.get(branch.pk, {})
        members = joined.get(branch.pk, {})
        last = last_visit.get(branch.pk)
        rows.append(
            {
                "pk": branch.pk,
                "name": branch.name,
                "last_visit": last,
                "silent": last is None or last < silent_before,
                "visits": figures.get("visits", 0),
                "visits_before": before.get("visits", 0),
                "people": figures.get("people", 0),
                "people_before": before.get("people", 0),
                "new": members.get("new", 0),
                "new_before": members.get("new_before", 0),
            }
        )
    rows.sort(key=lambda r: (not r["silent"], r["last_visit"] or datetime.date.min, r["name"]))
    return rows
