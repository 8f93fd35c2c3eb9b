"""The right to be forgotten, and retention.

Forgetting a member removes what identifies them (identity vault, alias, code,
birth year, notes) and replaces their code everywhere with a pseudonym that
stays unique to them, so the anonymous counts of past reports (people by code,
kind, gender, branch, dates) stay right. The member's earlier audit entries are
removed, since they would hold the old alias and code; the entries of the
person's other records (visits, cases, referrals, contacts, incidents, and those
logged by the code before the person registered) and the admin's own history are
scrubbed of the old code, alias and the code's number, whenever they were
written; one entry records who erased the record and when.

A many-to-many change in the trail (a session's peer educators) names each linked
member as the pages do, alias and code: the entries of every record a member is or
was linked to that way are found by the code and scrubbed too. The member's name
stays as it is on the pages, where a worker picks the right person by it.
"""

import datetime

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from opsi.audit import client_address
from opsi.db import person_key

from .models import Member, MemberIdentity, MemberKindPeriod


def pseudonym(member):
    return f"ERASED{member.pk:010d}"


@transaction.atomic
def forget_member(member, by=None, request=None, reason="request"):
    from .contributions import erasure

    list(Member.objects.select_for_update().filter(pk=member.pk))  # one erasure at a time
    member.refresh_from_db()
    old_code, old_alias = member.uic, member.alias
    code = pseudonym(member)
    # The person's other records, and those of the same person before they were a
    # member (a walk-in by the same code): their trail entries are scrubbed below.
    tied = _records_of(member, old_code)
    linked = _linked_in_trail(old_code)
    with disable_auditlog():
        MemberIdentity.objects.filter(member=member).delete()
        erasure(member, old_code, code)  # visits, referrals, contacts, incidents (their apps)
        Member.objects.filter(linked_member=member).update(linked_member=None)
        Member.objects.filter(pk=member.pk).update(
            alias="—", uic=code, birth_year=None, notes="", linked_member=None, updated_at=timezone.now()
        )
    own = [
        (Member, [member.pk]),
        (MemberKindPeriod, list(member.kind_periods.values_list("pk", flat=True))),
        (MemberIdentity, [member.pk]),
    ]
    for model, pks in own:
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model), object_pk__in=[str(pk) for pk in pks]
        ).delete()
    _scrub_trail(
        own + tied,
        {
            old_code: code,
            old_alias: "—",
            # The number the visits carried for the code (opsi.db) could be matched to it too.
            str(person_key(old_code)): str(person_key(code)),
        },
    )
    # Lists of linked members: only her name as a whole, so another's that starts like
    # her alias ("Kenanga" beside "Kenanga Dua") stays whole.
    _scrub_trail(linked, {f"{old_alias} ({old_code})": f"— ({code})", old_code: code})
    member.refresh_from_db()
    LogEntry.objects.log_create(
        member,
        force_log=True,
        action=LogEntry.Action.DELETE,
        actor=by,
        remote_addr=client_address(request),
        changes={"erased": ["identifying fields", reason]},
    )
    return member


def _records_of(member, code):
    """[(model, [pk, ...])] of every record tied to the member or to their code, and
    of the records under those (a paperwork case's steps, a visit's lines)."""
    records = []
    for relation in _reverse_relations(Member):
        model = relation.related_model
        if model is Member:
            continue  # another member linked to this one names it by number only
        condition = Q(**{relation.field.name: member})
        if any(field.name == "uic" for field in model._meta.fields):
            condition |= Q(uic=code)
        pks = list(model._default_manager.filter(condition).values_list("pk", flat=True))
        records.append((model, pks))
        for child in _reverse_relations(model):
            child_pks = child.related_model._default_manager.filter(**{f"{child.field.name}__in": pks})
            records.append((child.related_model, list(child_pks.values_list("pk", flat=True))))
    return [(model, pks) for model, pks in records if pks]


def _linked_in_trail(code):
    """[(model, [pk, ...])] of the records whose many-to-many changes in the trail name
    the code: those linked to the member now, and those she was taken off."""
    linking = {
        field.related_model
        for field in Member._meta.get_fields()
        if field.many_to_many and field.auto_created and field.related_model is not Member
    }
    if not linking:
        return []
    types = {ContentType.objects.get_for_model(model): model for model in linking}
    found = {}
    entries = (
        LogEntry.objects.filter(content_type__in=types)
        .annotate(text=Cast("changes", TextField()))
        .filter(text__contains=code)
        .values_list("content_type_id", "object_pk")
    )
    for content_type_id, pk in entries:
        model = next(model for type_, model in types.items() if type_.pk == content_type_id)
        found.setdefault(model, set()).add(pk)
    return [(model, sorted(pks)) for model, pks in found.items()]


def _reverse_relations(model):
    """Foreign keys of other models that point at ``model`` (hidden ones included)."""
    return [
        field
        for field in model._meta.get_fields(include_hidden=True)
        if field.auto_created and not field.concrete and (field.one_to_many or field.one_to_one)
    ]


def _scrub_trail(records, replacements):
    """Replace the old code and alias wherever the trail holds them for these records:
    the record's name, its changes, its stored data (entries written before names and
    changes left codes out still hold them), and the admin's own history."""
    from django.contrib.admin.models import LogEntry as AdminLogEntry

    def scrub(value):
        if isinstance(value, str):
            for old, new in replacements.items():
                if old:
                    value = value.replace(old, new)
            return value
        if isinstance(value, list):
            return [scrub(item) for item in value]
        if isinstance(value, dict):
            return {scrub(key): scrub(item) for key, item in value.items()}
        return value

    text_fields = ["object_repr", "changes_text", "changes", "serialized_data", "additional_data"]
    for model, pks in records:
        content_type = ContentType.objects.get_for_model(model)
        for start in range(0, len(pks), 500):
            keys = [str(pk) for pk in pks[start : start + 500]]
            for entry in LogEntry.objects.filter(content_type=content_type, object_pk__in=keys).only(
                "pk", *text_fields
            ):
                values = {name: scrub(getattr(entry, name)) for name in text_fields}
                if any(values[name] != getattr(entry, name) for name in text_fields):
                    LogEntry.objects.filter(pk=entry.pk).update(**values)
            for entry in AdminLogEntry.objects.filter(content_type=content_type, object_id__in=keys):
                AdminLogEntry.objects.filter(pk=entry.pk).update(
                    object_repr=scrub(entry.object_repr), change_message=scrub(entry.change_message)
                )


def apply_retention(today=None, left_years=5, access_log_days=730):
    """Forget members who left more than ``left_years`` ago; drop old read/export entries."""
    today = today or timezone.localdate()
    cutoff = today.replace(year=today.year - left_years)
    forgotten = 0
    for member in Member.objects.filter(left_on__lt=cutoff).exclude(uic__startswith="ERASED"):
        forget_member(member, reason="retention")
        forgotten += 1
    old = timezone.now() - datetime.timedelta(days=access_log_days)
    purged, _ = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, timestamp__lt=old).delete()
    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(LogEntry),
        object_pk="retention",
        object_repr="retention",
        action=LogEntry.Action.DELETE,
        changes={"retention": [f"{forgotten} members forgotten", f"{purged} access entries purged"]},
    )
    return forgotten, purged
