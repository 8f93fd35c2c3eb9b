"""Audit entries for what a model's save does not show: reads, reveals, exports.

Creates, changes and deletes are logged by django-auditlog for every registered
model; these helpers add the rest to the same trail, with who, from where and
what (never a sensitive value).
"""

from auditlog.models import LogEntry
from django.conf import settings
from ipware import get_client_ip


def client_address(request):
    """The client's address, for the audit trail and the login lockout alike.

    REMOTE_ADDR, unless ``TRUSTED_PROXY_HOPS`` proxies of ours stand in front: then the
    address the outermost one appended to X-Forwarded-For, counted from the right, so
    whatever a client wrote into that header itself is ignored.
    """
    if request is None:
        return None
    hops = settings.TRUSTED_PROXY_HOPS
    if not hops:
        return request.META.get("REMOTE_ADDR")
    address, _routable = get_client_ip(
        request,
        proxy_order="left-most",
        proxy_count=hops - 1,  # ipware counts the proxies listed in the header, not the nearest one
        request_header_order=["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"],
        strict=False,  # entries a client added on the left do not void the ones our proxies added
    )
    return address or request.META.get("REMOTE_ADDR")


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
