import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
CATALOGS = {lang: ROOT / "locale" / lang / "LC_MESSAGES" / "django.po" for lang in ("id", "en")}


def _ids(po):
    return {(e.msgctxt, e.msgid) for e in po if not e.obsolete}


@pytest.mark.parametrize("lang", CATALOGS)
def test_catalog_has_no_untranslated_or_fuzzy_entries(lang):
    po = polib.pofile(str(CATALOGS[lang]))
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []


def test_catalogs_hold_every_marked_string_of_the_code(tmp_path):
    """makemessages on a copy of the code finds no string the catalogs lack."""
    copy = tmp_path / "src"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(".venv", ".git", "*.mo", "__pycache__", "staticfiles", "db.sqlite3"),
    )
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "id",
            "--no-location",
            "--ignore=.venv",
            "--ignore=tests",
            "--ignore=bench",
            "-v0",
        ],
        cwd=copy,
        check=True,
    )
    fresh = polib.pofile(str(copy / "locale" / "id" / "LC_MESSAGES" / "django.po"))
    committed = {lang: polib.pofile(str(path)) for lang, path in CATALOGS.items()}
    for lang, po in committed.items():
        missing = _ids(fresh) - _ids(po)
        assert not missing, f"strings missing from locale/{lang}: {sorted(m[1] for m in missing)}"


def test_login_page_is_indonesian_even_for_an_english_browser(client, db):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "<h1>Masuk</h1>" in response.content.decode()


def test_user_switches_to_english_and_it_sticks(client_of, ayu, jakarta_dic):
    client = client_of(ayu)
    assert "DIC Anda hari ini" in client.get(reverse("home")).content.decode()
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    assert response.status_code == 302
    ayu.refresh_from_db()
    assert ayu.language == "en"
    assert "Your drop-in centres today" in client.get(reverse("home")).content.decode()


def test_language_switch_refuses_an_outside_next_url(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": "https://evil.example/"})
    assert response.url == "/"


def test_branch_dates_follow_the_branch_time_zone(db):
    from datetime import datetime, timezone as dt_timezone
    from unittest import mock

    from tests.factories import BranchFactory

    jayapura = BranchFactory(province="94", name="Papua")
    jakarta = BranchFactory(province="31", name="Jakarta")
    # 16:30 UTC on 31 Dec is already 1 Jan in Jayapura (UTC+9), still 31 Dec in Jakarta (UTC+7).
    moment = datetime(2025, 12, 31, 16, 30, tzinfo=dt_timezone.utc)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        assert jayapura.today().isoformat() == "2026-01-01"
        assert jakarta.today().isoformat() == "2025-12-31"
    assert jayapura.time_zone_label == "WIT"
    assert jayapura.region == "east"
