import re
import uuid
from functools import cached_property

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from opsi.dates import DateInput
from members.uic import is_valid_uic, normalise_uic
from opsi.dates import DateField, PlanningDateField
from opsi.forms import CleanTextMixin, ObjectChoiceField, ObjectMultipleChoiceField, rendered_fields_key

from . import care, reference
from .models import (
    STEP_ORDER,
    Barrier,
    Commodity,
    Document,
    FacilityKind,
    HivResultKind,
    Prep,
    ReferralOutcome,
    ServiceType,
    Step,
)


UIC_LENGTH = 11  # SIBU2150390
JOINED_LATER = _("The member joined on %(earliest)s: the date cannot be earlier.")


class QuantityField(forms.IntegerField):
    """A number of items typed on a phone: digits only.

    "1.000" is a thousand to an Indonesian eye and 1 to Python, so it is refused
    rather than guessed; the input is text with a numeric keypad, because a browser
    sends a number input it cannot parse ("1,000") as empty and the quantity would vanish.
    """

    default_error_messages = {"invalid": _("Digits only, without dots or commas: 1000, not 1.000.")}

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "numeric", "pattern": "[0-9]*", "autocomplete": "off"})
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        value = value.strip() if isinstance(value, str) else value
        if value in self.empty_values:
            return None
        if not re.fullmatch(r"[0-9]{1,9}", str(value)):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return int(value)


class CareFields:
    """The HIV and STI care fields of the visit and referral outcome forms (``services.care``):
    one choice says whether a test was done and its result, so that the common case is one tap."""

    CARE_FIELDS = ("hiv_test", "art_started_on", "sti_treated", "prep")

    def add_care_fields(self, where):
        self.fields["hiv_test"] = forms.ChoiceField(
            label=_("HIV test done %(where)s") % {"where": where},
            choices=[(care.NO_TEST, _("No test"))] + HivResultKind.choices,
            required=False,
            widget=forms.RadioSelect,
            help_text=_("The result is shown only to the branch's coordinators."),
        )
        self.fields["art_started_on"] = DateField(
            label=_("ART started on"),
            required=False,
            widget=DateInput(),
            help_text=_("After a reactive result: the day treatment began."),
        )
        self.fields["sti_treated"] = forms.BooleanField(label=_("STI treatment given"), required=False)
        self.fields["prep"] = forms.ChoiceField(
            label=_("PrEP"), choices=[("", _("No PrEP"))] + Prep.choices, required=False, widget=forms.RadioSelect
        )

    def care_fields(self):
        return [self[name] for name in self.CARE_FIELDS if name in self.fields]

    @property
    def care_open(self):
        """Open the care fields when they hold an answer or an error (a form sent back)."""
        if not self.is_bound:
            return False
        return any(self.data.get(name) for name in self.CARE_FIELDS) or any(n in self.errors for n in self.CARE_FIELDS)

    def clean_care(self, cleaned, on):
        given = care.Care(
            hiv_test=cleaned.get("hiv_test") or care.NO_TEST,
            art_started_on=cleaned.get("art_started_on"),
            sti_treated=bool(cleaned.get("sti_treated")),
            prep=cleaned.get("prep") or "",
        )
        for field, message in care.check(given, on).items():
            self.add_error(field, message)
        cleaned["care"] = given
        return given


