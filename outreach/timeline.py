"""Trainings attended and outreach contacts on a member's timeline (two queries), the newest of each.

Both go through the access rule: a member who moved branch keeps their history,
but each user sees only the sessions and trainings they may see."""

from django.urls import reverse
from django.utils.translation import gettext as _

from members.timeline import Entry

from .models import OutreachContact, OutreachSession, Training, TrainingAttendance


def entries(member, user, limit):
    found = []
    trainings = Training.objects.visible_to(user).values("pk")
    attended = (
        TrainingAttendance.objects.filter(member=member, training__in=trainings)
        .select_related("training")
        .order_by("-day", "-pk")[:limit]
    )
    for attendance in attended:
        found.append(
            Entry(
                attendance.day,
                _("Training"),
                attendance.training.title,
                reverse("training_detail", args=[attendance.training_id]),
            )
        )
    sessions = OutreachSession.objects.visible_to(user).values("pk")
    contacts = (
        OutreachContact.objects.filter(member=member, session__in=sessions)
        .select_related("session")
        .order_by("-session__held_on", "-pk")[:limit]
    )
    for contact in contacts:
        found.append(
            Entry(
                contact.session.held_on,
                _("Outreach"),
                contact.session.get_place_kind_display(),
                reverse("session_detail", args=[contact.session_id]),
            )
        )
    return found
