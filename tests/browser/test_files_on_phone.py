"""A file asked for on a phone (360 px): the export button, the progress page that says it
waits for a worker and reloads itself (no script), a real worker (``manage.py db_worker``) that
makes the file, then the download; and the report's PDF the same way."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from tests.factories import MemberFactory

from .pages import axe_findings, branch_records, screenshot, url_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def worker_for(live_server, settings):
    """``start()``: a real worker on the test database; the live server puts files on the queue."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    db = django_settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("a worker process reaches the test database on PostgreSQL only")
    url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "TASKS_BACKEND")}
    env.update(DATABASE_URL=url, JOB_HEARTBEAT_SECONDS="0.5", AXES_ENABLED="false")
    started = []

    def start():
        command = [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", "0.2", "-v0"]
        started.append(subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True))

    yield start
    for worker in started:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)


def test_an_export_asked_on_a_phone_waits_for_the_worker_then_downloads(
    live_server, phone, phone_of, ayu, jakarta, bali, worker_for
):
    MemberFactory(branch=jakarta, alias="Mawar", uic="SIBU2150390")
    MemberFactory(branch=bali, alias="Kamboja", uic="DEAG3010195")
    phone_of(ayu)
    phone.goto(live_server.url + reverse("member_list"))
    phone.get_by_role("button", name="Ekspor CSV").click()
    phone.wait_for_url("**/files/*/")
    state = phone.locator("#job-state")
    assert "Menunggu pekerja latar" in state.inner_text()
    screenshot(phone, "file-waiting")
    assert axe_findings(phone) == []

    worker_for()  # the page reloads itself until the worker has made the file
    download_link = phone.get_by_role("link", name="Unduh members-")
    download_link.wait_for(timeout=60_000)
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    screenshot(phone, "file-ready")
    assert axe_findings(phone) == []
    with phone.expect_download() as downloaded:
        download_link.click()
    text = Path(downloaded.value.path()).read_text(encoding="utf-8-sig")
    assert "Mawar" in text and "Kamboja" not in text
    assert downloaded.value.suggested_filename.startswith("members-")


def test_a_report_pdf_asked_on_a_phone_arrives(live_server, phone, phone_of, ayu, jakarta_dic, catalogue, worker_for):
    records = branch_records(jakarta_dic.branch, jakarta_dic, ayu)
    worker_for()
    phone_of(ayu)
    phone.goto(live_server.url + url_of("report_page", None, records))
    phone.get_by_role("button", name="PDF bahasa Indonesia").click()
    phone.wait_for_url("**/files/*/")
    download_link = phone.get_by_role("link", name="Unduh btg-")
    download_link.wait_for(timeout=90_000)
    with phone.expect_download() as downloaded:
        download_link.click()
    assert Path(downloaded.value.path()).read_bytes().startswith(b"%PDF")
