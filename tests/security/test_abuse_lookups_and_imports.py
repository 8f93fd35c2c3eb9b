"""Abuse of the duplicate lookups and of the member import.

- Another branch's coordinator (bunga, Bali) probing Jakarta's members through the
  duplicate checks: she learns that a code or a NIK is taken, never whose; every
  lookup is audited without the NIK or the code, and limited per user.
- Hostile files: over the size limit, too many rows, an Excel file that unpacks to
  far more than it weighs. Refused with a message, nothing written.
- The identity columns of an import never travel to the browser and never stay on
  disk in clear.
"""

import base64
import io
import re
import zipfile
import zlib

import openpyxl
import pytest
from auditlog.models import LogEntry
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from opsi.crypto import lookup_hash
from members.identity import save_identity
from members.models import Member, MemberIdentity
from tests.factories import MemberFactory

JAKARTA_CODE = "SIBU2150390"
JAKARTA_NIK = "3171014502900004"

REGISTRATION = {
    "alias": "Kenanga",
    "kind": "regular",
    "gender": "woman",
    "typed_uic": JAKARTA_CODE,
    "work_setting": "street",
    "joined_on": "2025-01-10",
    "consent_on": "2025-01-10",
    "consent_version": "2025-1",
}

HEADER = (
    "branch,uic,alias,kind,gender,birth_year,work_setting,joined_on,consent_on,peer_educator,legal_name,nik,phone\n"
)
IDENTITY_ROW = "{branch},DEAG3010195,Melati,biasa,waria,1995,venue,2024-02-01,2024-02-01,no,Siti Aminah Rahayu,3171014502900012,081299887766\n"
SECRETS = ["Siti Aminah Rahayu", "3171014502900012", "081299887766"]


@pytest.fixture
def mawar(mawar):
    """Jakarta's Mawar (tests/conftest.py, code JAKARTA_CODE) with a NIK in the vault and an alias
    that names her branch: what Bali's coordinator must not learn about."""
    mawar.alias = "Mawar Jakarta"
    mawar.save()
    save_identity(mawar, None, nik=JAKARTA_NIK)
    return mawar


@pytest.fixture
def kamboja(bali):
    return MemberFactory(branch=bali, alias="Kamboja", uic="DEAG3010199")


def lookups_by(user):
    return LogEntry.objects.filter(actor=user, action=LogEntry.Action.ACCESS)


def trail_text():
    """What the lookups wrote to the audit trail."""
    return " ".join(
        f"{entry.changes} {entry.additional_data} {entry.object_repr}"
        for entry in LogEntry.objects.filter(action=LogEntry.Action.ACCESS)
    )


# Item 4: lookups that named members of other branches


def test_another_branchs_code_on_registration_says_taken_without_alias_or_branch(client_of, bunga, mawar):
    response = client_of(bunga).post(reverse("member_create"), REGISTRATION)
    content = response.content.decode()
    assert response.status_code == 200
    assert "Mawar Jakarta" not in content and "Jakarta" not in content
    assert "wilayah lain" in content  # "already registered in another branch"
    assert Member.objects.filter(alias="Kenanga").count() == 0


def test_own_branchs_duplicate_code_still_shows_the_alias(client_of, ayu, mawar):
    response = client_of(ayu).post(reverse("member_create"), REGISTRATION)
    content = response.content.decode()
    assert "Mawar Jakarta" in content
    assert reverse("member_detail", args=[mawar.pk]) in content


def test_another_branchs_nik_on_the_identity_page_says_taken_without_alias_or_branch(client_of, bunga, mawar, kamboja):
    response = client_of(bunga).post(reverse("member_identity", args=[kamboja.pk]), {"nik": JAKARTA_NIK})
    content = response.content.decode()
    assert response.status_code == 200
    assert "Mawar Jakarta" not in content and "Jakarta" not in content
    assert "NIK ini sudah tercatat untuk anggota lain" in content
    assert not MemberIdentity.objects.filter(member=kamboja).exists()


def test_a_code_lookup_is_audited_with_its_answer_and_never_the_code(client_of, bunga, mawar):
    client_of(bunga).post(reverse("member_create"), REGISTRATION)
    entry = lookups_by(bunga).get(additional_data__what="code lookup")
    assert entry.additional_data["result"] == "other branch"
    assert entry.remote_addr == "127.0.0.1"
    assert JAKARTA_CODE not in trail_text()


