"""A hostile alias, branch or service name in every file the app writes for a spreadsheet.

Every CSV must hand text starting with = + - @, a tab or a carriage return over with a
leading apostrophe; every Excel cell holding such text must be a string cell, never a
formula. Numbers stay numbers (a difference of -3 is -3). Text holding a control
character must never break an export, and the forms and the import refuse it.
"""

import csv
import datetime
import io

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from members.models import Member
from opsi.exports import EXPORT_FORMATS, writable_text, write_csv
from services.models import ServiceType
from services.visits import log_visit
from tests.factories import BranchFactory, DropInCentreFactory, MemberFactory
from tests.downloads import download

D = datetime.date
HOSTILE = ['=HYPERLINK("http://x/?a","klik")', "+1+2", "-3+4", "@SUM(5)", "\t=1+1", "\r=2+2"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BROKEN = ["Mawar\x0bMelati", "Dahlia\x1f\x08", "Lili\uffff"]  # NUL cannot be stored in PostgreSQL at all
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
YEAR_2025 = {"period_kind": "year", "year": "2025", "number": "1"}


def csv_rows(response):
    assert response.status_code == 200, response.status_code
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def xlsx_cells(response):
    assert response.status_code == 200, response.status_code
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def is_plain_number(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


def assert_no_live_csv_cell(rows):
    for row in rows:
        for cell in row:
            assert not (cell.startswith(FORMULA_STARTS) and not is_plain_number(cell)), cell


def assert_no_formula_cell(cells):
    formulas = [cell.value for cell in cells if cell.data_type == "f"]
    assert formulas == []


def same_text(written, read):
    # XML turns a carriage return into a line feed when the file is read back.
    return written.replace("\r", "\n") == (read or "").replace("\r", "\n")


# Member exports -----------------------------------------------------------------------------


@pytest.fixture
def hostile_members(jakarta, bali):
    for alias in HOSTILE:
        MemberFactory(branch=jakarta, alias=alias)
    MemberFactory(branch=bali, alias="@Bali-1")
    MemberFactory(branch=jakarta, alias="Mawar")


@pytest.fixture
def broken_members(jakarta, bali):
    for alias in BROKEN:
        MemberFactory(branch=jakarta, alias=alias)
    MemberFactory(branch=bali, alias="Kamboja\x0b")


@pytest.mark.parametrize("who", ["ayu", "sari"])
def test_member_csv_hands_every_formula_like_alias_over_as_text(client_of, people, hostile_members, who):
    rows = csv_rows(download(client_of(people[who]), reverse("member_export", args=["csv"])))
    assert_no_live_csv_cell(rows)
    aliases = [row[rows[0].index("alias")] for row in rows[1:]]
    for alias in HOSTILE:
        assert "'" + alias in aliases
    assert "Mawar" in aliases  # ordinary text is left alone
    assert ("'@Bali-1" in aliases) == (who == "sari")


@pytest.mark.parametrize("who", ["ayu", "sari"])
def test_member_xlsx_holds_every_formula_like_alias_as_a_string_cell(client_of, people, hostile_members, who):
    response = download(client_of(people[who]), reverse("member_export", args=["xlsx"]))
    assert response["Content-Type"] == XLSX_TYPE
    cells = xlsx_cells(response)
    assert_no_formula_cell(cells)
    for alias in HOSTILE:
        matches = [c for c in cells if isinstance(c.value, str) and same_text(alias, c.value)]
        assert matches and all(c.data_type == "s" for c in matches), alias


def test_member_xlsx_keeps_years_and_dates_as_numbers_and_dates(client_of, ayu, hostile_members):
    book = openpyxl.load_workbook(io.BytesIO(download(client_of(ayu), reverse("member_export", args=["xlsx"])).content))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    first = sheet[2]
    assert first[header.index("birth_year")].value == 1990
    assert first[header.index("birth_year")].data_type == "n"
    assert first[header.index("joined_on")].value.date() == D(2024, 1, 15)
    assert first[header.index("left_on")].value is None
    alias = sheet.column_dimensions[first[header.index("alias")].column_letter].width
    assert alias >= len('=HYPERLINK("http://x/?a","klik")')


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize("who", ["ayu", "sari"])
def test_member_export_never_fails_on_control_characters(client_of, people, broken_members, who, file_format):
    response = download(client_of(people[who]), reverse("member_export", args=[file_format]))
    assert response.status_code == 200
    if file_format == "csv":
        text = [cell for row in csv_rows(response) for cell in row]
    else:
        text = [c.value for c in xlsx_cells(response) if isinstance(c.value, str)]
    assert "Mawar\N{REPLACEMENT CHARACTER}Melati" in text
    assert "Lili\N{REPLACEMENT CHARACTER}" in text
    assert ("Kamboja\N{REPLACEMENT CHARACTER}" in text) == (who == "sari")


# Report files ---------------------------------------------------------------------------------


@pytest.fixture
def hostile_report(jakarta, catalogue, ayu):
    """Branches and services named like formulas; new members: 4 in 2024, 1 in 2025 (a difference of -3)."""
    provinces = ["11", "12", "13", "14", "15", "16", "17"]
    for index, (province, name) in enumerate(zip(provinces, HOSTILE + ["Bali\x0b"])):
        branch = BranchFactory(province=province, name=name)
        MemberFactory(branch=branch, alias="Anggota", joined_on=D(2024, 3, 1) if index < 4 else D(2023, 3, 1))
    for order, name in enumerate(HOSTILE, start=20):
        ServiceType.objects.create(name=name, counts_for_prevention=False, order=order)
    MemberFactory(branch=jakarta, alias="Baru", joined_on=D(2025, 5, 1))
    # Jakarta's prevention coverage in Oct-Dec 2025: 1 of 2 people (50%).
    centre = DropInCentreFactory(branch=jakarta)
    mawar = MemberFactory(branch=jakarta, alias="Mawar", joined_on=D(2023, 1, 1))
    c = catalogue
    log_visit(
        centre=centre,
        member=mawar,
        uic="",
        on=D(2025, 11, 10),
        services={c["counselling"]: 1, c["hiv_test"]: 1},
        by=ayu,
    )
    log_visit(centre=centre, member=None, uic="DEAG3010195", on=D(2025, 12, 1), services={c["counselling"]: 1}, by=ayu)


def report(client, file_format, definition="btg", scope="national:", lang="en"):
    return download(
        client,
        reverse("report_download", args=[file_format]),
        {**YEAR_2025, "definition": definition, "scope": scope, "lang": lang},
    )


@pytest.mark.parametrize("definition", ["btg", "gam"])
def test_report_csv_hands_every_formula_like_label_over_as_text(client_of, sari, hostile_report, definition):
    rows = csv_rows(report(client_of(sari), "csv", definition))
    assert_no_live_csv_cell(rows)
    labels = {row[2] for row in rows}
    for name in HOSTILE:
        assert "'" + name in labels, name
    assert "Bali\N{REPLACEMENT CHARACTER}" in labels


@pytest.mark.parametrize("definition", ["btg", "gam"])
def test_report_xlsx_holds_every_formula_like_label_as_a_string_cell(client_of, sari, hostile_report, definition):
    cells = xlsx_cells(report(client_of(sari), "xlsx", definition))
    assert_no_formula_cell(cells)
    for name in HOSTILE:
        matches = [c for c in cells if isinstance(c.value, str) and same_text(name, c.value)]
        assert matches and all(c.data_type == "s" for c in matches), name
    assert any(c.value == "Bali\N{REPLACEMENT CHARACTER}" for c in cells)


def test_a_branch_named_like_a_formula_is_text_in_its_own_branch_report(client_of, dewi, hostile_report):
    from opsi.tenant import Branch

    for name in HOSTILE:
        branch = Branch.objects.get(name=name)
        client = client_of(dewi)
        rows = csv_rows(report(client, "csv", scope=f"branch:{branch.pk}"))
        assert_no_live_csv_cell(rows)
        assert "'" + name in {c for row in rows for c in row}
        cells = xlsx_cells(report(client, "xlsx", scope=f"branch:{branch.pk}"))
        assert_no_formula_cell(cells)
        scope = [c for c in cells if isinstance(c.value, str) and same_text(name, c.value)]
        assert scope and all(c.data_type == "s" for c in scope)


def test_report_csv_keeps_a_negative_difference_a_number(client_of, sari, hostile_report):
    rows = csv_rows(report(client_of(sari), "csv"))
    new_members = {row[3]: row[4] for row in rows if row[:3] == ["summary", "key figures", "New members"]}
    assert new_members == {"2025": "1", "2024": "4", "Difference": "-3"}


def test_report_xlsx_keeps_a_negative_difference_a_number(client_of, sari, hostile_report):
    book = openpyxl.load_workbook(io.BytesIO(report(client_of(sari), "xlsx").content))
    summary = book.worksheets[0]
    header = next(row for row in summary.iter_rows() if row[0].value == "Indicator")
    assert [c.value for c in header] == ["Indicator", "2025", "2024", "Difference"]
    row = next(row for row in summary.iter_rows() if row[0].value == "New members")
    assert [(c.value, c.data_type) for c in row[1:]] == [(1, "n"), (4, "n"), (-3, "n")]


def test_report_xlsx_writes_percentages_as_numbers_and_no_data_as_empty(client_of, sari, hostile_report):
    book = openpyxl.load_workbook(io.BytesIO(report(client_of(sari), "xlsx", "gam").content))
    sheet = book.worksheets[1]
    rows = {row[0].value: row for row in sheet.iter_rows() if row[0].value}
    jakarta = rows["Jakarta"]
    assert (jakarta[1].value, jakarta[2].value) == (2, 1)
    assert jakarta[3].value == 0.5 and jakarta[3].data_type == "n" and jakarta[3].number_format == "0%"
    nobody = rows["@SUM(5)"]  # nobody visited: no share, an empty cell rather than "–"
    assert nobody[1].value == 0 and nobody[3].value is None
    assert all(c.value != "–" for row in sheet.iter_rows() for c in row)


def test_report_xlsx_columns_are_wide_enough_for_their_text(client_of, sari, hostile_report):
    book = openpyxl.load_workbook(io.BytesIO(report(client_of(sari), "xlsx").content))
    for sheet in book.worksheets:
        for row in sheet.iter_rows(min_row=3):  # below the sheet's title
            for cell in row:
                if isinstance(cell.value, str) and len(cell.value) < 50:
                    width = sheet.column_dimensions[cell.column_letter].width
                    assert width >= len(cell.value), (sheet.title, cell.coordinate, cell.value, width)


def test_report_csv_leaves_no_data_empty_and_keeps_percentages(client_of, sari, hostile_report):
    rows = csv_rows(report(client_of(sari), "csv", "gam"))
    coverage = {row[2]: row[4] for row in rows if row[3] == "Share of those who came"}
    assert coverage["Jakarta"] == "50%"
    assert coverage["'@SUM(5)"] == ""


# The admin's export --------------------------------------------------------------------------


def admin_export(client, file_format):
    url = reverse("admin:members_member_export")
    form = client.get(url).context["form"]
    choices = dict((label.lower(), value) for value, label in form.fields["format"].choices)
    data = {"format": choices[file_format], "resource": "0"}
    data.update({name: "on" for name, f in form.fields.items() if getattr(f, "is_selectable_field", False)})
    return client.post(url, data)


def test_admin_export_offers_csv_and_excel_only(client_of, dewi, hostile_members):
    form = client_of(dewi).get(reverse("admin:members_member_export")).context["form"]
    assert sorted(label.lower() for _v, label in form.fields["format"].choices if _v != "") == ["csv", "xlsx"]


def test_admin_csv_export_hands_every_formula_like_alias_over_as_text(client_of, dewi, hostile_members, broken_members):
    rows = csv_rows(admin_export(client_of(dewi), "csv"))
    assert_no_live_csv_cell(rows)
    aliases = [row[rows[0].index("alias")] for row in rows[1:]]
    for alias in HOSTILE + ["@Bali-1"]:
        assert "'" + alias in aliases
    assert "Mawar\N{REPLACEMENT CHARACTER}Melati" in aliases


def test_admin_xlsx_export_holds_formula_like_aliases_as_strings_and_numbers_as_numbers(
    client_of, dewi, hostile_members, broken_members
):
    response = admin_export(client_of(dewi), "xlsx")
    cells = xlsx_cells(response)
    assert_no_formula_cell(cells)
    for alias in HOSTILE + ["@Bali-1"]:
        matches = [c for c in cells if isinstance(c.value, str) and same_text(alias, c.value)]
        assert matches and all(c.data_type == "s" for c in matches), alias
    assert any(c.value == "Mawar\N{REPLACEMENT CHARACTER}Melati" for c in cells)
    assert any(c.value == 1990 and c.data_type == "n" for c in cells)
    assert not any(c.value == "None" for c in cells)


def test_every_admin_export_writes_through_the_escaping_formats():
    exporting = [
        model_admin for model_admin in admin.site._registry.values() if hasattr(model_admin, "get_export_formats")
    ]
    assert exporting, "the member admin exports"
    for model_admin in exporting:
        assert set(model_admin.get_export_formats()) <= set(EXPORT_FORMATS), type(model_admin).__name__


# Formulas in disguise ---------------------------------------------------------------------------

# Each reads as a formula once a spreadsheet (or a reader) sees past its first characters:
# full-width and small forms (NFKC), look-alike signs, and invisible or blank characters in front.
DISGUISED = {
    "full-width equals": "\uff1d1+1",
    "full-width plus": "\uff0bSUM(1)",
    "full-width minus": "\uff0d2+3",
    "full-width at": "\uff20SUM(4)",
    "small equals": "\ufe66HYPERLINK(1)",
    "superscript plus": "\u207a5+5",
    "minus sign": "\u22126+6",
    "heavy minus": "\u27967+7",
    "zero-width space": "\u200b=8+8",
    "byte order mark": "\ufeff=9+9",
    "word joiner": "\u2060+10",
    "no-break space": "\u00a0=11",
    "narrow no-break space": "\u202f@12",
    "ideographic space": "\u3000=13",
    "space": " =14",
    "left-to-right mark then tab": "\u200e\t=15",
    "soft hyphen": "\u00ad=16",
    "line separator": "\u2028-17+1",
    "combining mark": "\u034f=18",
    "several in front": "\u200b\u00a0\ufeff \u2060\uff1d19",
}
INNOCENT = ["Mawar", "3 kali", "\u2013 tidak ada", "Melati \u200b=", "\u00a0Dahlia"]


def assert_disguised_escaped(cells):
    for name, text in DISGUISED.items():
        assert "'" + text in cells, name
        assert text not in cells, name
    for text in INNOCENT:
        assert text in cells, text


def assert_disguised_string_cells(cells):
    assert_no_formula_cell(cells)
    for name, text in DISGUISED.items():
        matches = [c for c in cells if isinstance(c.value, str) and same_text(text, c.value)]
        assert matches and all(c.data_type == "s" for c in matches), name


@pytest.fixture
def disguised_members(jakarta):
    for text in [*DISGUISED.values(), *INNOCENT]:
        MemberFactory(branch=jakarta, alias=text)


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_member_export_hands_formulas_in_disguise_over_as_text(client_of, ayu, disguised_members, file_format):
    response = download(client_of(ayu), reverse("member_export", args=[file_format]))
    if file_format == "csv":
        assert_disguised_escaped({cell for row in csv_rows(response) for cell in row})
    else:
        assert_disguised_string_cells(xlsx_cells(response))


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_report_hands_services_named_like_formulas_in_disguise_over_as_text(
    client_of, sari, hostile_report, file_format
):
    for order, text in enumerate([*DISGUISED.values(), *INNOCENT], start=40):
        ServiceType.objects.create(name=text, counts_for_prevention=False, order=order)
    response = report(client_of(sari), file_format)
    if file_format == "csv":
        assert_disguised_escaped({row[2] for row in csv_rows(response)})
    else:
        assert_disguised_string_cells(xlsx_cells(response))


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_admin_export_hands_formulas_in_disguise_over_as_text(client_of, dewi, disguised_members, file_format):
    response = admin_export(client_of(dewi), file_format)
    if file_format == "csv":
        assert_disguised_escaped({cell for row in csv_rows(response) for cell in row})
    else:
        assert_disguised_string_cells(xlsx_cells(response))


# Control characters a file cannot hold become U+FFFD, which a spreadsheet shows: left out here.
UNSEEN_CHARS = st.characters(categories=["Cc", "Cf", "Zs", "Zl", "Zp"]).filter(lambda c: writable_text(c) == c)
SIGNS = st.sampled_from(["=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20", "\ufe66", "\u2212"])


@settings(max_examples=300, deadline=None)
@given(unseen=st.text(UNSEEN_CHARS, max_size=5), sign=SIGNS, rest=st.text(min_size=1, max_size=10))
def test_any_unseen_prefix_before_a_formula_sign_is_escaped(unseen, sign, rest):
    text = unseen + sign + "A" + rest  # "A": never a plain number such as "-3"
    [[cell]] = csv.reader(io.StringIO(write_csv([[text]]).decode("utf-8-sig")))
    assert cell == "'" + writable_text(text)


# Forms and the import refuse control characters ------------------------------------------------

REFUSED = ("cannot be saved", "tidak dapat disimpan")


def test_member_form_refuses_an_alias_with_a_control_character(client_of, ayu, jakarta):
    data = {
        "alias": "Mawar\x0bMelati",
        "kind": "regular",
        "gender": "woman",
        "mother_first_name": "Siti",
        "father_first_name": "Budi",
        "birth_date": "1990-03-15",
        "work_setting": "street",
        "joined_on": "2025-01-10",
        "consent_on": "2025-01-10",
        "consent_version": "2025-1",
    }
    response = client_of(ayu).post(reverse("member_create"), data)
    assert response.status_code == 200
    assert any(words in str(response.context["form"].errors["alias"]) for words in REFUSED)
    assert not Member.objects.exists()
    # The same alias without the control character is accepted.
    response = client_of(ayu).post(reverse("member_create"), {**data, "alias": "Mawar Melati"})
    assert response.status_code == 302 or "alias" not in response.context["form"].errors


def test_a_multi_line_note_keeps_its_line_breaks_but_refuses_other_control_characters(client_of, ayu, jakarta):
    member = MemberFactory(branch=jakarta, alias="Mawar")
    data = {
        "alias": "Mawar",
        "gender": "woman",
        "work_setting": "street",
        "joined_on": "2024-01-15",
        "consent_on": "2024-01-15",
        "consent_version": "2025-1",
    }
    client = client_of(ayu)
    url = reverse("member_edit", args=[member.pk])
    response = client.post(url, {**data, "notes": "baris satu\x07"})
    assert response.status_code == 200 and "notes" in response.context["form"].errors
    assert client.post(url, {**data, "notes": "baris satu\r\nbaris dua\tlagi"}).status_code == 302
    member.refresh_from_db()
    assert member.notes == "baris satu\r\nbaris dua\tlagi"


IMPORT_HEADER = "branch,uic,alias,kind,gender,birth_year,work_setting,joined_on,consent_on,peer_educator\n"


def import_csv(client, body):
    """The member import checking a CSV file of these rows."""
    upload = SimpleUploadedFile("m.csv", (IMPORT_HEADER + body).encode())
    return client.post(reverse("member_import"), {"file": upload})


def test_import_lists_a_row_with_a_control_character_and_writes_nothing(client_of, ayu, jakarta):
    body = (
        "31,SIBU2150390,Mawar\x0bMelati,regular,woman,1990,street,2024-01-15,2024-01-15,no\n"
        "31,DEAG3010195,Melati,regular,woman,1990,street,2024-01-15,2024-01-15,no\n"
    )
    response = import_csv(client_of(ayu), body)
    problems = dict(response.context["problems"])
    assert list(problems) == [1]
    assert "alias" in " ".join(problems[1]) and any(words in " ".join(problems[1]) for words in REFUSED)
    assert "payload" not in response.context
    assert not Member.objects.exists()


def _project_packages():
    from pathlib import Path

    from django.apps import apps
    from django.conf import settings

    root = Path(settings.BASE_DIR).resolve()
    return [
        app.name
        for app in apps.get_app_configs()
        if Path(app.path).resolve().is_relative_to(root) and ".venv" not in Path(app.path).parts
    ]


def _project_forms():
    import importlib
    import pkgutil

    from django import forms

    packages = _project_packages()
    assert {"opsi", "members", "services", "outreach", "incidents", "reports"} <= set(packages)
    for package in packages:
        module = importlib.import_module(package)
        for info in pkgutil.walk_packages(module.__path__, package + "."):
            if not any(part in info.name for part in (".migrations", ".management", ".tests")):
                importlib.import_module(info.name)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    return {
        cls
        for cls in subclasses(forms.BaseForm)
        if cls.__module__.split(".")[0] in packages and not cls.__name__.startswith("Base")
    }


def test_every_form_of_the_app_with_text_refuses_control_characters_in_it():
    from django import forms

    from opsi.forms import CleanTextMixin

    def has_text(cls):
        return any(
            isinstance(f, forms.CharField) and not isinstance(f.widget, forms.PasswordInput)
            for f in cls.base_fields.values()
        )

    found = [cls for cls in _project_forms() if has_text(cls)]
    assert len(found) > 15
    assert sorted(cls.__qualname__ for cls in found if not issubclass(cls, CleanTextMixin)) == []


def test_every_admin_form_for_the_app_refuses_control_characters_in_text():
    from django.contrib.auth import get_user_model

    from opsi.forms import CleanTextMixin

    # The user's pages keep Django's own forms (password, username); every other admin page is ours.
    ours = [
        ma
        for model, ma in admin.site._registry.items()
        if model._meta.app_config.name in _project_packages() and model is not get_user_model()
    ]
    assert ours
    forms = [(type(ma).__name__, ma.form) for ma in ours]
    forms += [(inline.__name__, inline.form) for ma in ours for inline in ma.inlines]
    assert sorted(name for name, form in forms if not issubclass(form, CleanTextMixin)) == []


def test_the_rule_covers_text_added_after_the_form_is_built_and_leaves_passwords_alone():
    from django import forms

    from opsi.forms import CleanTextMixin

    class Form(CleanTextMixin, forms.Form):
        secret = forms.CharField(widget=forms.PasswordInput, strip=False)

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["name"] = forms.CharField()
            self.fields["note"] = forms.CharField(widget=forms.Textarea)

    form = Form({"name": "Ma\x85war", "note": "a\r\nb\tc", "secret": "kata\x0bsandi"})
    assert sorted(form.errors) == ["name"]
    assert Form({"name": "Mawar", "note": "a\x1bb", "secret": "x"}).errors.keys() == {"note"}


def test_import_lists_a_nul_in_any_column_instead_of_failing(client_of, ayu, jakarta):
    body = (
        "31\x00,SIBU2150390,Mawar,regular,woman,1990,street,2024-01-15,2024-01-15,no\n"
        "31,DEAG3010195,Mel\x00ati,regular,woman,1990,street,2024-01-15,2024-01-15,no\n"
    )
    response = import_csv(client_of(ayu), body)
    assert response.status_code == 200
    problems = dict(response.context["problems"])
    assert sorted(problems) == [1, 2]
    assert "branch" in " ".join(problems[1]) and "alias" in " ".join(problems[2])
    assert not Member.objects.exists()


# Internal uses of a spreadsheet format that never reach a spreadsheet program.
NOT_FOR_A_SPREADSHEET = {
    "members/importing.py": "the checked rows wait in the session as compressed, encrypted CSV",
}


def test_no_module_but_opsi_exports_writes_a_spreadsheet_file():
    import re
    from pathlib import Path

    from django.conf import settings

    writer = re.compile(
        r"csv\.(Dict)?[Ww]riter\(|Workbook\(|xlsxwriter|dataset\.export\(|\.export\(\s*[\"'](csv|tsv|xlsx?|ods)[\"']"
    )
    root = Path(settings.BASE_DIR)
    offenders = []
    for package in _project_packages():
        for path in (root / package.replace(".", "/")).rglob("*.py"):
            name = path.relative_to(root).as_posix()
            if "/migrations/" in name or name == "opsi/exports.py" or name in NOT_FOR_A_SPREADSHEET:
                continue
            if writer.search(path.read_text(encoding="utf-8")):
                offenders.append(name)
    assert offenders == [], "write spreadsheets through opsi.exports (write_csv, write_xlsx, write_dataset)"
