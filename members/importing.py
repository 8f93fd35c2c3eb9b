"""Import of an existing member list (CSV or Excel) with django-import-export.

Two steps: a dry run that lists every bad row with its reason and writes nothing,
then, only when the whole file is valid and the user confirms, the real import in
one transaction (any error rolls back everything). Members go only into branches
the importing user may write.

A file is hostile until read: its size is checked before parsing (the upload is
kept in memory up to the limit and never written to disk, since it may hold
identities), an Excel file's unpacked size before it is opened, and rows are
counted while they are read, so a bomb is refused in a moment and in bounded
memory. Between the check and the confirmation the checked rows wait in the
user's session, encrypted with the vault's keys and expiring; they never go to the
browser.
"""

import csv
import datetime
import io
import re
import secrets
import zipfile
import zlib

import openpyxl
import tablib
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from opsi.dates import check_date, country_today
from opsi.forms import ControlCharacterValidator, has_control_characters
from opsi.tenant import Branch

from . import identity as vault
from opsi.crypto import decrypt_bytes, encrypt_bytes, lookup_hash
from .models import ImportClaim, Member, MemberKind
from .models.members import work_setting_for
from .registration import register_member
from .uic import is_valid_uic, normalise_uic

COLUMNS = [
    "branch",
    "uic",
    "alias",
    "kind",
    "gender",
    "birth_year",
    "work_setting",
    "joined_on",
    "consent_on",
    "peer_educator",
    "legal_name",
    "nik",
    "phone",
]
MAX_COLUMNS = 40  # far more than COLUMNS; a sheet 16,384 columns wide is read this far only
PENDING = "member_import_checked"
ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")


class BranchWidget(widgets.ForeignKeyWidget):
    """A branch by its BPS province code or its name, among those the user may write."""

    def __init__(self, user):
        super().__init__(Branch)
        self.user = user

    def clean(self, value, row=None, **kwargs):
        value = str(value or "").strip()
        if not value:
            raise ValueError(_("The branch is missing."))
        branch = Branch.objects.writable_by(self.user).filter(Q(province=value) | Q(name__iexact=value)).first()
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
            day = super().clean(value, row=row, **kwargs)
        except ValueError:
            raise ValueError(_("Not a date: write it as YYYY-MM-DD, like 2025-01-31.")) from None
        try:  # the forms' one date rule (opsi/dates.py)
            return check_date(day, today=country_today())
        except ValidationError as error:
            raise ValueError(" ".join(error.messages)) from None


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
        # What the check found outside the user's reach, for the audit trail.
        self.codes_elsewhere, self.codes_own, self.niks_taken, self.niks_checked = [], [], [], 0

    def get_instance(self, instance_loader, row):
        return None  # every row is a new member

    def import_instance(self, instance, row, **kwargs):
        # The same rule as every form: text with control characters is refused, not changed.
        # Checked first: the columns are looked up in the database next, and PostgreSQL
        # refuses a NUL with an error no user should read.
        refused = {
            str(column): [ValidationError(ControlCharacterValidator.message)]
            for column, value in row.items()
            if has_control_characters(value)
        }
        if refused:
            raise ValidationError(refused)
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
        else:
            self._check_code_elsewhere(code, errors)
        self.seen_codes.setdefault(code, number)
        if not instance.kind:
            instance.kind = MemberKind.REGULAR
        instance.work_setting = work_setting_for(instance.kind, instance.work_setting)
        if instance.joined_on and not instance.consent_on:
            instance.consent_on = instance.joined_on
        nik = str(row.get("nik") or "").strip()
        if nik:
            try:
                vault.validate_nik(nik)
                if nik in self.seen_niks:
                    raise ValidationError(_("Duplicate NIK: the same as row %(row)s.") % {"row": self.seen_niks[nik]})
                self.niks_checked += 1
                if vault.nik_owner(nik) is not None:
                    self.niks_taken.append(lookup_hash(nik))
                    raise ValidationError(_("Duplicate NIK: already recorded for another member."))
                self.seen_niks[nik] = number
            except ValidationError as e:
                errors.setdefault("nik", []).extend(e.error_list)
        self.pending_identities[id(instance)] = {
            "legal_name": str(row.get("legal_name") or "").strip(),
            "nik": nik,
            "phone": str(row.get("phone") or "").strip(),
        }
        if errors:
            raise ValidationError(errors)

    def _check_code_elsewhere(self, code, errors):
        found = list(Member.objects.filter(uic=code).values_list("pk", flat=True)[:10])
        if not found:
            return
        own = Member.objects.visible_to(self.user).filter(pk__in=found).order_by("pk").first()
        if own is not None:
            self.codes_own.append(own.pk)
            message = _("Duplicate code: already registered as %(alias)s.") % {"alias": own.alias}
        else:
            self.codes_elsewhere.extend(found)
            message = _("This code is already registered in another branch: ask the secretariat to link the records.")
        errors.setdefault("uic", []).append(ValidationError(message))

    def do_instance_save(self, instance, is_create):
        # A new member is registered as the form registers one (registration.register_member).
        if is_create:
            register_member(instance, by=self.user)
        else:
            instance.save()

    def after_save_instance(self, instance, row, **kwargs):
        values = self.pending_identities.pop(id(instance), {})
        if any(values.values()):
            vault.save_identity(instance, None, **values)