def test_a_nik_lookup_is_audited_by_its_keyed_hash_never_the_nik(client_of, bunga, mawar, kamboja):
    client_of(bunga).post(reverse("member_identity", args=[kamboja.pk]), {"nik": JAKARTA_NIK})
    entry = lookups_by(bunga).get(additional_data__what="NIK lookup")
    assert entry.additional_data["result"] == "taken"
    assert entry.additional_data["nik_hash"] == lookup_hash(JAKARTA_NIK)
    assert JAKARTA_NIK not in trail_text() and JAKARTA_NIK[:8] not in trail_text()


def test_lookups_stop_at_the_hourly_limit_with_a_message(client_of, bunga, mawar, kamboja, settings):
    settings.LOOKUPS_PER_HOUR = 3
    client = client_of(bunga)
    for nik in ("3171014502900005", "3171014502900006", "3171014502900007"):
        client.post(reverse("member_identity", args=[kamboja.pk]), {"nik": nik, "phone": ""})
        MemberIdentity.objects.filter(member=kamboja).delete()
    response = client.post(reverse("member_identity", args=[kamboja.pk]), {"nik": JAKARTA_NIK})
    content = response.content.decode()
    assert "Terlalu banyak pemeriksaan" in content  # too many lookups
    assert "sudah tercatat" not in content  # the limit answers nothing about the NIK
    response = client.post(reverse("member_create"), REGISTRATION)
    assert "Terlalu banyak pemeriksaan" in response.content.decode()
    assert "wilayah lain" not in response.content.decode()
    assert not Member.objects.filter(alias="Kenanga").exists()
    assert lookups_by(bunga).filter(additional_data__result="limit reached").count() == 2


def test_the_limit_is_per_user(client_of, ayu, bunga, mawar, settings):
    settings.LOOKUPS_PER_HOUR = 1
    client_of(bunga).post(reverse("member_create"), REGISTRATION)
    response = client_of(ayu).post(reverse("member_create"), REGISTRATION)
    assert "Mawar Jakarta" in response.content.decode()


def test_import_check_of_another_branchs_code_and_nik_names_nobody(client_of, bunga, mawar):
    row = f"51,{JAKARTA_CODE},Kenanga,regular,woman,1990,street,2024-01-15,2024-01-15,no,,{JAKARTA_NIK},\n"
    response = upload(client_of(bunga), "m.csv", (HEADER + row).encode())
    content = response.content.decode()
    assert "Mawar Jakarta" not in content and "Jakarta" not in content
    assert "wilayah lain" in content
    entry = lookups_by(bunga).get(additional_data__what="import check")
    assert entry.additional_data["codes_elsewhere"] == 1
    assert entry.additional_data["niks_taken"] == [lookup_hash(JAKARTA_NIK)]
    assert JAKARTA_NIK not in trail_text() and JAKARTA_CODE not in trail_text()


def test_import_checks_stop_at_their_hourly_limit(client_of, bunga, mawar, settings):
    settings.IMPORT_CHECKS_PER_HOUR = 2
    client = client_of(bunga)
    row = f"51,{JAKARTA_CODE},Kenanga,regular,woman,1990,street,2024-01-15,2024-01-15,no,,{JAKARTA_NIK},\n"
    for _ in range(2):
        upload(client, "m.csv", (HEADER + row).encode())
    response = upload(client, "m.csv", (HEADER + row).encode())
    content = response.content.decode()
    assert "Terlalu banyak pemeriksaan" in content
    assert "wilayah lain" not in content and "sudah tercatat" not in content


def test_visit_live_search_finds_no_member_of_another_branch(client_of, bunga, mawar):
    for query in (JAKARTA_CODE, "Mawar"):
        response = client_of(bunga).get(reverse("visit_new"), {"partial": "1", "q": query})
        assert "Mawar Jakarta" not in response.content.decode()


# Item 5: import bombs


def upload(client, name, content):
    return client.post(reverse("member_import"), {"file": SimpleUploadedFile(name, content)})


def form_errors(response):
    return " ".join(str(e) for e in response.context["form"].errors.get("file", []))


