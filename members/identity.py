"""The identity vault: saving, masking, revealing legal name, NIK and phone."""

import re

from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from opsi import provinces
from opsi.audit import client_address, log_access
from opsi.scoping import may_change as _may_change

from opsi.crypto import Sealed, lookup_hash
from .models import MemberIdentity

IDENTITY_FIELDS = ("legal_name", "nik", "phone")


def validate_nik(value):
    """A NIK: 16 digits, a real province code, a birth day (women +40) and month."""
    if not re.fullmatch(r"\d{16}", value or ""):
        raise ValidationError(_("A NIK has exactly 16 digits."), code="nik_length")
    day, month = int(value[6:8]), int(value[8:10])
    if value[:2] not in provinces.BY_CODE or not (1 <= month <= 12) or not (1 <= day <= 31 or 41 <= day <= 71):
        raise ValidationError(
            _("This is not a valid NIK: check the province code and the birth date in it."),
            code="nik_invalid",
        )


def nik_owner(nik, exclude_member=None):
    """The member (any branch) who already has this NIK, found by its keyed hash."""
    found = MemberIdentity.objects.filter(nik_hash=lookup_hash(nik)).select_related("member__branch")
    if exclude_member is not None:
        found = found.exclude(member=exclude_member)
    identity = found.first()
    return identity.member if identity else None


def mask(value, field):
    if not value:
        return ""
    if isinstance(value, Sealed):
        return value
    if field == "nik":
        return value[:4] + "*" * (len(value) - 8) + value[-4:]
    if field == "phone":
        return "*" * max(len(value) - 3, 0) + value[-3:]
    return value[0] + "*" * 7  # one width for every name: the mask must not tell its length


def save_identity(member, request, **values):
    """Store the given fields (empty clears one); the trail names fields, not values."""
    identity, _created = MemberIdentity.objects.get_or_create(member=member)
    changed = []
    for field in IDENTITY_FIELDS:
        if field in values and (values[field] or "") != getattr(identity, field):
            setattr(identity, field, values[field] or "")
            changed.append(field)
    if not changed:
        return identity
    identity.nik_hash = lookup_hash(identity.nik) if identity.nik else ""
    identity.save()
    LogEntry.objects.log_create(
        identity,
        force_log=True,
        action=LogEntry.Action.UPDATE,
        actor=request.user if request is not None else None,
        remote_addr=client_address(request),
        changes={field: ["***", "***"] for field in changed},
    )
    return identity


def may_reveal(user, member, may_change=None):
    """Coordinators of the member's branch and administrators; nobody else. ``may_change``:
    whether the user may change the member, when the caller already asked."""
    if user.is_admin:
        return True
    if user.role != user.Role.COORDINATOR:
        return False
    return _may_change(user, member) if may_change is None else may_change


def reveal(member, field, reason, request):
    identity = MemberIdentity.objects.filter(member=member).first()
    value = getattr(identity, field, "") if identity else ""
    log_access(member, request, f"reveal {field}", reason=reason)
    return value


def reseal_identities():
    """Encrypt every identity again under the first key and recompute its NIK hash.

    After a key rotation (the old key can then go) or a new FIELD_HASH_KEY. Values this
    copy cannot decrypt are left as they are. Returns (resealed, left sealed).
    """
    resealed = left = 0
    for identity in MemberIdentity.objects.order_by("pk").iterator(chunk_size=500):
        values = {field: getattr(identity, field) for field in IDENTITY_FIELDS}
        if any(isinstance(value, Sealed) for value in values.values()):
            left += 1
            continue
        # update(), not save(): the values are the same, so there is nothing for the trail.
        MemberIdentity.objects.filter(pk=identity.pk).update(
            **values, nik_hash=lookup_hash(values["nik"]) if values["nik"] else ""
        )
        resealed += 1
    return resealed, left
