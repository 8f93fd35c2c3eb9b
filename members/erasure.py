"""The right to be forgotten, and retention.

Forgetting a member removes what identifies them (identity vault, alias, code,
birth year, notes) and replaces their code everywhere with a pseudonym that
stays unique to them, so the anonymous counts of past reports (people by code,
kind, gender, branch, dates) stay right. The member's earlier audit entries are
removed, since they would hold the old alias and code; one entry records who
erased the record and when.
"""

import datetime

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from opsi.audit import client_address

from .models import Member, MemberIdentity, MemberKindPeriod


def pseudonym(member):
    return f"ERASED{member.pk:010d}"


@transaction.atomic
def forget_member(member, by=None, request=None, reason="request"):
    from incidents.models import Incident
    from outreach.models import OutreachContact
    from services.models import Referral, Visit

    code = pseudonym(member)
    with disable_auditlog():
        MemberIdentity.objects.filter(member=member).delete()
        Visit.objects.filter(member=member).update(uic=code)
        Referral.objects.filter(member=member).update(uic=code)
        OutreachContact.objects.filter(member=member).update(uic=code)
        Incident.objects.filter(member=member).update(uic="")
        Member.objects.filter(linked_member=member).update(linked_member=None)
        Member.objects.filter(pk=member.pk).update(
            alias="—", uic=code, birth_year=None, notes="", linked_member=None, updated_at=timezone.now()
        )
    for model, pks in [
        (Member, [member.pk]),
        (MemberKindPeriod, list(member.kind_periods.values_list("pk", flat=True))),
        (MemberIdentity, [member.pk]),
    ]:
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model), object_pk__in=[str(pk) for pk in pks]
        ).delete()
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
