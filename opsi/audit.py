"""Audit entries for what a model's save does not show: reads, reveals, exports.

Creates, changes and deletes are logged by django-auditlog for every registered
model; these helpers add the rest to the same trail, with who, from where and
what (never a sensitive value).
"""

from auditlog.models import LogEntry


def client_address(request):
    return request.META.get("REMOTE_ADDR") if request is not None else None


def log_access(instance, request, what, **details):
    """A sensitive read: a member's page, a revealed field, an export."""
    return LogEntry.objects.log_create(
        instance,
        force_log=True,
        action=LogEntry.Action.ACCESS,
        actor=request.user if request is not None and request.user.is_authenticated else None,
        remote_addr=client_address(request),
        changes={"access": [what, ""]},
        additional_data={"what": what, **details},
    )
