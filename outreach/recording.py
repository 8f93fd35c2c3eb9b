"""Operations: record an outreach session, a training's attendance, participants and scores."""

import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from members.models import Member
from members.uic import is_valid_uic, normalise_uic
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
        member = member or members.filter(alias__iexact=token).first()
        if member is not None:
            found.append(member)
        elif is_valid_uic(code):
            codes.append(code)
        else:
            bad.append(token)
    return found, codes, bad


def record_session(session, *, topics, members, codes, commodities, workers, peer_educators, by, submission_key):
    """Save a session with everything reached and handed out; a repeated submission returns the first."""
    existing = OutreachSession.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        return existing, False
    session.recorded_by = by
    session.submission_key = submission_key
    try:
        with transaction.atomic():
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
    except IntegrityError:
        existing = OutreachSession.objects.filter(submission_key=submission_key).first()
        if existing is None:
            raise
        return existing, False
    return session, True


def allowed_attendees(training, user):
    """Members who may be listed: the training branch's members, or any visible member for a national one."""
    members = Member.objects.visible_to(user)
    if training.branch_id:
        members = members.filter(branch_id=training.branch_id)
    return members


@transaction.atomic
def set_attendance(training, user, present):
    """Replace the attendance with ``present``: a set of (member id, day)."""
    days = set(training.days)
    if any(day not in days for _member, day in present):
        raise ValidationError(_("A day outside the training was given."))
    member_ids = {member for member, _day in present}
    allowed = set(allowed_attendees(training, user).filter(pk__in=member_ids).values_list("pk", flat=True))
    if member_ids - allowed:
        raise ValidationError(_("Only members of the training's branch can be listed."))
    TrainingAttendance.objects.filter(training=training).delete()
    TrainingAttendance.objects.bulk_create(
        TrainingAttendance(training=training, member_id=member, day=day) for member, day in sorted(present)
    )