class VisitForm(CleanTextMixin, CareFields, forms.Form):
    drop_in_centre = ObjectChoiceField(label=_("Drop-in centre"))
    visited_on = DateField(label=_("Date"), widget=DateInput())
    services = ObjectMultipleChoiceField(label=_("Services received"), widget=forms.CheckboxSelectMultiple)
    walk_in_uic = forms.CharField(label=_("Code of a person who is not a member"), required=False, max_length=20)
    submission_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, user, member=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.member = member
        # The catalogue and the centres come from the reference copy (services/reference.py),
        # the centres through the access rule: the user may log visits there.
        at_version = reference.version()
        centres = reference.active_centres(user, at_version)
        if member is not None:
            centres = [c for c in centres if c.branch_id == member.branch_id]
            del self.fields["walk_in_uic"]
            self.fields["visited_on"].not_before(member.joined_on, JOINED_LATER)
        else:
            self.fields["walk_in_uic"].required = True
            self.fields["walk_in_uic"].error_messages["required"] = _("Give the person's code, like SIBU2150390.")
        self.fields["drop_in_centre"].set_objects(centres)
        usual = user.usual_drop_in_centre_id
        default = next((c for c in centres if c.pk == usual), centres[0] if centres else None)
        if default is not None:
            self.initial.setdefault("drop_in_centre", default.pk)
            self.initial.setdefault("visited_on", default.branch.today())
        self.initial.setdefault("submission_key", uuid.uuid4())
        self.add_care_fields(_("at this visit"))
        self.service_types = reference.active_services(at_version)
        self.fields["services"].set_objects(self.service_types)
        for service in self.service_types:
            if service.commodity_id:
                self.fields[f"qty_{service.pk}"] = QuantityField(
                    label=_("How many: %(item)s") % {"item": service},
                    min_value=0,
                    max_value=10000,
                    required=False,
                )

    @cached_property
    def fields_cache_key(self):
        """The key of the rendered fields of an unfilled form, read from the fields themselves
        (kind, label, help text, required, widget attributes, initial value, options), so that
        nothing that changes the rendering can be left out of it; None once filled in (then
        the answers and errors are part of the page). The submission key is rendered apart."""
        if self.is_bound:
            return None
        return rendered_fields_key(self, [name for name in self.fields if name != "submission_key"])

    def quantity_fields(self):
        return [self[name] for name in self.fields if name.startswith("qty_")]

    def clean_walk_in_uic(self):
        code = normalise_uic(self.cleaned_data.get("walk_in_uic"))
        if self.member is None and not is_valid_uic(code):
            # Say what is wrong with what was typed: a digit left out is the usual slip.
            if code and len(code) != UIC_LENGTH:
                raise ValidationError(
                    _(
                        "This code has %(count)s letters and digits; a code has 11: four letters, the "
                        "gender digit and the birth date (day, month, year), like SIBU2150390."
                    )
                    % {"count": len(code)}
                )
            if code:
                raise ValidationError(
                    _(
                        "This code does not read as a code: four letters, the gender digit (1, 2, 3, 4 or 9) "
                        "and the birth date (day, month, year), like SIBU2150390."
                    )
                )
            raise ValidationError(_("Give the person's code, like SIBU2150390."))
        return code

    def clean(self):
        cleaned = super().clean()
        centre, on = cleaned.get("drop_in_centre"), cleaned.get("visited_on")
        if centre:
            try:
                centre.branch.refuse_future(on)
            except ValidationError as error:
                self.add_error("visited_on", error)
        # A quantity typed for an unticked service means it was received: the number
        # is what the user meant, the tick is easy to miss on a phone.
        ticked = set(cleaned.get("services") or [])
        ticked |= {s for s in self.service_types if s.commodity_id and cleaned.get(f"qty_{s.pk}")}
        chosen = {}
        for service in self.service_types:
            if service not in ticked:
                continue
            quantity = 1
            if service.commodity_id:
                quantity = cleaned.get(f"qty_{service.pk}")
                if not quantity:
                    self.add_error(f"qty_{service.pk}", _("How many were handed out?"))
                    continue
            chosen[service] = quantity
        given = self.clean_care(cleaned, on)
        if "services" in self.errors and (chosen or given):
            del self.errors["services"]  # a typed quantity, a test or a treatment is a service received
        cleaned["chosen"] = chosen
        return cleaned

    def refuse_stock(self, error):
        """Show a ``NotInStock`` refusal beside the quantity of each item short."""
        for service in self.cleaned_data["chosen"]:
            if service.commodity in error.short:
                self.add_error(f"qty_{service.pk}", error.messages[list(error.short).index(service.commodity)])


class VisitFilterForm(CleanTextMixin, forms.Form):
    start = PlanningDateField(label=_("From"), required=False, widget=DateInput())
    end = PlanningDateField(label=_("Until"), required=False, widget=DateInput())
    service = forms.ModelChoiceField(
        label=_("Service"), queryset=ServiceType.objects.all(), required=False, empty_label=_("All")
    )

    def filter(self, visits):
        if not self.is_valid():
            return visits.none()
        data = self.cleaned_data
        if data["start"]:
            visits = visits.filter(visited_on__gte=data["start"])
        if data["end"]:
            visits = visits.filter(visited_on__lte=data["end"])
        if data["service"]:
            visits = visits.filter(service_lines__service_type=data["service"])
        return visits


