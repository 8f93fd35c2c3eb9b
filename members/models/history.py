"""Dated changes of a member's branch and peer-educator status.

A member row holds where she is and what she is today; each change records the
value before and after and its date. Her branch (or status) on any date is the
value before the first change dated after it, or today's value when there is none:
so a member never moved needs no row, and a report of a closed period reads the
past as it was, whatever is changed later.
"""

from auditlog.registry import auditlog
from django.conf import settings
from django.db import models
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from opsi.scoping import ScopedQuerySet
from opsi.tenant import Branch


class MemberMove(models.Model):
    """A member moved from one branch to another, from a date on."""

    branch_path = "member__branch"

    member = models.ForeignKey(
        "members.Member", verbose_name=_("member"), on_delete=models.CASCADE, related_name="moves"
    )
    from_branch = models.ForeignKey(Branch, verbose_name=_("from branch"), on_delete=models.PROTECT, related_name="+")
    to_branch = models.ForeignKey(Branch, verbose_name=_("to branch"), on_delete=models.PROTECT, related_name="+")
    moved_on = models.DateField(_("member of the new branch from"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("move to another branch")
        verbose_name_plural = _("branch history")
        ordering = ["member", "moved_on", "pk"]
        indexes = [models.Index(fields=["member", "moved_on"], name="member_move_date")]


class PeerEducatorChange(models.Model):
    """A member became a peer educator, or stopped being one, from a date on."""

    branch_path = "member__branch"

    member = models.ForeignKey(
        "members.Member", verbose_name=_("member"), on_delete=models.CASCADE, related_name="peer_educator_changes"
    )
    was_peer_educator = models.BooleanField(_("peer educator before"))
    peer_educator = models.BooleanField(_("peer educator from this date"))
    changed_on = models.DateField(_("from"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("peer-educator change")
        verbose_name_plural = _("peer-educator history")
        ordering = ["member", "changed_on", "pk"]
        indexes = [models.Index(fields=["member", "changed_on"], name="peer_educator_change_date")]


def _on(date):
    return OuterRef(date.name) if isinstance(date, F) else date


def branch_on(date, member="member"):
    """The branch a member belonged to on ``date`` (a date, or F() of a date column of the
    outer row), as an expression; ``member``: the path from the outer row to the member."""
    prefix = f"{member}__" if member else ""
    earliest_later_move = (
        MemberMove.objects.filter(member=OuterRef(member or "pk"), moved_on__gt=_on(date))
        .order_by("moved_on", "pk")
        .values("from_branch")[:1]
    )
    return Coalesce(Subquery(earliest_later_move), F(f"{prefix}branch"), output_field=models.BigIntegerField())


def peer_educator_on(date, member="member"):
    """Whether a member was a peer educator on ``date``, as an expression (see ``branch_on``)."""
    prefix = f"{member}__" if member else ""
    earliest_later_change = (
        PeerEducatorChange.objects.filter(member=OuterRef(member or "pk"), changed_on__gt=_on(date))
        .order_by("changed_on", "pk")
        .values("was_peer_educator")[:1]
    )
    return Coalesce(Subquery(earliest_later_change), F(f"{prefix}peer_educator"), output_field=models.BooleanField())


def record_changes(member, before, on=None, by=None):
    """Write the dated changes between ``before`` ({"branch_id", "peer_educator"}) and ``member``."""
    on = on or member.branch.today()  # a change saved without a date: today, in the branch's time zone
    if before.get("branch_id") not in (None, member.branch_id):
        from ..contributions import moved

        MemberMove.objects.create(
            member=member,
            from_branch_id=before["branch_id"],
            to_branch_id=member.branch_id,
            moved_on=on,
            recorded_by=by,
        )
        moved(member)
    if "peer_educator" in before and before["peer_educator"] != member.peer_educator:
        PeerEducatorChange.objects.create(
            member=member,
            was_peer_educator=before["peer_educator"],
            peer_educator=member.peer_educator,
            changed_on=on,
            recorded_by=by,
        )


auditlog.register(MemberMove)
auditlog.register(PeerEducatorChange)
