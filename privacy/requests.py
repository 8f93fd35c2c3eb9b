"""Members' requests: recorded at a centre, handled, and the copy of her records produced."""

from django.db import transaction
from django.utils import timezone

from opsi.audit import log_access
from opsi.submissions import create_once

from .models import MemberRequest, RequestStatus


def record_request(request_obj, by, submission_key=None):
    """Save a new request (its due time follows from when it was received); a repeated
    submission returns the first."""
    request_obj.recorded_by = by
    request_obj.submission_key = submission_key
    request_obj.branch = request_obj.drop_in_centre.branch

    def create():
        request_obj.save()
        return request_obj

    saved, _created = create_once(MemberRequest, submission_key, create, by=by)
    return saved


@transaction.atomic
def close_request(member_request, status, outcome, by):
    member_request.status = status
    member_request.outcome = outcome
    member_request.handled_by = by
    member_request.handled_at = timezone.now()
    member_request.save(update_fields=["status", "outcome", "handled_by", "handled_at"])
    return member_request


@transaction.atomic
def note_copy_made(member_request, http_request, what):
    """The copy of her records was produced (``what``: "page" or "pdf"): on the request, and in
    the audit trail of the member and of the request."""
    MemberRequest.objects.filter(pk=member_request.pk).update(copy_made_at=timezone.now())
    log_access(member_request.member, http_request, f"access copy {what}", member_request=member_request.pk)
    log_access(member_request, http_request, f"access copy {what}")


def is_open(member_request):
    return member_request.status == RequestStatus.OPEN
