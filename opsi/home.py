"""The home page is the day's work of the user's role.

Apps above this package add what they know (referrals waiting, stock running low,
branches gone silent) through ``provides``, from their ``AppConfig.ready()``; the
home view asks ``todays_work(user)``. Every provider answers with a constant number
of queries, whatever the amount of data, so the page costs the same in a small
branch and nationally.
"""

from django.db.models import Exists, OuterRef
from django.utils import timezone

_PROVIDERS = []

WRITERS = ("coordinator", "outreach_worker")


def role_of(user):
    return "admin" if user.is_admin else user.role


def provides(*roles):
    """Register ``function(user, today) -> dict`` for the home page of these roles."""

    def register(function):
        if function not in [f for _, f in _PROVIDERS]:
            _PROVIDERS.append((roles, function))
        return function

    return register


def today_for(user):
    """Today where the user works: the first branch's time zone, else the server's."""
    branches = [] if user.sees_all_branches else user.branch_list
    return branches[0].today() if branches else timezone.localdate()


def todays_work(user):
    role, today = role_of(user), today_for(user)
    found = {"role": role, "today": today}
    for roles, function in _PROVIDERS:
        if role in roles:
            found.update(function(user, today))
    return found


LATEST_AUDIT_ENTRIES = 8
USERS_LISTED = 10


@provides("admin")
def accounts_to_secure(user, today):
    """Active users who have not set up two-step login, and the latest audit entries."""
    from auditlog.models import LogEntry
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from .audit import trail_visible_to
    from .models import User

    without = (
        User.objects.filter(is_active=True)
        .annotate(has_device=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)))
        .filter(has_device=False)
        .order_by("username")
        .only("username", "role")
    )
    listed = list(without[: USERS_LISTED + 1])
    return {
        "without_two_step": listed[:USERS_LISTED],
        "without_two_step_more": len(listed) > USERS_LISTED,
        "audit_entries": list(
            # As in the audit admin: incident entries only for those who may read the incidents.
            trail_visible_to(LogEntry.objects.select_related("actor", "content_type"), user).order_by("-timestamp")[
                :LATEST_AUDIT_ENTRIES
            ]
        ),
    }
