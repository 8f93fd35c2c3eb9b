"""Paperwork cases: open one, move it through its steps, find the stuck ones."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import CLOSED_STEPS, STEP_ORDER, CaseStep, Document, PaperworkCase, Step

STUCK_AFTER_DAYS = 30


@transaction.atomic
def open_case(member, document, on, by, barrier="", note=""):
    """Open a case; a second open case for the same document (a resent form) is refused."""
    # One opening at a time per member; the branch read under the lock, so a move being saved
    # beside it either comes first (read here) or waits and then takes this case along.
    branch_id = type(member).objects.select_for_update().values_list("branch_id", flat=True).get(pk=member.pk)
    if PaperworkCase.objects.filter(member=member, document=document).open().exists():
        raise ValidationError(_("A case for this document is already open for this member: add a step to it instead."))
    case = PaperworkCase.objects.create(
        member=member,
        branch_id=branch_id,
        document=document,
        opened_on=on,
        step=Step.IDENTIFIED,
        step_on=on,
        barrier=barrier,
    )
    CaseStep.objects.create(case=case, step=Step.IDENTIFIED, on=on, helped_by=by, barrier=barrier, note=note)
    return case


@transaction.atomic
def advance(case, step, on, by, barrier="", note="", today=None):
    """Move a case to ``step``. Going back needs a note saying why; dates never go back."""
    case = PaperworkCase.objects.select_for_update().get(pk=case.pk)
    today = today or case.member.branch.today()
    if on > today:
        raise ValidationError(_("A step cannot be dated in the future."))
    if on < case.step_on:
        raise ValidationError(
            _("A step cannot be dated before the previous one (%(date)s).") % {"date": case.step_on.isoformat()}
        )
    if case.step in CLOSED_STEPS:
        raise ValidationError(_("This case is closed."))
    if step == case.step:
        raise ValidationError(_("The case is already at this step."))
    if STEP_ORDER[step] < STEP_ORDER[case.step] and not note.strip():
        raise ValidationError(_("Going back to an earlier step needs a note saying why."))
    CaseStep.objects.create(case=case, step=step, on=on, helped_by=by, barrier=barrier, note=note)
    case.step, case.step_on = step, on
    if barrier:
        case.barrier = barrier
    if step == Step.ISSUED:
        case.issued_on = on
    case.save()
    return case


def follow_member(member):
    """The member's cases move with her to her new branch (``members.contributions.moved``)."""
    PaperworkCase.objects.filter(member=member).exclude(branch_id=member.branch_id).update(branch_id=member.branch_id)


def stuck(cases, today):
    """Open cases with no step for 30 days or more, the longest waiting first."""
    return cases.open().filter(step_on__lte=today - datetime.timedelta(days=STUCK_AFTER_DAYS)).order_by("step_on")


def documents_held(member):
    """The documents issued to the member, as a set of Document values."""
    return set(member.paperwork_cases.filter(step=Step.ISSUED).values_list("document", flat=True))


def missing_for(document, held):
    """Documents a case needs first: BPJS needs the KTP (and the KK behind it)."""
    if document == Document.BPJS:
        return [d for d in (Document.KTP,) if d not in held]
    if document == Document.KTP:
        return [d for d in (Document.KK,) if d not in held]
    return []