def valid_rows(count, start=0):
    return "".join(
        f"31,SIBU2{(n % 28) + 1:02d}{(n // 28) % 12 + 1:02d}{90 + n // 336 % 10:02d},Alias {n},regular,woman,"
        f"1990,street,2024-01-15,2024-01-15,no,,,\n"
        for n in range(start, start + count)
    )


def assert_nothing_kept(client, user):
    assert Member.objects.count() == 0
    assert not lookups_by(user).filter(additional_data__what="import check").exists()
    assert "member_import" not in str(dict(client.session))


def test_a_csv_over_the_size_limit_is_refused_with_a_message(client_of, ayu, jakarta, settings, tmp_path):
    settings.MEMBER_IMPORT_MAX_BYTES = 100 * 1024
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = client_of(ayu)
    content = (HEADER + valid_rows(1500)).encode()
    assert len(content) > 100 * 1024
    response = upload(client, "big.csv", content)
    assert response.status_code == 200
    assert "100 KB" in form_errors(response)
    assert list(tmp_path.iterdir()) == []  # never spilled to disk
    assert_nothing_kept(client, ayu)


def test_a_body_announced_far_over_the_limit_is_refused_unread(client_of, ayu, jakarta, settings):
    settings.MEMBER_IMPORT_MAX_BYTES = 100 * 1024
    client = client_of(ayu)
    response = upload(client, "huge.csv", (HEADER + valid_rows(5000)).encode())
    assert "100 KB" in form_errors(response)
    assert_nothing_kept(client, ayu)


def test_a_csv_with_too_many_rows_is_refused_while_reading(client_of, ayu, jakarta, settings):
    settings.MEMBER_IMPORT_MAX_ROWS = 50
    client = client_of(ayu)
    response = upload(client, "many.csv", (HEADER + valid_rows(51)).encode())
    assert "50" in form_errors(response) and "baris" in form_errors(response)
    assert_nothing_kept(client, ayu)


def xlsx_bytes(rows):
    book = openpyxl.Workbook()
    sheet = book.active
    for line in rows:
        sheet.append(line.split(","))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def inflate_sheet(xlsx, padding_bytes):
    """The same workbook with its sheet padded by whitespace: tiny zipped, huge unzipped."""
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                head, tail = data.split(b"<sheetData>", 1)
                with bomb.open(info.filename, "w", force_zip64=True) as sheet:
                    sheet.write(head + b"<sheetData>")
                    chunk = b" " * (1 << 20)
                    for _ in range(padding_bytes >> 20):
                        sheet.write(chunk)
                    sheet.write(tail)
            else:
                bomb.writestr(info, data)
    return out.getvalue()


def test_an_xlsx_that_unpacks_far_beyond_its_size_is_refused_unread(client_of, ayu, jakarta, settings):
    settings.MEMBER_IMPORT_MAX_UNZIPPED_BYTES = 20 * 1024 * 1024
    bomb = inflate_sheet(xlsx_bytes((HEADER + valid_rows(2)).splitlines()), 64 * 1024 * 1024)
    assert len(bomb) < 1024 * 1024
    client = client_of(ayu)
    response = upload(client, "bomb.xlsx", bomb)
    assert "20 MB" in form_errors(response)
    assert_nothing_kept(client, ayu)


def test_an_xlsx_with_too_many_rows_is_refused_while_reading(client_of, ayu, jakarta, settings):
    settings.MEMBER_IMPORT_MAX_ROWS = 50
    client = client_of(ayu)
    response = upload(client, "many.xlsx", xlsx_bytes((HEADER + valid_rows(120)).splitlines()))
    assert "50" in form_errors(response) and "baris" in form_errors(response)
    assert_nothing_kept(client, ayu)


def test_an_xlsx_without_dimensions_and_too_many_rows_is_refused(client_of, ayu, jakarta, settings, tmp_path):
    """No <dimension> element: a reader that trusts the sheet would read it to its end first."""
    from bench.import_bombs import write_xlsx

    settings.MEMBER_IMPORT_MAX_ROWS = 50
    client = client_of(ayu)
    write_xlsx(tmp_path / "small.xlsx", 3)
    assert upload(client, "small.xlsx", (tmp_path / "small.xlsx").read_bytes()).context["rows"] == 3
    write_xlsx(tmp_path / "many.xlsx", 500)
    response = upload(client, "many.xlsx", (tmp_path / "many.xlsx").read_bytes())
    assert "50" in form_errors(response) and "baris" in form_errors(response)
    assert Member.objects.count() == 0


