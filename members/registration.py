"""Operations on members: register, change kind, leave (finding a code elsewhere: lookups.py)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Member, MemberKindPeriod
from .models.members import work_setting_for


@transaction.atomic
def register_member(member, by):
    """Save a new member and open their first kind period on the day they joined (the form
    and the import both register through here)."""
    member.created_by = by
    member.work_setting = work_setting_for(member.kind, member.work_setting)
    member.save(force_insert=True)
    MemberKindPeriod.objects.create(member=member, kind=member.kind, started_on=member.joined_on, recorded_by=by)
    return member


@transaction.atomic
def change_kind(member, kind, on, by):
    """A regular member stops sex work and becomes former, or another change of kind.

    The earlier kind keeps its dates; a change cannot be dated before the current
    period began or after the member left.
    """
    member = Member.objects.select_for_update().get(pk=member.pk)
    current = member.kind_periods.filter(ended_on__isnull=True).first()
    if kind == member.kind:
        raise ValidationError(_("The member is already of this kind."))
    if current is not None and on <= current.started_on:
        raise ValidationError(
            _("The change must be dated after %(date)s, when the current kind began.")
            % {"date": current.started_on.isoformat()}
        )
    if on < member.joined_on:
        raise ValidationError(_("The change cannot be dated before the member joined."))
    if current is not None:
        current.ended_on = on
        current.save(update_fields=["ended_on"])
    MemberKindPeriod.objects.create(member=member, kind=kind, started_on=on, recorded_by=by)
    member.kind = kind
    member.work_setting = work_setting_for(kind, member.work_setting)
    member.save(update_fields=["kind", "work_setting", "updated_at"])
    return member


@transaction.atomic
def member_leaves(member, on):
    """The member leaves on ``on``; the audit trail names who recorded it (the request's user)."""
    if on < member.joined_on:
        raise ValidationError(_("A member cannot leave before joining."))
    member.left_on = on
    member.save(update_fields=["left_on", "updated_at"])
    return member


@transaction.atomic
def member_returns(member):
    """A member who had left is active again."""
    member.left_on = None
    member.save(update_fields=["left_on", "updated_at"])
    return member
