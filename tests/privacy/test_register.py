from django.core.management import call_command
from django.urls import reverse


def test_the_register_says_what_is_kept_why_how_long_and_who_sees_it(client_of, dora, settings):
    settings.RETENTION_LEFT_MEMBER_YEARS = 7
    page = client_of(dora).get(reverse("processing_register")).content.decode()
    assert "Dihapus 7 tahun setelah dia keluar" in page  # from the settings, not written by hand
    assert "Petugas pelindungan data pribadi (semua wilayah)" in page  # the requests' access rule
    assert "Koordinator wilayah (wilayahnya sendiri)" in page
    assert "NIK" in page and "Terenkripsi" in page


def test_the_register_page_is_the_officers_and_administrators(client_of, people, dora):
    assert client_of(people["dewi"]).get(reverse("processing_register")).status_code == 200
    for who in ("ayu", "putri", "sari"):
        assert client_of(people[who]).get(reverse("processing_register")).status_code == 403


def test_the_command_writes_the_register_as_a_table(db, capsys):
    call_command("processing_register")
    out = capsys.readouterr().out
    assert out.startswith("| ")
    assert "members" in out.lower()