class ImportUploadHandler(FileUploadHandler):
    """Keeps an uploaded import file in memory, never on disk, and drops it past the size limit.

    Django's own handlers would write a large upload to a temporary file first:
    plaintext identities on disk, and a 50 MB file read whole before any check.
    """

    def __init__(self, request=None):
        super().__init__(request)
        self.max_bytes = settings.MEMBER_IMPORT_MAX_BYTES
        self.too_large = False

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.buffer = io.BytesIO()

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.max_bytes:
            self.too_large = True
            self.buffer = io.BytesIO()
            raise SkipFile  # the parser reads on without keeping a byte
        self.buffer.write(raw_data)
        return None

    def file_complete(self, file_size):
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            self.buffer,
            self.field_name,
            self.file_name,
            self.content_type,
            file_size,
            self.charset,
            self.content_type_extra,
        )


def too_large_message():
    size = settings.MEMBER_IMPORT_MAX_BYTES
    shown = f"{size // (1024 * 1024)} MB" if size >= 1024 * 1024 else f"{max(size // 1024, 1)} KB"
    return _("The file is larger than %(size)s. Split it into smaller files.") % {"size": shown}


def _count_rows(archive, info):
    """How many <row> tags a sheet holds, read as a stream of bytes (a tag may be split by a chunk)."""
    count, tail = 0, b""
    with archive.open(info) as member:
        while chunk := member.read(1 << 20):
            data = tail + chunk
            keep = max(len(data) - 64, 0)
            count += sum(1 for match in ROW_TAG.finditer(data) if match.start() < keep)
            tail = data[keep:]
    return count + sum(1 for _match in ROW_TAG.finditer(tail))


