"""Import of an existing member list (CSV or Excel) with django-import-export.

Two steps: a dry run that lists every bad row with its reason and writes nothing,
then, only when the whole file is valid and the user confirms, the real import in
one transaction (any error rolls back everything). Members go only into branches
the importing user may write.
"""

import tablib
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from opsi.forms import ControlCharacterValidator, has_control_characters

from . import identity as vault
from .models import Branch, Member, MemberKind, MemberKindPeriod
from .uic import is_valid_uic, normalise_uic

COLUMNS = [
    "branch", "uic", "alias", "kind", "gender", "birth_year", "work_setting",
    "joined_on", "consent_on", "peer_educator", "legal_name", "nik", "phone",
]
MAX_ROWS = 5000


class BranchWidget(widgets.ForeignKeyWidget):
    """A branch by its BPS province code or its name, among those the user may write."""

    def __init__(self, user):
        super().__init__(Branch)
        self.user = user

    def clean(self, value, row=None, **kwargs):
        value = str(value or "").strip()
        if not value:
            raise ValueError(_("The branch is missing."))
        branch = (
            Branch.objects.writable_by(self.user)
            .filter(Q(province=value) | Q(name__iexact=value))
            .first()
        )
        if branch is None:
            raise ValueError(_("Unknown branch, or one you may not write to: %(value)s") % {"value": value})
        return branch


class ChoiceWidget(widgets.Widget):
    """A choice by its code or its label in English or Indonesian, any case."""

    def __init__(self, choices, aliases=None):
        self.lookup = {}
        for code, label in choices:
            self.lookup[code.lower()] = code
            self.lookup[str(label).lower()] = code
        self.lookup.update(aliases or {})
        self.choices = choices

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip().lower()
        if not text:
            return ""
        if text not in self.lookup:
            raise ValueError(
                _("Unknown value %(value)s; use one of: %(codes)s")
                % {"value": value, "codes": ", ".join(code for code, _label in self.choices)}
            )
        return self.lookup[text]

    def render(self, value, obj=None, **kwargs):
        return value


class DateWidget(widgets.DateWidget):
    """A date as YYYY-MM-DD (or what the spreadsheet stores as a date), with a message in the user's language."""

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row=row, **kwargs)
        except ValueError:
            raise ValueError(_("Not a date: write it as YYYY-MM-DD, like 2025-01-31.")) from None


class YearWidget(widgets.IntegerWidget):
    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row=row, **kwargs)
        except (ValueError, ArithmeticError):
            raise ValueError(_("Not a year: write it with four digits, like 1990.")) from None


KIND_ALIASES = {"biasa": "regular", "istimewa": "former", "kehormatan": "honorary"}
GENDER_ALIASES = {"perempuan": "woman", "wanita": "woman", "laki-laki": "man", "pria": "man", "transpuan": "waria"}


