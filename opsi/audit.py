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


HIDDEN = "***"


def hide_value(value):
    """Mask for fields whose values must not reach the trail: it keeps that the field
    changed, not from what to what."""
    return HIDDEN


def every_field(model, but=()):
    """Names of a model's fields for ``auditlog.register(mask_fields=...)``."""
    return [field.name for field in model._meta.concrete_fields if field.name not in but]


# Models whose entries the trail shows only to users who may read the records
# themselves: {model: function(user) -> queryset of the ids they may read}.
_restricted_trails = {}


def restrict_trail(model, readable_ids):
    _restricted_trails[model] = readable_ids


def trail_visible_to(entries, user):
    """The audit entries ``user`` may see: those of restricted models only for records they may read."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Q

    for model, readable_ids in _restricted_trails.items():
        content_type = ContentType.objects.get_for_model(model)
        entries = entries.filter(~Q(content_type=content_type) | Q(object_id__in=readable_ids(user)))
    return entries
