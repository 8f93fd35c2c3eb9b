"""What this app adds to the member page, a member's timeline, erasure, the audit trail's member
filter and the demo data (``members.contributions``, ``opsi.contributions``)."""

from django.db.models import Q

from .models import Document, PaperworkCase, Referral, Visit
from .paperwork import documents_held, follow_member


def member_page(member, user):
    """The documents the member holds, and her paperwork cases."""
    held = documents_held(member)
    return {
        "documents": [(label, code in held) for code, label in Document.choices],
        "cases": member.paperwork_cases.all(),
    }


def forget(member, old_code, code):
    for model in (Visit, Referral):
        model.objects.filter(Q(member=member) | Q(uic=old_code)).update(uic=code)


def trail_records(member_id):
    return [
        (model, [str(pk) for pk in model.objects.filter(member_id=member_id).values_list("pk", flat=True)])
        for model in (Visit, PaperworkCase)
    ]


def connect():
    from members import contributions as members
    from opsi.contributions import demo_data

    from . import demo, timeline

    members.member_page.add(member_page)
    members.timeline.add(timeline.entries)
    members.erasure.add(forget)
    members.moved.add(follow_member)
    members.trail_records.add(trail_records)
    demo_data.add(demo.seed)