def test_a_file_that_is_not_a_zip_but_named_xlsx_gets_a_message(client_of, ayu, jakarta):
    response = upload(client_of(ayu), "fake.xlsx", b"PK\x03\x04 not really a zip")
    assert form_errors(response)
    assert Member.objects.count() == 0


# Item 6: identity in plaintext outside the vault


def readable_values(html):
    """Every hidden value of the page, and what a signed Django value says once decoded."""
    values = re.findall(r'value="([^"]*)"', html)
    readable = list(values)
    for value in values:
        head = value.split(":", 1)[0]
        compressed = head.startswith(".")
        try:
            raw = base64.urlsafe_b64decode(head.lstrip(".") + "=" * (-len(head.lstrip(".")) % 4))
            readable.append((zlib.decompress(raw) if compressed else raw).decode("utf-8", "replace"))
        except (ValueError, zlib.error):
            pass
    return " ".join(readable)


def test_the_check_step_sends_no_identity_to_the_browser_and_confirm_still_imports(client_of, ayu, jakarta):
    client = client_of(ayu)
    response = upload(client, "m.csv", (HEADER + IDENTITY_ROW.format(branch="31")).encode())
    html = response.content.decode()
    assert "Impor sekarang" in html or "Import now" in html
    page = html + readable_values(html)
    for secret in SECRETS:
        assert secret not in page
    token = re.search(r'name="confirm" value="([^"]+)"', html).group(1)
    response = client.post(reverse("member_import"), {"confirm": token})
    assert response.status_code == 302
    melati = Member.objects.get(alias="Melati")
    assert melati.identity.nik == "3171014502900012" and melati.identity.phone == "081299887766"


def test_the_checked_rows_kept_between_the_steps_are_encrypted(client_of, ayu, jakarta):
    client = client_of(ayu)
    upload(client, "m.csv", (HEADER + IDENTITY_ROW.format(branch="31")).encode())
    stored = " ".join(s.session_data for s in Session.objects.all())
    decoded = " ".join(str(s.get_decoded()) for s in Session.objects.all())
    for secret in SECRETS:
        assert secret not in stored and secret not in decoded


def test_a_confirmation_token_works_only_in_the_session_that_checked(
    client_of, client, ayu, jakarta, django_user_model
):
    from django.test import Client

    checker = client_of(ayu)
    html = upload(checker, "m.csv", (HEADER + IDENTITY_ROW.format(branch="31")).encode()).content.decode()
    token = re.search(r'name="confirm" value="([^"]+)"', html).group(1)
    other_session = Client()
    other_session.force_login(ayu)
    response = other_session.post(reverse("member_import"), {"confirm": token})
    assert response.status_code == 302
    assert Member.objects.count() == 0
    # a second confirmation in the right session imports once
    checker.post(reverse("member_import"), {"confirm": token})
    checker.post(reverse("member_import"), {"confirm": token})
    assert Member.objects.count() == 1


def test_checked_rows_expire(client_of, ayu, jakarta, settings):
    client = client_of(ayu)
    html = upload(client, "m.csv", (HEADER + IDENTITY_ROW.format(branch="31")).encode()).content.decode()
    token = re.search(r'name="confirm" value="([^"]+)"', html).group(1)
    settings.MEMBER_IMPORT_CHECK_SECONDS = -1  # as if the hour had passed
    response = client.post(reverse("member_import"), {"confirm": token}, follow=True)
    assert "kedaluwarsa" in response.content.decode()  # "expired"
    assert Member.objects.count() == 0


def files_holding(directory, secrets):
    found = []
    for path in directory.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            if any(secret.encode() in data for secret in secrets):
                found.append(path)
    return found


