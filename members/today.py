"""What the branches add to the administrator's home page (see ``opsi.home``)."""

from django.db.models import Count, Q

from opsi.home import provides
from opsi.models import User
from opsi.tenant import Branch


@provides("admin")
def branches_without_coordinator(user, today):
    """Active branches with no active coordinator, with their active centres: nobody there
    can set up a centre or answer for its records."""
    rows = (
        Branch.objects.visible_to(user)
        .filter(active=True)
        .annotate(
            coordinators=Count(
                "users", filter=Q(users__role=User.Role.COORDINATOR, users__is_active=True), distinct=True
            ),
            centres=Count("drop_in_centres", filter=Q(drop_in_centres__active=True), distinct=True),
        )
        .filter(coordinators=0)
        .order_by("name")
    )
    return {"branches_without_coordinator": list(rows)}
