"""Dated changes of where a member belongs and of her peer-educator status.

A change is dated on or after the last one recorded of its sort: the history reads
each date's value from the changes after it, so a change slipped in before a later
one would rewrite what that later change says.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Member


def _check_date(member, on, latest):
    if on < member.joined_on:
        raise ValidationError(_("The change cannot be dated before the member joined."))
    if latest is not None and on < latest:
        raise ValidationError(
            _("The change must be dated on or after %(date)s, the last change recorded.") % {"date": latest.isoformat()}
        )
    member.branch.refuse_future(on)


@transaction.atomic
def move_member(member, branch, on, by):
    """The member belongs to ``branch`` from ``on``; earlier periods stay with the old branch."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    _check_date(member, on, member.moves.order_by("-moved_on").values_list("moved_on", flat=True).first())
    member.branch = branch
    member.save(update_fields=["branch", "updated_at"], change_on=on, changed_by=by)
    return member


@transaction.atomic
def set_peer_educator(member, peer_educator, on, by):
    """The member is (or stops being) a peer educator from ``on``."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    latest = member.peer_educator_changes.order_by("-changed_on").values_list("changed_on", flat=True).first()
    _check_date(member, on, latest)
    member.peer_educator = peer_educator
    member.save(update_fields=["peer_educator", "updated_at"], change_on=on, changed_by=by)
    return member