class ReferralForm(CleanTextMixin, forms.Form):
    facility_kind = forms.ChoiceField(label=_("Facility"), choices=FacilityKind.choices)
    facility_name = forms.CharField(label=_("Facility name"), max_length=100, required=False)
    service = forms.CharField(label=_("Service"), max_length=100, help_text=_("For example: HIV test, STI check, ARV."))
    made_on = DateField(label=_("Referred on"), widget=DateInput())

    def __init__(self, *args, branch, **kwargs):
        super().__init__(*args, **kwargs)
        self.branch = branch
        self.initial.setdefault("made_on", branch.today())

    def clean_made_on(self):
        return self.branch.refuse_future(self.cleaned_data["made_on"])


class OutcomeForm(CleanTextMixin, CareFields, forms.Form):
    # No outcome is chosen for the user: a hurried Save must not record one nobody reported.
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[("", "---------")] + [c for c in ReferralOutcome.choices if c[0] != ReferralOutcome.PENDING],
    )
    on = DateField(label=_("Known on"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_care_fields(_("where the person was referred"))

    care_open = True  # the referral was often for a test: its result is what the outcome brings

    def clean(self):
        cleaned = super().clean()
        given = self.clean_care(cleaned, cleaned.get("on"))
        if given and cleaned.get("outcome") and cleaned["outcome"] != ReferralOutcome.REACHED:
            self.add_error(
                "outcome", _("A test or a treatment there means the person reached the service: choose that outcome.")
            )
        return cleaned


class ArtForm(CleanTextMixin, forms.Form):
    art_started_on = DateField(label=_("ART started on"), widget=DateInput())

    def __init__(self, *args, branch, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("art_started_on", branch.today())


class CaseForm(CleanTextMixin, forms.Form):
    document = forms.ChoiceField(label=_("Document"), choices=Document.choices)
    opened_on = DateField(label=_("Need identified on"), widget=DateInput())
    barrier = forms.ChoiceField(label=_("Barrier met"), choices=Barrier.choices, required=False)

    def __init__(self, *args, member, **kwargs):
        super().__init__(*args, **kwargs)
        self.member = member
        self.initial.setdefault("opened_on", member.branch.today())

    def clean_opened_on(self):
        return self.member.branch.refuse_future(self.cleaned_data["opened_on"])


NEXT_STEP = {Step.IDENTIFIED: Step.GATHERED, Step.GATHERED: Step.SUBMITTED, Step.SUBMITTED: Step.ISSUED}


class StepForm(CleanTextMixin, forms.Form):
    step = forms.ChoiceField(label=_("Next step"))
    on = DateField(label=_("Date"), widget=DateInput())
    barrier = forms.ChoiceField(label=_("Barrier met"), choices=Barrier.choices, required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False, help_text=_("No names or ID numbers."))

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        # A hurried Save must move the case on: the next step comes first and is chosen;
        # earlier steps sit apart, each to be picked on purpose (and explained in the note).
        current = STEP_ORDER[case.step]
        forward = [(v, label) for v, label in Step.choices if STEP_ORDER[v] > current]
        back = [(v, label) for v, label in Step.choices if STEP_ORDER[v] < current and v != Step.IDENTIFIED]
        choices = [(_("Next steps"), forward)]
        if back:
            choices.append((_("Back to an earlier step (say why in the note)"), back))
        self.fields["step"].choices = choices
        if NEXT_STEP.get(case.step):
            self.initial.setdefault("step", NEXT_STEP[case.step])

    def clean(self):
        cleaned = super().clean()
        step = cleaned.get("step")
        if step and STEP_ORDER[step] < STEP_ORDER[self.case.step] and not (cleaned.get("note") or "").strip():
            self.add_error("note", _("Going back to an earlier step needs a note saying why."))
        return cleaned


class ReceiveStockForm(CleanTextMixin, forms.Form):
    commodity = forms.ModelChoiceField(
        label=_("Item"), queryset=Commodity.objects.filter(active=True), empty_label=None
    )
    quantity = QuantityField(label=_("Quantity received"), min_value=1, max_value=1_000_000)
    on = DateField(label=_("Date"), widget=DateInput())
    source = forms.CharField(
        label=pgettext_lazy("stock came from", "From"),
        max_length=100,
        required=False,
        help_text=_("Donor or supplier."),
    )
    submission_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, centre, **kwargs):
        super().__init__(*args, **kwargs)
        self.centre = centre
        self.initial.setdefault("on", centre.branch.today())
        self.initial.setdefault("submission_key", uuid.uuid4())

    def clean_on(self):
        return self.centre.branch.refuse_future(self.cleaned_data["on"])
