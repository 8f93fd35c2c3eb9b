"""The forms of referrals to a partner's service: the worker's, and the partner's answer
through its link."""

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from members.uic import is_valid_uic, normalise_uic
from opsi.dates import DateField
from opsi.forms import BranchChoiceMixin, CleanTextMixin, ObjectChoiceField
from opsi.tenant import Branch
from partners.models import PartnerService

from .models.referrals import ReferralResult


class ServiceChoiceField(ObjectChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} · {obj.partner.name} ({obj.get_kind_display()})"


class PartnerReferralForm(CleanTextMixin, BranchChoiceMixin, forms.Form):
    branch = forms.ModelChoiceField(label=_("Branch"), queryset=Branch.objects.none())
    uic = forms.CharField(
        label=_("Code of the person"),
        max_length=20,
        help_text=_("Her code only, like SIBU2150390: the partner sees the code, never a name."),
    )
    service = ServiceChoiceField(label=_("Service"))
    made_on = DateField(label=_("Referred on"))
    submission_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        branches = Branch.objects.writable_by(user).filter(active=True).order_by("name")
        self.limit_branches(branches)
        self.fields["service"].set_objects(
            PartnerService.objects.visible_to(user)
            .filter(active=True, partner__active=True)
            .select_related("partner")
            .order_by("kind", "name")
        )
        self.initial.setdefault("submission_key", uuid.uuid4())
        first = self.only_branch or branches.first()
        if first is not None:
            self.initial.setdefault("made_on", first.today())

    def clean_uic(self):
        code = normalise_uic(self.cleaned_data.get("uic"))
        if not is_valid_uic(code):
            raise ValidationError(
                _(
                    "This code does not read as a code: four letters, the gender digit and the birth date, like SIBU2150390."
                )
            )
        return code

    def clean(self):
        cleaned = super().clean()
        branch, on = cleaned.get("branch"), cleaned.get("made_on")
        if branch is not None and on is not None:
            try:
                branch.refuse_future(on)
            except ValidationError as error:
                self.add_error("made_on", error)
        return cleaned


class ConfirmForm(CleanTextMixin, forms.Form):
    came = forms.TypedChoiceField(
        label=_("Did the person come?"),
        choices=[("yes", _("Yes, the person came")), ("no", _("No, the person did not come"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    result = forms.ChoiceField(
        label=_("What did the person receive?"),
        choices=[("", "---------")] + ReferralResult.choices,
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("came") and not cleaned.get("result"):
            self.add_error("result", _("Say what the person received."))
        return cleaned
