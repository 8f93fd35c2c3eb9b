import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from opsi.dates import DateInput
from members.models import Member
from members.uic import is_valid_uic, normalise_uic
from opsi.dates import DateField
from opsi.forms import BranchChoiceMixin, CleanTextMixin

from .models import HelpKind, Incident, ViolationKind


class IncidentForm(CleanTextMixin, BranchChoiceMixin, forms.ModelForm):
    kinds = forms.MultipleChoiceField(
        label=_("Kinds of violation"), choices=ViolationKind.choices, widget=forms.CheckboxSelectMultiple
    )
    member_code = forms.CharField(
        label=_("Person harmed: member alias or code"),
        required=False,
        help_text=_("A member's code or alias, or the code of a person who is not a member; empty if not given."),
    )
    submission_key = forms.UUIDField(widget=forms.HiddenInput)

    class Meta:
        model = Incident
        fields = ["branch", "occurred_on", "place_kind", "perpetrator", "account", "consent"]
        field_classes = {"occurred_on": DateField}
        widgets = {"occurred_on": DateInput(), "account": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, branches, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.limit_branches(branches)
        self.initial.setdefault("submission_key", uuid.uuid4())

    def clean_occurred_on(self):
        branch = self.cleaned_data.get("branch")
        return branch.refuse_future(self.cleaned_data["occurred_on"]) if branch else self.cleaned_data["occurred_on"]

    def clean(self):
        cleaned = super().clean()
        text = (cleaned.get("member_code") or "").strip()
        branch = cleaned.get("branch")
        self.instance.member, self.instance.uic = None, ""
        if text and branch:
            members = Member.objects.visible_to(self.user).filter(branch=branch)
            code = normalise_uic(text)
            member = members.filter(uic=code).first()
            named = [] if member else list(members.filter(alias__iexact=text)[:2])
            if len(named) > 1:  # an alias two members share is never guessed
                self.add_error("member_code", _("More than one member of this branch has this alias: give the code."))
                return cleaned
            member = member or (named[0] if named else None)
            if member is not None:
                self.instance.member = member
            elif is_valid_uic(code):
                self.instance.uic = code
            else:
                self.add_error(
                    "member_code", _("No member of this branch has this alias or code, and it is not a valid code.")
                )
        return cleaned


class ResponseForm(CleanTextMixin, forms.Form):
    # No kind of help is chosen for the user: a hurried tap must not record help nobody gave.
    help_kind = forms.ChoiceField(label=_("Help"), choices=[("", "---------"), *HelpKind.choices])
    given = forms.BooleanField(label=_("Given (untick if only needed so far)"), required=False, initial=True)
    note = forms.CharField(label=_("Note"), max_length=200, required=False, help_text=_("No names."))


class AlertForm(CleanTextMixin, forms.Form):
    branch = forms.ModelChoiceField(label=_("Branch"), queryset=None, empty_label=None)
    text = forms.CharField(
        label=_("Warning"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example a violent client's description or a planned raid. No names of members."),
    )
    days = forms.IntegerField(label=_("Show for how many days"), min_value=1, max_value=60, initial=7)

    def __init__(self, *args, branches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches
