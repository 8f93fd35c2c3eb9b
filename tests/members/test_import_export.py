import csv
import datetime
import io

import openpyxl
import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from members.identity import save_identity
from members.models import Member, MemberIdentity
from tests.factories import MemberFactory
from tests.downloads import download

HEADER = (
    "branch,uic,alias,kind,gender,birth_year,work_setting,joined_on,consent_on,peer_educator,legal_name,nik,phone\n"
)
GOOD = (
    "31,SIBU2150390,Mawar,regular,woman,1990,street,2024-01-15,2024-01-15,yes,,,\n"
    "Jakarta,DEAG3010195,Melati,biasa,waria,1995,venue,2024-02-01,2024-02-01,no,Siti Aminah,3171014502900004,0812345678\n"
)


def upload(client, text, name="members.csv"):
    return client.post(reverse("member_import"), {"file": SimpleUploadedFile(name, text.encode())})


def test_valid_file_is_checked_then_imported_on_confirmation(client_of, ayu, jakarta):
    client = client_of(ayu)
    response = upload(client, HEADER + GOOD)
    assert Member.objects.count() == 0  # the check writes nothing
    token = response.context["token"]
    response = client.post(reverse("member_import"), {"confirm": token})
    assert response.status_code == 302
    assert sorted(Member.objects.values_list("alias", "kind", "gender")) == [
        ("Mawar", "regular", "woman"),
        ("Melati", "regular", "waria"),
    ]
    melati = Member.objects.get(alias="Melati")
    assert melati.identity.nik == "3171014502900004"
    assert melati.kind_periods.count() == 1


def test_every_bad_row_is_listed_and_nothing_is_written(client_of, ayu, jakarta, bali):
    MemberFactory(branch=jakarta, uic="NUHA2220788")
    bad = (
        "31,SIBU2150390,Mawar,regular,woman,1990,street,2024-01-15,2024-01-15,yes,,,\n"  # fine
        "31,SIBU2150391,,regular,woman,1990,street,2024-01-15,2024-01-15,no,,,\n"  # missing alias
        "99,SIBU2150392,Dahlia,regular,woman,1990,street,2024-01-15,2024-01-15,no,,,\n"  # unknown branch
        "51,SIBU2150393,Kamboja,regular,woman,1990,street,2024-01-15,2024-01-15,no,,,\n"  # not her branch
        "31,NUHA2220788,Seruni,regular,woman,1990,street,2024-01-15,2024-01-15,no,,,\n"  # duplicate UIC
        "31,SIBU2150390,Lili,regular,woman,1990,street,2024-01-15,2024-01-15,no,,,\n"  # duplicate in file
        "31,SIBU2150394,Tulip,regular,woman,1990,street,2024-01-15,2024-01-15,no,,123,\n"  # bad NIK
    )
    response = upload(client_of(ayu), HEADER + bad)
    problems = dict(response.context["problems"])
    assert sorted(problems) == [2, 3, 4, 5, 6, 7]
    assert "alias" in " ".join(problems[2])
    assert "99" in " ".join(problems[3])
    assert "51" in " ".join(problems[4])
    assert "NIK" in " ".join(problems[7]) or "16" in " ".join(problems[7])
    assert "token" not in response.context
    assert Member.objects.count() == 1


def test_a_forged_confirmation_is_refused(client_of, ayu, jakarta):
    response = client_of(ayu).post(reverse("member_import"), {"confirm": "forged"})
    assert response.status_code == 302
    assert Member.objects.count() == 0


def test_an_unreadable_file_gets_a_message(client_of, ayu, jakarta):
    response = upload(client_of(ayu), "just some words", name="notes.txt")
    assert response.status_code == 200 and response.context["form"].errors


def test_excel_files_are_read(client_of, ayu, jakarta):
    book = openpyxl.Workbook()
    sheet = book.active
    for line in (HEADER + GOOD).splitlines():
        sheet.append(line.split(","))
    buffer = io.BytesIO()
    book.save(buffer)
    response = client_of(ayu).post(
        reverse("member_import"), {"file": SimpleUploadedFile("members.xlsx", buffer.getvalue())}
    )
    assert response.context["problems"] == [] and response.context["rows"] == 2


def test_outreach_workers_and_secretariat_cannot_import(client_of, putri, sari):
    assert client_of(putri).get(reverse("member_import")).status_code == 403
    assert client_of(sari).get(reverse("member_import")).status_code == 403


@pytest.fixture
def two_branches(jakarta, bali):
    mawar = MemberFactory(branch=jakarta, alias="Mawar", uic="SIBU2150390")
    save_identity(mawar, None, legal_name="Siti Aminah", nik="3171014502900004", phone="081234567890")
    MemberFactory(branch=bali, alias="Kamboja", uic="DEAG3010195")
    MemberFactory(branch=jakarta, alias='=HYPERLINK("http://evil")', uic="NUHA2220788")


def test_csv_export_of_a_coordinator_holds_her_branch_only_and_no_identity(client_of, ayu, two_branches):
    response = download(client_of(ayu), reverse("member_export", args=["csv"]))
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert sorted(r["alias"].lstrip("'") for r in rows) == sorted(["Mawar", '=HYPERLINK("http://evil")'])
    assert "Kamboja" not in text
    for secret in ["Siti", "3171014502900004", "081234567890"]:
        assert secret not in text
    assert set(rows[0]) == {
        "uic",
        "alias",
        "kind",
        "gender",
        "birth_year",
        "work_setting",
        "branch",
        "joined_on",
        "left_on",
        "peer_educator",
    }


def test_export_escapes_formulas(client_of, ayu, two_branches):
    text = download(client_of(ayu), reverse("member_export", args=["csv"])).content.decode("utf-8-sig")
    assert "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text


def test_excel_export_and_its_audit_entry(client_of, sari, two_branches):
    response = download(client_of(sari), reverse("member_export", args=["xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 4  # header + 3 members of every branch
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS, actor=sari)
    assert entry.additional_data["rows"] == 3 and entry.additional_data["format"] == "xlsx"
    assert "Bali" in entry.additional_data["scope"]


def test_outreach_workers_cannot_export(client_of, putri, two_branches):
    assert download(client_of(putri), reverse("member_export", args=["csv"])).status_code == 403


def test_identity_never_leaves_encrypted_storage_in_exports(two_branches):
    assert MemberIdentity.objects.count() == 1


def test_admin_lists_members_and_exports_without_identity(client_of, dewi, two_branches):
    client = client_of(dewi)
    assert client.get(reverse("admin:members_member_changelist")).status_code == 200
    page = client.get(reverse("admin:members_member_change", args=[Member.objects.get(alias="Mawar").pk]))
    assert page.status_code == 200
    assert "3171014502900004" not in page.content.decode() and "Siti" not in page.content.decode()


def test_a_bad_date_or_year_is_explained_in_indonesian(client_of, ayu, jakarta):
    bad = "31,SIBU2150390,Mawar,regular,woman,sembilan,street,15/13/2024,2024-01-15,yes,,,\n"
    problems = dict(upload(client_of(ayu), HEADER + bad).context["problems"])
    text = " ".join(problems[1])
    assert "Bukan tanggal" in text and "Bukan tahun" in text
    assert Member.objects.count() == 0


def test_an_imported_member_is_registered_as_the_form_registers_one(client_of, ayu, jakarta):
    """Through registration.register_member: who registered her, her first kind period from
    the day she joined, and no work setting for an honorary member."""
    client = client_of(ayu)
    row = "31,ANBU2150390,Anggrek,honorary,woman,1990,street,2024-03-01,2024-03-01,no,,,\n"
    token = upload(client, HEADER + row).context["token"]
    client.post(reverse("member_import"), {"confirm": token})
    anggrek = Member.objects.get(alias="Anggrek")
    assert (anggrek.kind, anggrek.work_setting, anggrek.created_by) == ("honorary", "", ayu)
    assert list(anggrek.kind_periods.values_list("kind", "started_on")) == [("honorary", datetime.date(2024, 3, 1))]
