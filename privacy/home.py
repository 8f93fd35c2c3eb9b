"""On the home page (``opsi.home``): the requests due or late, for those who must act (the
coordinators of the branch where they were made, and the data protection officer), and the
breaches whose notices are not all sent, for the officer. Three queries whatever the numbers."""

from django.db.models import Count, Q
from django.utils import timezone

from opsi.home import provides

from .models import Breach, MemberRequest

LISTED = 5


@provides("coordinator", "data_protection")
def requests_due(user, today):
    now = timezone.now()
    open_requests = MemberRequest.objects.visible_to(user).open()
    counts = open_requests.aggregate(open=Count("pk"), late=Count("pk", filter=Q(due_at__lt=now)))
    listed = list(open_requests.select_related("branch").order_by("due_at", "pk")[:LISTED])
    for row in listed:
        row.late = row.due_at < now
    found = {"privacy_requests": listed, "privacy_request_counts": counts}
    if user.protects_data:
        found["privacy_breaches"] = list(
            Breach.objects.visible_to(user)
            .open()
            .filter(Q(members_notified_at=None) | Q(authority_notified_at=None))[:LISTED]
        )
    return found
