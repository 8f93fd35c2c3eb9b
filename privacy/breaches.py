"""The breach log: opening a breach, the two notices UU PDP 27/2022 asks for within 3 x 24
hours (Pasal 46: to the people concerned and to the supervisory body, saying what was
exposed, when and how, and what is being done), drafted in Bahasa Indonesia from what is
recorded, and the audit trail's reads of the records concerned."""

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from members.contributions import trail_records
from members.models import Member, MemberIdentity
from opsi.submissions import create_once

from .models import Breach

READS_SHOWN = 500


def open_breach(breach, branches, members, by, submission_key=None):
    breach.opened_by = by
    breach.submission_key = submission_key

    def create():
        breach.save()
        breach.branches.set(branches)
        breach.members.set(members)
        return breach

    saved, _created = create_once(Breach, submission_key, create, by=None)
    return saved


@transaction.atomic
def note_notified(breach, whom, at=None):
    """``whom``: "members" or "authority"."""
    field = {"members": "members_notified_at", "authority": "authority_notified_at"}[whom]
    setattr(breach, field, at or timezone.now())
    breach.save(update_fields=[field])
    return breach


def notices(breach):
    """The two drafts, in Bahasa Indonesia whatever the reader's language: to the members
    concerned, and to the supervisory body."""
    context = {
        "breach": breach,
        "branches": list(breach.branches.order_by("name")),
        "people": breach.members.count(),
    }
    with translation.override("id"):
        return {
            "members": render_to_string("privacy/notice_members.txt", context).strip(),
            "authority": render_to_string("privacy/notice_authority.txt", context).strip(),
        }


def reads_of_records(breach):
    """Audit entries of reads (pages, reveals, exports) of the records of the members
    concerned, and any export, from when it happened (else a week before it was found) on.
    Member ids come from the breach; each app names its records of them (``trail_records``)."""
    import datetime

    since = breach.occurred_at or breach.found_at - datetime.timedelta(days=7)
    member_ids = list(breach.members.values_list("pk", flat=True))
    condition = Q(additional_data__what__icontains="export")
    if member_ids:
        types = ContentType.objects.get_for_models(Member, MemberIdentity)
        condition |= Q(content_type=types[Member], object_pk__in=[str(pk) for pk in member_ids])
        identity_pks = MemberIdentity.objects.filter(member_id__in=member_ids).values_list("pk", flat=True)
        condition |= Q(content_type=types[MemberIdentity], object_pk__in=[str(pk) for pk in identity_pks])
        for member_id in member_ids:
            for records in trail_records(member_id):
                for model, pks in records:
                    if pks:
                        condition |= Q(content_type=ContentType.objects.get_for_model(model), object_pk__in=pks)
    return list(
        LogEntry.objects.filter(condition, action=LogEntry.Action.ACCESS, timestamp__gte=since)
        .select_related("actor", "content_type")
        .order_by("-timestamp")[:READS_SHOWN]
    )