def _xlsx_rows(uploaded):
    """Rows of the first sheet, streamed, after the zip's declared sizes are checked."""
    try:
        archive = zipfile.ZipFile(uploaded)
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        raise ValidationError(_("This file cannot be read as a spreadsheet.")) from None
    limit = settings.MEMBER_IMPORT_MAX_UNZIPPED_BYTES
    if unpacked > limit:
        raise ValidationError(
            _("This Excel file unpacks to more than %(size)s MB. Save it again with the member columns only.")
            % {"size": limit // (1024 * 1024)}
        )
    # openpyxl reads a sheet to its end when it has no <dimension> (hostile files leave it
    # out): count the rows of every sheet first, unpacked as a stream, never parsed.
    rows = sum(_count_rows(archive, info) for info in archive.infolist() if info.filename.startswith("xl/worksheets/"))
    if rows > 2 * settings.MEMBER_IMPORT_MAX_ROWS + 1:
        raise ValidationError(_("At most %(n)s rows per file.") % {"n": settings.MEMBER_IMPORT_MAX_ROWS})
    uploaded.seek(0)
    # read-only streams the sheet; zipfile never yields more than a member's declared size.
    book = openpyxl.load_workbook(uploaded, read_only=True, data_only=True)
    try:
        if not book.worksheets:
            return
        for row in book.worksheets[0].iter_rows(max_col=MAX_COLUMNS, values_only=True):
            yield row
    finally:
        book.close()


def _csv_rows(uploaded):
    uploaded.seek(0)
    text = io.TextIOWrapper(uploaded.file, encoding="utf-8-sig", newline="")
    try:
        for row in csv.reader(text):
            yield row[:MAX_COLUMNS]
    finally:
        text.detach()  # leave the upload open for whoever owns it


def read_file(uploaded):
    """A tablib Dataset from an uploaded .csv or .xlsx, or a ValidationError.

    Nothing is parsed when the file is over the size limit, and reading stops at
    the first row too many or too wide.
    """
    if uploaded.size is None or uploaded.size > settings.MEMBER_IMPORT_MAX_BYTES:
        raise ValidationError(too_large_message())
    name = uploaded.name.lower()
    if name.endswith(".xlsx"):
        rows = _xlsx_rows(uploaded)
    elif name.endswith(".csv"):
        rows = _csv_rows(uploaded)
    else:
        raise ValidationError(_("Upload a .csv or .xlsx file."))
    try:
        return _read_rows(rows)
    except ValidationError:
        raise
    except (UnicodeDecodeError, csv.Error) as error:
        raise ValidationError(_("This file cannot be read: %(error)s") % {"error": error}) from None
    except Exception:
        raise ValidationError(_("This file cannot be read as a spreadsheet.")) from None
    finally:
        rows.close()


def _read_rows(rows):
    """The dataset, each row checked as it is read: the first one too many stops the reading."""
    max_rows = settings.MEMBER_IMPORT_MAX_ROWS
    headers = [str(h or "").strip().lower() for h in next(rows, None) or []]
    while headers and not headers[-1]:
        headers.pop()
    missing = [c for c in ("branch", "uic", "alias", "gender", "joined_on") if c not in headers]
    if missing:
        raise ValidationError(_("Missing columns: %(columns)s") % {"columns": ", ".join(missing)})
    dataset = tablib.Dataset(headers=headers)
    width = len(headers)
    blank = 0  # empty lines count only when a filled one follows (a sheet's empty tail is not data)
    for number, row in enumerate(rows, start=2):
        row = ["" if value is None else value for value in row]
        if not any(str(value).strip() for value in row):
            blank += 1
            if blank > max_rows:
                break
            continue
        if len(dataset) + blank >= max_rows:
            raise ValidationError(_("At most %(n)s rows per file.") % {"n": max_rows})
        if any(str(value).strip() for value in row[width:]):
            raise ValidationError(_("Row %(row)s has more cells than there are column names.") % {"row": number})
        for _blank in range(blank):
            dataset.append([""] * width)
        blank = 0
        dataset.append((row + [""] * width)[:width])
    return dataset


def keep_checked(request, dataset):
    """Keep the checked rows in the session, encrypted, until the confirmation; a token for the form."""
    token = secrets.token_urlsafe(16)
    blob = zlib.compress(dataset.export("csv").encode())
    request.session[PENDING] = {"token": token, "user": request.user.pk, "rows": encrypt_bytes(blob)}
    return token


def take_checked(request, token):
    """The checked rows for this token (once), or None when expired, used or not this session's."""
    kept = request.session.pop(PENDING, None)
    if not kept or not secrets.compare_digest(str(kept.get("token")), str(token)):
        return None
    if kept.get("user") != request.user.pk:
        return None
    blob = decrypt_bytes(kept["rows"], settings.MEMBER_IMPORT_CHECK_SECONDS)
    if blob is None:
        return None
    return tablib.Dataset().load(zlib.decompress(blob).decode(), format="csv")


def claim(token):
    """Spend a confirmation token in the caller's transaction: False when another
    confirmation of the same file spent it first (or is importing it right now).

    The unique token digest decides: on PostgreSQL a second insert waits for the
    first transaction and fails once it commits (it goes ahead only if the first
    rolled back); on SQLite writers queue. Call it in the transaction that imports."""
    oldest = timezone.now() - datetime.timedelta(seconds=settings.MEMBER_IMPORT_CHECK_SECONDS)
    ImportClaim.objects.filter(claimed_at__lt=oldest).delete()
    try:
        with transaction.atomic():
            ImportClaim.objects.create(token_digest=ImportClaim.digest(token))
    except IntegrityError:
        return False
    return True


def forget_checked(request):
    request.session.pop(PENDING, None)


def run_import(dataset, user, dry_run):
    """Import (or only check) the dataset; returns the django-import-export Result and the resource."""
    resource = MemberImportResource(user)
    result = resource.import_data(
        dataset,
        dry_run=dry_run,
        raise_errors=False,
        use_transactions=True,
        rollback_on_validation_errors=True,
    )
    return result, resource


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
