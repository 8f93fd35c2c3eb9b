"""Visit figures of days that have ended everywhere, kept as facts (the secretariat's home page).

The visits and people per branch of a closed quarter, and of the open quarter up to the day
before, are counted once and kept (``opsi.kept``, kind ``VISITS``, a fact per branch); the home
page counts live only the days since (``services.today``).

What drops them, in the transaction of the change that makes them wrong:
- a visit made or deleted with a date inside the days a kept figure counted drops its branch's
  row (a visit dated today, as most are, drops nothing);
- a visit saved whole or with its date, centre or code among the fields (the old values are not
  known here), visits whose code, date or centre is rewritten in bulk (erasure: two codes may
  become one person), and any change to a drop-in centre (it may have moved to another branch)
  drop every kept figure.
"""

import datetime

from django.db.models import Q

from opsi import kept
from opsi.dates import as_date
from opsi.kept import EVERYTHING, Reach

VISITS = kept.Kind("visits of closed days", code=["services/closed_quarters.py", "services/today.py"])

# Kept with no visit: a branch whose centres nobody visited on those days.
NONE = {"visits": 0, "people": 0}


def quarter_end(start):
    following = (
        start.replace(year=start.year + 1, month=1) if start.month == 10 else start.replace(month=start.month + 3)
    )
    return following - datetime.timedelta(days=1)


def kept_or_counted(start, count, branches, keep=True, end=None):
    """The visits and people per branch of the days from ``start`` to ``end`` (the quarter's last
    day when not given): {branch id: {"visits": n, "people": n}}. ``count(branch ids)`` counts
    them for those branches (all when None). Once those days have all ended everywhere, each
    branch of ``branches`` is counted once and kept, and read back after; a branch whose row was
    dropped by a late change is counted again alone.
    ``keep``: whether ``count`` sees every branch (only such figures are kept)."""
    end = end or quarter_end(start)
    if not keep or not kept.is_closed(end):
        return count(None)
    keys = {VISITS.key(start, end, branch): branch for branch in branches}
    figures = {keys[key]: payload for key, payload in VISITS.read(keys).items()}
    missing = set(branches) - figures.keys()
    if not missing:
        return figures
    seen = kept.mark()
    counted = count(missing)
    counted = {branch: counted.get(branch, NONE) for branch in missing}
    figures.update(counted)
    VISITS.keep(
        [(VISITS.key(start, end, branch), start, end, branch, values) for branch, values in counted.items()], seen
    )
    return figures


# What a visit's fields change: its date, centre (so branch) and code (so person) are counted.
_COUNTED = {"visited_on", "drop_in_centre", "drop_in_centre_id", "uic", "person_key"}


def _visits_reach(how, visits, fields):
    if how == "changed":
        return Reach(EVERYTHING) if fields is None or _COUNTED & fields else None
    if not visits:
        return None
    from opsi.tenant import DropInCentre

    days = [as_date(visit.visited_on, EVERYTHING) for visit in visits]
    centres = {visit.drop_in_centre_id for visit in visits}
    return Reach(min(days), max(days), Q(branch__in=DropInCentre.objects.filter(pk__in=centres).values("branch")))


def _centre_reach(how, centres, fields):
    return None if how == "made" else Reach(EVERYTHING)


def connect():
    from opsi.tenant import DropInCentre

    from .models import Visit

    VISITS.watch(Visit, _visits_reach)
    VISITS.watch(DropInCentre, _centre_reach)
