import datetime
import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from members.models import ConsentPurpose, Member
from members.uic import normalise_uic
from opsi.dates import DateField, DateInput
from opsi.forms import CleanTextMixin
from opsi.tenant import Branch, DropInCentre

from .models import Breach, MemberRequest, RequestStatus


class RequestForm(CleanTextMixin, forms.ModelForm):
    member_code = forms.CharField(label=_("Member: code or alias"), max_length=60)
    checked_in_person = forms.BooleanField(
        label=_("She is here and I checked it is her, in person. I did not copy any ID document."),
        required=True,
    )
    submission_key = forms.UUIDField(widget=forms.HiddenInput)

    class Meta:
        model = MemberRequest
        fields = ["drop_in_centre", "kind", "checked_how", "details", "language"]
        widgets = {"details": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        centres = DropInCentre.objects.visible_to(user).filter(active=True).order_by("name")
        self.fields["drop_in_centre"].queryset = centres
        self.fields["drop_in_centre"].empty_label = None
        if user.usual_drop_in_centre_id:
            self.initial.setdefault("drop_in_centre", user.usual_drop_in_centre_id)
        self.fields["checked_how"].choices = self.fields["checked_how"].choices[1:]  # no blank: a choice is asked
        self.fields["checked_how"].widget = forms.RadioSelect(choices=self.fields["checked_how"].choices)
        self.initial.setdefault("submission_key", uuid.uuid4())

    def clean(self):
        cleaned = super().clean()
        text = (cleaned.get("member_code") or "").strip()
        centre = cleaned.get("drop_in_centre")
        if text and centre:
            members = Member.objects.visible_to(self.user).filter(branch=centre.branch)
            member = members.filter(uic=normalise_uic(text)).first()
            named = [] if member else list(members.filter(alias__iexact=text)[:2])
            if len(named) > 1:
                self.add_error("member_code", _("More than one member of this branch has this alias: give the code."))
            elif member or named:
                self.instance.member = member or named[0]
            else:
                self.add_error("member_code", _("No member of this centre's branch has this alias or code."))
        return cleaned


class CloseRequestForm(CleanTextMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Outcome"), choices=[c for c in RequestStatus.choices if c[0] != RequestStatus.OPEN]
    )
    outcome = forms.CharField(
        label=_("What was done"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For a refusal, the reason told to her. No names, ID numbers or phone numbers."),
    )


class CopyForm(forms.Form):
    with_incidents = forms.BooleanField(
        label=_("Include the incidents where she is the person harmed (ask her first: the copy goes home with her)"),
        required=False,
    )


class ConsentForm(CleanTextMixin, forms.Form):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=ConsentPurpose.choices)
    partner = forms.CharField(
        label=_("Partner"),
        max_length=120,
        required=False,
        help_text=_("For sharing with a partner: the partner of the agreement; empty for every partner."),
    )
    action = forms.ChoiceField(
        label=_("She"), choices=[("give", _("gives her consent")), ("withdraw", _("withdraws her consent"))]
    )
    on = DateField(label=_("From"), widget=DateInput())

    def __init__(self, *args, branch, **kwargs):
        super().__init__(*args, **kwargs)
        self.branch = branch

    def clean_on(self):
        """From the day she asked: not later than today where she is, nor earlier than the
        3 x 24 hours a request may wait (a change dated further back would rewrite reports
        already made of periods that ended before she asked)."""
        on = self.branch.refuse_future(self.cleaned_data["on"])
        if on < self.branch.today() - datetime.timedelta(days=3):
            raise forms.ValidationError(_("A consent change counts from the day she asked: at most 3 days ago."))
        return on

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("purpose") != ConsentPurpose.PARTNER_SHARING:
            cleaned["partner"] = ""
        return cleaned


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class BreachForm(CleanTextMixin, forms.ModelForm):
    member_codes = forms.CharField(
        label=_("Codes of the members whose records were exposed"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One or more codes, separated by spaces or commas; empty if not known."),
    )
    submission_key = forms.UUIDField(widget=forms.HiddenInput)

    class Meta:
        model = Breach
        fields = ["what", "how", "occurred_at", "found_at", "branches", "actions"]
        widgets = {
            "what": forms.Textarea(attrs={"rows": 3}),
            "how": forms.Textarea(attrs={"rows": 3}),
            "actions": forms.Textarea(attrs={"rows": 3}),
            "occurred_at": DateTimeInput(),
            "found_at": DateTimeInput(),
            "branches": forms.CheckboxSelectMultiple(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branches"].queryset = Branch.objects.order_by("name")
        for name in ("occurred_at", "found_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        self.initial.setdefault("submission_key", uuid.uuid4())

    def clean_member_codes(self):
        codes = {normalise_uic(c) for c in (self.cleaned_data.get("member_codes") or "").replace(",", " ").split()}
        codes.discard("")
        found = list(Member.objects.filter(uic__in=codes))
        missing = codes - {m.uic for m in found}
        if missing:
            raise forms.ValidationError(
                _("No member has these codes: %(codes)s") % {"codes": ", ".join(sorted(missing))}
            )
        return found

    def clean(self):
        cleaned = super().clean()
        found_at, occurred_at = cleaned.get("found_at"), cleaned.get("occurred_at")
        if found_at and occurred_at and occurred_at > found_at:
            self.add_error("occurred_at", _("It cannot have happened after it was found."))
        return cleaned


class NotifiedForm(forms.Form):
    whom = forms.ChoiceField(choices=[("members", "members"), ("authority", "authority")])
