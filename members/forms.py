from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.functional import cached_property

from opsi.dates import EARLIEST_BIRTH, BirthDateField, DateField, DateInput
from opsi.forms import BranchChoiceMixin, CleanTextMixin, ObjectChoiceField, rendered_fields_key
from opsi.home import today_for
from opsi.tenant import Branch, DropInCentre

from . import lookups
from .identity import IDENTITY_FIELDS, validate_nik
from .models import Gender, Member, MemberKind, WorkSetting
from .models.members import asks_work_setting
from .uic import build_uic, is_valid_uic, normalise_uic


class DropInCentreForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = DropInCentre
        fields = ["name", "area", "active"]

    def __init__(self, *args, branch, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.branch = branch

    def validate_unique(self):
        # ``branch`` is not a form field, so ModelForm would skip the
        # (branch, name) constraint; check it here to show a message, not a 500.
        self._validate_unique = True
        exclude = self._get_validation_exclusions()
        exclude.discard("branch")
        try:
            self.instance.validate_unique(exclude=exclude)
            self.instance.validate_constraints(exclude=exclude)
        except forms.ValidationError as e:
            self._update_errors(e)


class MemberForm(CleanTextMixin, BranchChoiceMixin, forms.ModelForm):
    """Register or edit a member. On registration the UIC is built from the answers."""

    mother_first_name = forms.CharField(
        label=_("Mother's first name"),
        max_length=60,
        required=False,
        help_text=_("Only its first two letters are used, then forgotten."),
    )
    father_first_name = forms.CharField(
        label=_("Father's first name"),
        max_length=60,
        required=False,
        help_text=_("Only its first two letters are used, then forgotten."),
    )
    birth_date = BirthDateField(
        label=_("Date of birth"),
        required=False,
        widget=DateInput(),
        help_text=_("Used for the code and the birth year; the date itself is not stored."),
    )
    typed_uic = forms.CharField(
        label=_("Or the code, if the person already has one"),
        max_length=20,
        required=False,
    )
    same_person = forms.ChoiceField(
        label=_("This code is already registered"),
        required=False,
        widget=forms.RadioSelect,
        choices=[
            ("link", _("It is the same person: link the records")),
            ("different", _("It is a different person with the same code")),
        ],
    )

    class Meta:
        model = Member
        fields = [
            "branch",
            "alias",
            "kind",
            "gender",
            "work_setting",
            "joined_on",
            "peer_educator",
            "consent_on",
            "consent_version",
            "notes",
        ]
        field_classes = {"joined_on": DateField, "consent_on": DateField}
        widgets = {
            "joined_on": DateInput(),
            "consent_on": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.request = request  # the code lookup is audited and limited per user
        self.uic_matches = []
        self.code_elsewhere = False
        self.limit_branches(Branch.objects.writable_by(user).filter(active=True))
        # Asked of every member but the honorary ones: marked as required unless the kind
        # chosen (or, when editing, the member's kind) is honorary.
        kind = self.data.get(self.add_prefix("kind")) if self.is_bound and "kind" in self.fields else self.instance.kind
        self.fields["work_setting"].required = asks_work_setting(kind)
        self.fields["work_setting"].error_messages["required"] = _(
            "Choose a work setting (not asked of honorary members)."
        )
        if self.instance.pk:
            self.fields["branch"].required = False  # not given: stays where it is
            for name in ["mother_first_name", "father_first_name", "birth_date", "typed_uic", "same_person", "kind"]:
                del self.fields[name]
        else:
            self.fields["gender"].help_text = _("Also part of the code.")
            # Most members join and consent on the day they are registered: today where
            # the user's branch is, changed only when the paper form is older.
            for name in ("joined_on", "consent_on"):
                self.fields[name].initial = today_for(user)

    def clean_branch(self):
        return super().clean_branch() or self.instance.branch

    def clean_joined_on(self):
        return self._not_in_future("joined_on")

    def clean_consent_on(self):
        return self._not_in_future("consent_on")

    def _not_in_future(self, name):
        branch = self.cleaned_data.get("branch") or self.only_branch
        value = self.cleaned_data.get(name)
        return branch.refuse_future(value) if branch else value

    def clean_typed_uic(self):
        code = normalise_uic(self.cleaned_data.get("typed_uic"))
        if code and not is_valid_uic(code):
            raise ValidationError(
                _("A code has 4 letters, a gender digit and 6 digits of birth date, like SIBU2150390."),
                code="uic",
            )
        return code

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind") or self.instance.kind
        if not asks_work_setting(kind):
            cleaned["work_setting"] = ""
        elif not cleaned.get("work_setting") and "work_setting" not in self.errors:
            self.add_error("work_setting", _("Choose a work setting (not asked of honorary members)."))
        if not self.instance.pk:
            self._clean_code(cleaned)
        return cleaned

    def _clean_code(self, cleaned):
        birth_date = cleaned.get("birth_date")
        branch = cleaned.get("branch")
        try:
            if branch:
                branch.refuse_future(birth_date, earliest=EARLIEST_BIRTH)
        except ValidationError as error:
            self.add_error("birth_date", error)
            return
        code = cleaned.get("typed_uic")
        if not code:
            if not birth_date or not cleaned.get("gender"):
                self.add_error(
                    "birth_date",
                    _("Give the date of birth and the parents' first names, or the code itself."),
                )
                return
            code = build_uic(
                cleaned.get("mother_first_name"), cleaned.get("father_first_name"), cleaned["gender"], birth_date
            )
        cleaned["uic"] = code
        self.instance.uic = code
        if birth_date:
            self.instance.birth_year = birth_date.year
        try:
            matches = lookups.find_code(code, self.user, self.request)
        except ValidationError as error:
            self.add_error(None, error)
            return
        # Another branch's member is named to nobody here: only the fact is told.
        self.uic_matches = matches.visible
        self.code_elsewhere = bool(matches.elsewhere)
        self._matches = matches.visible + matches.elsewhere
        if not matches or cleaned.get("same_person"):
            return
        if matches.visible:
            self.add_error(
                "same_person",
                _("Someone with the code %(code)s is already registered: %(who)s. Is it the same person?")
                % {
                    "code": code,
                    "who": ", ".join(f"{m.alias} ({m.branch.name})" for m in matches.visible),
                },
            )
        else:
            self.add_error(
                "same_person",
                _("This code is already registered in another branch. Is it the same person?"),
            )

    def linked_member(self):
        matches = getattr(self, "_matches", [])
        if self.cleaned_data.get("same_person") == "link" and matches:
            return matches[0]
        return None


class MemberDateForm(CleanTextMixin, forms.Form):
    """A dated step in a member's life (a change of kind, leaving): not in the future where
    her branch is. Each form names its date field ``on``, with its own label."""

    def __init__(self, *args, member, **kwargs):
        super().__init__(*args, **kwargs)
        self.member = member

    def clean_on(self):
        return self.member.branch.refuse_future(self.cleaned_data["on"])


class ChangeKindForm(MemberDateForm):
    kind = forms.ChoiceField(label=_("New kind"), choices=MemberKind.choices)
    on = DateField(label=_("From"))
    field_order = ["kind", "on"]

    def __init__(self, *args, member, **kwargs):
        super().__init__(*args, member=member, **kwargs)
        # The member's own kind is no change; the usual change (regular to former) is
        # offered, any other one is picked on purpose, never by a hurried Save.
        self.fields["kind"].choices = [("", "---------")] + [c for c in MemberKind.choices if c[0] != member.kind]
        if member.kind == MemberKind.REGULAR:
            self.initial.setdefault("kind", MemberKind.FORMER)


class LeaveForm(MemberDateForm):
    on = DateField(label=_("Left on"))


class IdentityForm(CleanTextMixin, forms.Form):
    legal_name = forms.CharField(label=_("Legal name"), max_length=120, required=False)
    nik = forms.CharField(
        label=_("NIK"),
        max_length=16,
        required=False,
        validators=[validate_nik],
        help_text=_("The 16-digit number on the KTP."),
        # The number pad on a phone; never offered again by the browser's autofill.
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    phone = forms.RegexField(
        label=_("Phone"),
        regex=r"^\+?[0-9 -]{8,20}$",
        required=False,
        error_messages={"invalid": _("Enter a phone number with digits only, like 081234567890.")},
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    remove = forms.MultipleChoiceField(
        label=_("Remove what is stored"),
        choices=[("legal_name", _("Legal name")), ("nik", _("NIK")), ("phone", _("Phone"))],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def changes(self):
        """What to save: the fields typed in, and the fields ticked for removal. A field
        left empty keeps what is stored (the form never shows the stored values)."""
        data = self.cleaned_data
        changes = {field: "" for field in data.get("remove") or []}
        changes.update((field, data[field]) for field in IDENTITY_FIELDS if data.get(field))
        return changes

    def __init__(self, *args, member, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.member = member
        self.request = request  # the NIK lookup is audited and limited per user

    def clean_nik(self):
        nik = self.cleaned_data.get("nik", "")
        # Whose NIK it is stays unsaid: the owner may be in any branch.
        if nik and lookups.nik_taken(nik, self.request, exclude_member=self.member):
            raise ValidationError(
                _("This NIK is already recorded for another member. Ask an administrator to check the two records."),
                code="duplicate_nik",
            )
        return nik


class RevealForm(CleanTextMixin, forms.Form):
    field = forms.ChoiceField(choices=[(f, f) for f in IDENTITY_FIELDS], widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Why do you need to see it?"),
        max_length=200,
        help_text=_("Recorded in the audit trail."),
    )


class BranchFilterField(ObjectChoiceField):
    """The branches the user sees, "All" first: rendered and checked as the ``ModelChoiceField``
    over ``Branch.objects.visible_to(user)`` it replaces, without reading the branches again."""

    default_error_messages = {"invalid_choice": forms.ModelChoiceField.default_error_messages["invalid_choice"]}

    def set_objects(self, objects):
        super().set_objects(objects)
        self.choices = lambda: [("", _("All")), *((key, str(obj)) for key, obj in self.objects.items())]


class MemberFilterForm(CleanTextMixin, forms.Form):
    q = forms.CharField(label=_("Alias or code"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All"))] + MemberKind.choices)
    gender = forms.ChoiceField(label=_("Gender"), required=False, choices=[("", _("All"))] + Gender.choices)
    work_setting = forms.ChoiceField(
        label=_("Work setting"), required=False, choices=[("", _("All"))] + WorkSetting.choices
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("active", _("Active")), ("left", _("Left")), ("all", _("All"))],
    )
    branch = BranchFilterField(label=_("Branch"), required=False)

    FOLDED = ["kind", "gender", "work_setting", "status", "branch"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # A branch user's branches came with the user (opsi/backends.py): the list asks the
        # database nothing more for its options. Those who see every branch read them.
        branches = list(Branch.objects.visible_to(user)) if user.sees_all_branches else user.branch_list
        self.fields["branch"].set_objects(branches)

    @cached_property
    def folded_fields_key(self):
        """The key of the folded filters' rendering (five selects through Django's widget
        templates: a third of the member list's time), or None when one shows an error."""
        return rendered_fields_key(self, self.FOLDED)

    def filter(self, members):
        if not self.is_valid():
            return members.none()
        data = self.cleaned_data
        members = members.search(data["q"])
        for name in ("kind", "gender", "work_setting", "branch"):
            if data.get(name):
                members = members.filter(**{name: data[name]})
        status = data.get("status") or "active"
        if status == "active":
            members = members.filter(left_on__isnull=True)
        elif status == "left":
            members = members.filter(left_on__isnull=False)
        return members
