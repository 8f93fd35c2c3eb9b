"""What this app adds to a member's timeline, erasure and the demo data (``members.contributions``,
``opsi.contributions``)."""

from django.db.models import Q

from .models import OutreachContact


def forget(member, old_code, code):
    OutreachContact.objects.filter(Q(member=member) | Q(uic=old_code)).update(uic=code)


def connect():
    from members import contributions as members
    from opsi.contributions import demo_data

    from . import demo, timeline

    members.timeline.add(timeline.entries)
    members.erasure.add(forget)
    demo_data.add(demo.seed)
