import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from opsi.dates import DateInput
from members.models import Member
from opsi.tenant import Branch, DropInCentre
from opsi.dates import DateField, PlanningDateField
from opsi.forms import BranchChoiceMixin, CleanTextMixin
from opsi.models import User
from services.forms import QuantityField
from services.models import Commodity

from partners.models import Partner

from .models import (
    OutreachSession,
    OutsideParticipants,
    Topic,
    Training,
    TrainingModule,
    TrainingPartner,
    TrainingScore,
)
from .recording import parse_people


class SessionForm(CleanTextMixin, BranchChoiceMixin, forms.ModelForm):
    topics = forms.MultipleChoiceField(
        label=_("Topics discussed"), choices=Topic.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    people = forms.CharField(
        label=_("People reached by code or alias"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Codes or aliases, separated by commas. Others go in the counts below."),
    )
    submission_key = forms.UUIDField(widget=forms.HiddenInput)

    class Meta:
        model = OutreachSession
        fields = [
            "branch",
            "held_on",
            "place_kind",
            "area",
            "new_contacts",
            "repeat_contacts",
            "peer_educators",
            "workers",
            "stock_centre",
        ]
        field_classes = {"held_on": DateField}
        widgets = {
            "held_on": DateInput(),
            "peer_educators": forms.CheckboxSelectMultiple,
            "workers": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        branches = Branch.objects.writable_by(user).filter(active=True)
        self.limit_branches(branches)
        if self.only_branch is not None:
            self.initial.setdefault("held_on", self.only_branch.today())
        self.fields["peer_educators"].queryset = Member.objects.writable_by(user).active().filter(peer_educator=True)
        self.fields["workers"].queryset = User.objects.filter(branches__in=branches, is_active=True).distinct()
        self.fields["stock_centre"].queryset = DropInCentre.objects.writable_by(user).filter(active=True)
        self.initial.setdefault("workers", [user.pk])
        self.initial.setdefault("submission_key", uuid.uuid4())
        self.initial.setdefault("stock_centre", user.usual_drop_in_centre_id)
        self.items = list(Commodity.objects.filter(active=True))
        for item in self.items:
            self.fields[f"qty_{item.pk}"] = QuantityField(
                label=_("Handed out: %(item)s") % {"item": item},
                min_value=0,
                max_value=100000,
                required=False,
            )

    def quantity_fields(self):
        return [self[name] for name in self.fields if name.startswith("qty_")]

    def clean(self):
        cleaned = super().clean()
        branch, held_on = cleaned.get("branch"), cleaned.get("held_on")
        if branch:
            try:
                branch.refuse_future(held_on)
            except ValidationError as error:
                self.add_error("held_on", error)
        centre = cleaned.get("stock_centre")
        if branch and centre and centre.branch_id != branch.pk:
            self.add_error("stock_centre", _("Choose a drop-in centre of the same branch."))
        for name in ("peer_educators",):
            if branch and any(m.branch_id != branch.pk for m in cleaned.get(name) or []):
                self.add_error(name, _("Only members of the session's branch can be listed."))
        members = Member.objects.visible_to(self.user).filter(branch=branch) if branch else Member.objects.none()
        found, codes, bad = parse_people(cleaned.get("people"), members)
        if bad:
            self.add_error(
                "people", _("Not a member of this branch nor a valid code: %(entries)s") % {"entries": ", ".join(bad)}
            )
        cleaned["members_reached"], cleaned["codes_reached"] = found, codes
        cleaned["commodities"] = {item: cleaned.get(f"qty_{item.pk}") or 0 for item in self.items}
        if any(cleaned["commodities"].values()) and not centre:
            self.add_error("stock_centre", _("Say which drop-in centre's stock the items came from."))
        return cleaned

    def refuse_stock(self, error):
        """Show a ``NotInStock`` refusal beside the quantity of each item short."""
        for index, item in enumerate(error.short):
            self.add_error(f"qty_{item.pk}", error.messages[index])


class TrainingForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = Training
        fields = ["title", "topic", "audience", "branch", "starts_on", "ends_on", "module", "facilitators", "partners"]
        field_classes = {"starts_on": DateField, "ends_on": PlanningDateField}
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        national = user.sees_all_branches
        self.fields["branch"].queryset = (
            Branch.objects.all() if user.is_admin else Branch.objects.writable_by(user).filter(active=True)
        )
        self.fields["branch"].required = not national
        self.fields["module"].queryset = TrainingModule.objects.select_related("owner")
        if national:
            self.fields["branch"].empty_label = _("National")
            if not user.is_admin:
                self.fields["branch"].queryset = Branch.objects.none()

    def clean(self):
        cleaned = super().clean()
        branch, starts, ends = cleaned.get("branch"), cleaned.get("starts_on"), cleaned.get("ends_on")
        today = branch.today() if branch else None
        from django.utils import timezone

        today = today or timezone.localdate()
        if starts and starts > today:
            self.add_error("starts_on", _("Record a training once it has started."))
        if starts and ends and (ends - starts).days > 31:
            self.add_error("ends_on", _("A training lasts at most 31 days."))
        return cleaned


class OutsidersForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = OutsideParticipants
        fields = ["name", "organisation", "gender", "count"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("name") and (cleaned.get("count") or 1) != 1:
            self.add_error("count", _("A named participant counts as one person."))
        return cleaned


class ScoreForm(CleanTextMixin, forms.ModelForm):
    member_code = forms.CharField(label=_("Member's code (optional)"), required=False)

    class Meta:
        model = TrainingScore
        fields = ["pre", "post"]

    def __init__(self, *args, training, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.training, self.user = training, user

    def clean_member_code(self):
        from .recording import allowed_attendees

        text = self.cleaned_data.get("member_code")
        if not text:
            return None
        found, _codes, _bad = parse_people(text, allowed_attendees(self.training, self.user))
        if len(found) != 1:
            raise ValidationError(_("No member of the training's branch has this code or alias."))
        return found[0]


class AttendanceCodesForm(CleanTextMixin, forms.Form):
    day = DateField(label=_("Day"), widget=DateInput())
    people = forms.CharField(
        label=_("Members present, by code or alias"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Separated by commas."),
    )


class TrainingPartnerForm(CleanTextMixin, forms.ModelForm):
    """A partner organisation in the training: its name from the directory and a number."""

    class Meta:
        model = TrainingPartner
        fields = ["partner", "role", "people"]

    def __init__(self, *args, training, **kwargs):
        super().__init__(*args, **kwargs)
        self.training = training
        self.fields["partner"].queryset = Partner.objects.filter(active=True).order_by("name")

    def clean(self):
        cleaned = super().clean()
        partner, role = cleaned.get("partner"), cleaned.get("role")
        if partner and role and self.training.partner_roles.filter(partner=partner, role=role).exists():
            self.add_error("partner", _("This partner is already recorded in this role."))
        return cleaned


class TrainingModuleForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = TrainingModule
        fields = ["title", "topic", "owner", "description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Partner.objects.filter(active=True).order_by("name")
        self.fields["owner"].empty_label = _("OPSI")
