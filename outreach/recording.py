"""Operations: record an outreach session, a training's attendance, participants and scores."""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from members.models import Member
from members.uic import is_valid_uic, normalise_uic
from opsi.submissions import create_once
from services import stock

from .models import OutreachCommodity, OutreachContact, OutreachSession, SessionTopic, TrainingAttendance


def parse_people(text, members):
    """Split typed codes or aliases into (members found, codes of non-members, bad entries).

    ``members`` is the queryset the entries may name (the branch's members the
    user may see); anything else must be a valid code.
    """
    found, codes, bad = [], [], []
    for token in [t.strip() for t in re.split(r"[,;\n]+", text or "") if t.strip()]:
        code = normalise_uic(token)
        member = members.filter(uic=code).first() if code else None
        if member is None:
            # An alias two members share is never guessed: the code tells them apart.
            named = list(members.filter(alias__iexact=token)[:2])
            if len(named) > 1:
                bad.append(_("%(alias)s (more than one member has it: give the code)") % {"alias": token})
                continue
            member = named[0] if named else None
        if member is not None:
            found.append(member)
        elif is_valid_uic(code):
            codes.append(code)
        else:
            bad.append(token)
    return found, codes, bad


def record_session(session, *, topics, members, codes, commodities, workers, peer_educators, by, submission_key):
    """Save a session with everything reached and handed out; a repeated submission returns the first."""
    session.recorded_by = by
    session.submission_key = submission_key

    def create():
        session.save()
        session.workers.set(workers)
        session.peer_educators.set(peer_educators)
        SessionTopic.objects.bulk_create(SessionTopic(session=session, topic=t) for t in topics)
        OutreachContact.objects.bulk_create(
            [OutreachContact(session=session, member=m, uic=m.uic) for m in members]
            + [OutreachContact(session=session, uic=c) for c in codes]
        )
        items = {item: quantity for item, quantity in commodities.items() if quantity}
        OutreachCommodity.objects.bulk_create(
            OutreachCommodity(session=session, commodity=item, quantity=quantity) for item, quantity in items.items()
        )
        if items and session.stock_centre_id:
            stock.hand_out(session.stock_centre, items, session.held_on, by, use=f"outreach {session.pk}")
        return session

    return create_once(OutreachSession, submission_key, create, by=by)


def allowed_attendees(training, user):
    """Members who may be listed: the training branch's members, or any visible member for a national one."""
    members = Member.objects.visible_to(user)
    if training.branch_id:
        members = members.filter(branch_id=training.branch_id)
    return members


GRID_LIMIT = 300


def attendance_grid(training, user):
    """The rows of the attendance grid: (member, [(day, present)]), by alias, and whether
    every active member of the branch is listed.

    Everyone already recorded for the training is listed (even after leaving), so
    saving the grid can never drop them; the branch's other active members are
    listed too when there are at most ``GRID_LIMIT``; past that, people are added
    by code or alias and then appear.
    """
    present = set(training.attendance.values_list("member_id", "day"))
    candidates = list(allowed_attendees(training, user).active().order_by("alias")[: GRID_LIMIT + 1])
    complete = len(candidates) <= GRID_LIMIT
    members = {m.pk: m for m in candidates} if complete else {}
    recorded = {member for member, _day in present} - set(members)
    members.update((m.pk, m) for m in Member.objects.filter(pk__in=recorded))
    rows = sorted(members.values(), key=lambda m: (m.alias.lower(), m.pk))
    return [(m, [(day, (m.pk, day) in present) for day in training.days]) for m in rows], complete


@transaction.atomic
def set_attendance(training, user, present, shown=(), was=None):
    """Save the attendance of the members ``shown`` on the grid: ``present`` is a set of
    (member id, day). Rows of members not shown are kept as they are; ticks for
    members not shown are added.

    ``was`` is what the grid showed ticked when it was opened: only the boxes the
    user changed are saved, so two people saving the grid at once keep each other's
    ticks.
    """
    days = set(training.days)
    if any(day not in days for _member, day in present):
        raise ValidationError(_("A day outside the training was given."))
    shown = set(shown)
    existing = set(
        TrainingAttendance.objects.filter(training=training, member__in=shown | {m for m, _d in present}).values_list(
            "member_id", "day"
        )
    )
    if was is not None:
        present = present | {(m, d) for m, d in existing if (m, d) not in was}  # ticked by someone else meanwhile
        added = (present - set(was)) - existing
    else:
        added = present - existing
    new_members = {member for member, _day in added}
    allowed = set(allowed_attendees(training, user).filter(pk__in=new_members).values_list("pk", flat=True))
    if new_members - allowed:
        raise ValidationError(_("Only members of the training's branch can be listed."))
    removed = [(member, day) for member, day in existing if member in shown and (member, day) not in present]
    for member, day in removed:
        TrainingAttendance.objects.filter(training=training, member_id=member, day=day).delete()
    TrainingAttendance.objects.bulk_create(
        TrainingAttendance(training=training, member_id=member, day=day) for member, day in sorted(added)
    )


def add_attendance(training, user, members, day):
    """Record ``members`` present on ``day``, keeping everyone already recorded."""
    set_attendance(training, user, {(m.pk, day) for m in members})
