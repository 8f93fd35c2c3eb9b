"""A member's timeline: everything recorded about the person, newest first.

Each app that records something about members adds a function
``entries(member, user)`` to ``members.contributions.timeline`` from its
``AppConfig.ready()``, returning ``Entry`` items with a constant number of
queries (whatever the number of entries). The member page merges them after
the member's own history.
"""

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Entry:
    on: date
    kind: str  # a short translated label: "Visit", "Training", ...
    text: str
    url: str = ""


def entries(member, user):
    """The member's own history: joining, kind changes, leaving."""
    from django.utils.translation import gettext as _

    from .models import MemberKind

    labels = dict(MemberKind.choices)
    found = [Entry(member.joined_on, _("Membership"), _("Joined"))]
    for period in member.kind_periods.all():
        if period.started_on != member.joined_on:
            found.append(
                Entry(period.started_on, _("Membership"), _("Became: %(kind)s") % {"kind": labels[period.kind]})
            )
    if member.left_on:
        found.append(Entry(member.left_on, _("Membership"), _("Left")))
    return found


# The member page shows the newest entries first and more on request: a regular who came every
# week for five years has some 260 visits, and a long page is slow on a cheap phone.
SHOWN = 50
MOST_SHOWN = 1000


def shown(asked):
    """How many entries to show for the page's ``?entries=`` (``SHOWN`` when absent or unreadable)."""
    try:
        return min(max(int(asked), SHOWN), MOST_SHOWN)
    except (TypeError, ValueError):
        return SHOWN


def timeline(member, user, limit=SHOWN):
    """The newest ``limit`` entries, and whether there are older ones."""
    from .contributions import timeline as contributed

    merged = entries(member, user)
    for found in contributed(member, user, limit + 1):
        merged.extend(found)
    merged.sort(key=lambda e: e.on, reverse=True)
    return merged[:limit], len(merged) > limit