class MemberImportResource(resources.ModelResource):
    legal_name = fields.Field(column_name="legal_name", attribute=None)
    nik = fields.Field(column_name="nik", attribute=None)
    phone = fields.Field(column_name="phone", attribute=None)

    class Meta:
        model = Member
        fields = COLUMNS
        import_id_fields = []
        clean_model_instances = True
        skip_diff = True
        use_transactions = True

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self.fields["branch"].widget = BranchWidget(user)
        self.fields["branch"].attribute = "branch"
        self.fields["kind"].widget = ChoiceWidget(Member._meta.get_field("kind").choices, KIND_ALIASES)
        self.fields["gender"].widget = ChoiceWidget(Member._meta.get_field("gender").choices, GENDER_ALIASES)
        self.fields["work_setting"].widget = ChoiceWidget(Member._meta.get_field("work_setting").choices)
        self.fields["peer_educator"].widget = widgets.BooleanWidget()
        self.fields["birth_year"].widget = YearWidget()
        for name in ("joined_on", "consent_on"):
            self.fields[name].widget = DateWidget()
        self.seen_codes = {}
        self.seen_niks = {}
        self.pending_identities = {}

    def get_instance(self, instance_loader, row):
        return None  # every row is a new member

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as e:
            errors = e.update_error_dict(errors)
        number = kwargs.get("row_number")
        code = normalise_uic(str(row.get("uic") or ""))
        instance.uic = code
        if not is_valid_uic(code):
            errors.setdefault("uic", []).append(ValidationError(_("Not a valid code, like SIBU2150390.")))
        elif code in self.seen_codes:
            errors.setdefault("uic", []).append(
                ValidationError(_("Duplicate code: the same as row %(row)s.") % {"row": self.seen_codes[code]})
            )
        elif Member.objects.filter(uic=code).exists():
            errors.setdefault("uic", []).append(ValidationError(_("Duplicate code: already registered.")))
        self.seen_codes.setdefault(code, number)
        if not instance.kind:
            instance.kind = MemberKind.REGULAR
        if instance.kind == MemberKind.HONORARY:
            instance.work_setting = ""
        if instance.joined_on and not instance.consent_on:
            instance.consent_on = instance.joined_on
        nik = str(row.get("nik") or "").strip()
        if nik:
            try:
                vault.validate_nik(nik)
                if nik in self.seen_niks:
                    raise ValidationError(_("Duplicate NIK: the same as row %(row)s.") % {"row": self.seen_niks[nik]})
                if vault.nik_owner(nik) is not None:
                    raise ValidationError(_("Duplicate NIK: already recorded for another member."))
                self.seen_niks[nik] = number
            except ValidationError as e:
                errors.setdefault("nik", []).extend(e.error_list)
        self.pending_identities[id(instance)] = {
            "legal_name": str(row.get("legal_name") or "").strip(),
            "nik": nik,
            "phone": str(row.get("phone") or "").strip(),
        }
        # The same rule as every form: text with control characters is refused, not changed.
        for column, value in row.items():
            if has_control_characters(value):
                errors.setdefault(str(column), []).append(ValidationError(ControlCharacterValidator.message))
        if errors:
            raise ValidationError(errors)

    def before_save_instance(self, instance, row, **kwargs):
        instance.created_by = self.user

    def after_save_instance(self, instance, row, **kwargs):
        MemberKindPeriod.objects.create(
            member=instance, kind=instance.kind, started_on=instance.joined_on, recorded_by=self.user
        )
        values = self.pending_identities.pop(id(instance), {})
        if any(values.values()):
            vault.save_identity(instance, None, **values)


def read_file(uploaded):
    """A tablib Dataset from an uploaded .csv or .xlsx, or a ValidationError."""
    name = uploaded.name.lower()
    raw = uploaded.read()
    try:
        if name.endswith(".xlsx"):
            dataset = tablib.Dataset().load(raw, format="xlsx")
        elif name.endswith(".csv"):
            dataset = tablib.Dataset().load(raw.decode("utf-8-sig"), format="csv")
        else:
            raise ValidationError(_("Upload a .csv or .xlsx file."))
    except (UnicodeDecodeError, ValueError, KeyError, IndexError, tablib.core.InvalidDimensions) as error:
        raise ValidationError(_("This file cannot be read: %(error)s") % {"error": error}) from None
    except Exception:
        raise ValidationError(_("This file cannot be read as a spreadsheet.")) from None
    headers = [str(h or "").strip().lower() for h in (dataset.headers or [])]
    missing = [c for c in ("branch", "uic", "alias", "gender", "joined_on") if c not in headers]
    if missing:
        raise ValidationError(_("Missing columns: %(columns)s") % {"columns": ", ".join(missing)})
    if len(dataset) > MAX_ROWS:
        raise ValidationError(_("At most %(n)s rows per file.") % {"n": MAX_ROWS})
    dataset.headers = headers
    return dataset


def run_import(dataset, user, dry_run):
    """Import (or only check) the dataset; returns the django-import-export Result."""
    resource = MemberImportResource(user)
    return resource.import_data(
        dataset,
        dry_run=dry_run,
        raise_errors=False,
        use_transactions=True,
        rollback_on_validation_errors=True,
    )


def row_problems(result):
    """[(row number, [messages])] for every bad row of a result."""
    problems = []
    for invalid in result.invalid_rows:
        messages = []
        for field, errors in invalid.error_dict.items():
            for error in errors:
                text = " ".join(error.messages) if hasattr(error, "messages") else str(error)
                messages.append(f"{field}: {text}" if field != "__all__" else text)
        problems.append((invalid.number, messages))
    for number, errors in result.row_errors():
        problems.append((number, [str(e.error) for e in errors]))
    return sorted(problems)
