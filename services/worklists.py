"""Referrals and paperwork cases as lists of work: every one, open ones first, late ones
marked, filtered by state, centre or branch, and worker. Each list costs a fixed number
of queries (a count, a page of rows, the filter's choices); the paperwork list picks its page
by key first and reads those rows after (``services.views._work_list``)."""

import datetime

from django import forms
from django.db.models import BooleanField, Case, ExpressionWrapper, F, Q, Value, When
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from members.models import Consent, ConsentPurpose
from opsi.forms import rendered_fields_key
from opsi.models import User
from opsi.tenant import Branch, DropInCentre

from .models import CLOSED_STEPS, PaperworkCase, ReferralOutcome
from .paperwork import STUCK_AFTER_DAYS
from .referrals import FOLLOW_UP_AFTER_DAYS


def may_be_contacted(today):
    """The condition on a referral that its person may be contacted to follow it up: not one who
    withdrew her consent to being contacted (``members.models.consent``), by member or by code."""
    withdrawn = Consent.objects.withdrawn(ConsentPurpose.OUTREACH_CONTACT, today)
    return ~Q(member__in=withdrawn.values("member_id")) & ~Q(uic__in=withdrawn.values("member__uic"))


def _workers(user):
    """Users who record work in the branches the user sees."""
    workers = User.objects.filter(is_active=True, role__in=[User.Role.COORDINATOR, User.Role.OUTREACH_WORKER])
    if not user.sees_all_branches:
        workers = workers.filter(branches__in=user.branch_ids).distinct()
    return workers.order_by("username")


def _open_first(rows, state, is_open, late_state, late):
    """The rows of the ``state`` chosen ("open", ``late_state``, "closed"; anything else: all),
    each marked ``closed`` and, open and ``late``, marked ``late_state``."""
    kept = {"open": is_open, late_state: is_open & late, "closed": ~is_open}.get(state)
    if kept is not None:
        rows = rows.filter(kept)
    return rows.annotate(
        **{
            "closed": Case(When(is_open, then=Value(False)), default=Value(True), output_field=BooleanField()),
            late_state: ExpressionWrapper(is_open & late, output_field=BooleanField()),
        }
    )


class WorkerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class ReferralFilter(forms.Form):
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[
            ("", _("All, open first")),
            ("open", _("Waiting for an outcome")),
            ("overdue", _("Overdue (14 days or more)")),
            ("closed", _("Outcome known")),
        ],
    )
    centre = forms.ModelChoiceField(
        label=_("Drop-in centre"), queryset=DropInCentre.objects.none(), required=False, empty_label=_("All")
    )
    worker = WorkerChoiceField(
        label=_("Referred by"), queryset=User.objects.none(), required=False, empty_label=_("Anyone")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = DropInCentre.objects.visible_to(user).order_by("name")
        self.fields["worker"].queryset = _workers(user)

    def rows(self, referrals, today):
        """The referrals the filter keeps: open ones first (the oldest first), then the rest
        by the date of their outcome, newest first; each marked ``overdue`` or not."""
        overdue_on = today - datetime.timedelta(days=FOLLOW_UP_AFTER_DAYS)
        data = self.cleaned_data if self.is_valid() else {}
        referrals = referrals.filter(may_be_contacted(today))
        if data.get("centre"):
            referrals = referrals.filter(visit__drop_in_centre=data["centre"])
        if data.get("worker"):
            referrals = referrals.filter(made_by=data["worker"])
        pending = Q(outcome=ReferralOutcome.PENDING)
        return _open_first(referrals, data.get("state"), pending, "overdue", Q(made_on__lte=overdue_on)).order_by(
            "closed", F("outcome_on").desc(nulls_first=True), "made_on", "pk"
        )


class CaseFilter(forms.Form):
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[
            ("", _("All, open first")),
            ("open", _("Open")),
            ("stuck", _("Stuck (no step for 30 days or more)")),
            ("closed", _("Closed")),
        ],
    )
    branch = forms.ModelChoiceField(
        label=_("Branch"), queryset=Branch.objects.none(), required=False, empty_label=_("All")
    )
    worker = WorkerChoiceField(
        label=_("Helped by"), queryset=User.objects.none(), required=False, empty_label=_("Anyone")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        branches = Branch.objects.visible_to(user).order_by("name")
        self.fields["branch"].queryset = branches
        self.fields["worker"].queryset = _workers(user)
        if not user.sees_all_branches and len(user.branch_ids) <= 1:
            del self.fields["branch"]  # nothing to choose

    @cached_property
    def rendered_key(self):
        """The key of the filters' rendering (selects through Django's widget templates: a
        fifth of the list's time at national scale), or None when one shows an error."""
        return rendered_fields_key(self, list(self.fields))

    def rows(self, cases, today):
        """The cases the filter keeps: open ones first (the longest waiting first), then
        closed ones, the latest first; each marked ``stuck`` or not."""
        stuck_on = today - datetime.timedelta(days=STUCK_AFTER_DAYS)
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("branch"):
            cases = cases.filter(branch=data["branch"])
        if data.get("worker"):
            cases = cases.filter(pk__in=PaperworkCase.objects.filter(steps__helped_by=data["worker"]).values("pk"))
        is_open = ~Q(step__in=CLOSED_STEPS)
        return _open_first(cases, data.get("state"), is_open, "stuck", Q(step_on__lte=stuck_on)).order_by(
            "closed", Case(When(is_open, then=F("step_on"))).asc(nulls_last=True), F("step_on").desc(), "pk"
        )