def test_the_admin_leaves_no_uploaded_identity_on_disk(client_of, dewi, jakarta, tmp_path, settings, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    settings.MEDIA_ROOT = str(tmp_path / "media")
    client = client_of(dewi)
    content = (HEADER + IDENTITY_ROW.format(branch="31")).encode()
    client.post(
        "/admin/members/member/import/",
        {"import_file": SimpleUploadedFile("m.csv", content), "format": "0", "resource": "0"},
    )
    assert files_holding(tmp_path, SECRETS) == []
    assert Member.objects.count() == 0


def test_the_app_import_leaves_no_uploaded_identity_on_disk(client_of, ayu, jakarta, tmp_path, settings, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 10  # any upload handler that spills would spill here
    client = client_of(ayu)
    upload(client, "m.csv", (HEADER + IDENTITY_ROW.format(branch="31")).encode())
    assert files_holding(tmp_path, SECRETS) == []


# One checked file, confirmed several times at once ---------------------------------------------


def messages_of(response):
    return [str(message) for message in response.wsgi_request._messages]


def checked_token(client, rows):
    html = upload(client, "m.csv", (HEADER + rows).encode()).content.decode()
    return re.search(r'name="confirm" value="([^"]+)"', html).group(1)


def test_a_confirmation_sent_again_from_a_page_that_still_held_the_rows_imports_nothing_twice(client_of, ayu, jakarta):
    # What a second tap finds when it read the session before the first one finished.
    from members.importing import PENDING

    client = client_of(ayu)
    token = checked_token(client, IDENTITY_ROW.format(branch="31") + valid_rows(3))
    kept = client.session[PENDING]
    first = client.post(reverse("member_import"), {"confirm": token})
    assert first.status_code == 302 and Member.objects.count() == 4
    session = client.session
    session[PENDING] = kept
    session.save()
    second = client.post(reverse("member_import"), {"confirm": token})
    assert second.status_code == 302 and second.url == reverse("member_list")
    assert messages_of(second)[-1] == "Berkas ini dikonfirmasi lebih dari sekali: hanya diimpor sekali."
    assert Member.objects.count() == 4 and MemberIdentity.objects.count() == 1


def test_a_file_whose_data_changed_since_the_check_imports_nothing_and_spends_nothing(client_of, ayu, jakarta):
    from members.models import ImportClaim

    client = client_of(ayu)
    token = checked_token(client, valid_rows(3))
    MemberFactory(branch=jakarta, uic="SIBU2020190")  # the second row's code, registered meanwhile
    response = client.post(reverse("member_import"), {"confirm": token})
    assert response.status_code == 200 and response.context["problems"]
    assert "Tidak ada yang diimpor: data berubah sejak diperiksa." in response.content.decode()
    assert Member.objects.count() == 1 and not ImportClaim.objects.exists()


def test_a_spent_token_is_forgotten_once_the_check_would_have_expired(db, settings):
    from members.importing import claim
    from members.models import ImportClaim

    assert claim("a") and not claim("a")
    ImportClaim.objects.update(claimed_at=ImportClaim.objects.get().claimed_at.replace(year=2020))
    assert claim("b")
    assert list(ImportClaim.objects.values_list("token_digest", flat=True)) == [ImportClaim.digest("b")]


@pytest.mark.django_db(transaction=True)
def test_six_confirmations_of_one_file_at_once_import_it_once(client_of, ayu, jakarta, monkeypatch):
    import threading

    from django.db import connection
    from django.test import Client

    from members import import_views

    if connection.vendor != "postgresql":
        pytest.skip("SQLite's shared in-memory test database refuses a second writer instead of queuing it")
    checker = client_of(ayu)
    token = checked_token(checker, IDENTITY_ROW.format(branch="31") + valid_rows(20))
    # Every confirmation has read the checked rows from the session before any goes on.
    all_read = threading.Barrier(6)
    take_checked = import_views.take_checked

    def take_then_wait(request, sent):
        rows = take_checked(request, sent)
        all_read.wait(timeout=20)
        return rows

    monkeypatch.setattr(import_views, "take_checked", take_then_wait)
    answers = []

    def confirm():
        client = Client()
        client.cookies = checker.cookies
        try:
            answers.append(client.post(reverse("member_import"), {"confirm": token}))
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm) for _n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    said = sorted(message for answer in answers for message in messages_of(answer))
    assert (
        said
        == ["21 anggota berhasil diimpor."] + ["Berkas ini dikonfirmasi lebih dari sekali: hanya diimpor sekali."] * 5
    )
    assert all(answer.status_code == 302 and answer.url == reverse("member_list") for answer in answers)
    assert Member.objects.count() == 21 and MemberIdentity.objects.count() == 1
    assert LogEntry.objects.filter(additional_data__what="import members").count() == 1
