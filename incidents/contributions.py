"""What this app adds to the home page, erasure and the demo data (``opsi.home``,
``members.contributions``, ``opsi.contributions``)."""

from django.db.models import Q

from opsi.home import provides

from .models import Alert, Incident


@provides("admin", "secretariat", "coordinator", "outreach_worker", "crisis_response")
def alerts(user, today):
    """The warnings sent to the user's branches that are still current."""
    from django.utils import timezone

    # The date where the request runs (its branch's time zone, opsi.middleware), as before.
    return {"alerts": Alert.objects.visible_to(user).current(timezone.localdate()).select_related("branch")}


def forget(member, old_code, code):
    # An incident keeps no code of a person once she is forgotten, not even the pseudonym.
    Incident.objects.filter(Q(member=member) | Q(uic=old_code)).update(uic="")


def connect():
    from members import contributions as members
    from opsi.contributions import demo_data

    from . import demo

    members.erasure.add(forget)
    demo_data.add(demo.seed)
