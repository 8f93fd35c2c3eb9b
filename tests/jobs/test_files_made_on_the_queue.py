"""A file asked for on a page: made on the queue, offered on its progress page, fetched by
the one who asked, while they may still see what it holds, audited, encrypted, then deleted.

Here the queue is the database backend and the worker's part (``opsi.jobs.run``, what the
task does) is called in the test; tests/jobs/test_worker_process.py runs real workers."""

import csv
import io
import uuid
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from opsi import jobs
from opsi.jobs import Job
from opsi.models import User
from tests.downloads import ask
from tests.factories import MemberFactory, UserFactory


@pytest.fixture
def on_the_queue(settings):
    """Files wait for a worker, as on a server."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def members(jakarta, bali):
    MemberFactory(branch=jakarta, alias="Mawar", uic="SIBU2150390")
    MemberFactory(branch=bali, alias="Kamboja", uic="DEAG3010195")


def _job(response):
    assert response.status_code == 302 and response.url.startswith("/files/"), response
    return Job.objects.get(pk=response.url.split("/")[2])


def _csv(content):
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def test_the_export_waits_for_a_worker_then_is_offered_then_fetched(client_of, ayu, members, on_the_queue):
    client = client_of(ayu)
    job = _job(ask(client, reverse("member_export", args=["csv"])))
    assert job.state == Job.State.QUEUED and DBTaskResult.objects.get().status == "READY"

    waiting = client.get(reverse("job_progress", args=[job.pk])).content.decode()
    assert "Waiting for a worker" in waiting or "Menunggu pekerja latar" in waiting
    assert 'src="/static/js/job.js"' in waiting and 'data-state="queued"' in waiting  # it asks again by itself
    assert f'href="{reverse("job_progress", args=[job.pk])}"' in waiting  # or by hand, without script
    assert client.get(reverse("job_file", args=[job.pk])).status_code == 404  # nothing to fetch yet

    jobs.run(str(job.pk))  # the worker's part

    ready = client.get(reverse("job_progress", args=[job.pk])).content.decode()
    assert reverse("job_file", args=[job.pk]) in ready and 'data-state="done"' in ready
    response = client.get(reverse("job_file", args=[job.pk]))
    assert response["Content-Disposition"].startswith('attachment; filename="members-')
    assert [row["alias"] for row in _csv(response.content)] == ["Mawar"]
    assert "no-store" in response["Cache-Control"]
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS, actor=ayu)
    assert entry.additional_data["what"] == "export members" and entry.additional_data["rows"] == 1
    assert entry.additional_data["scope"] == "Jakarta"


def test_the_same_form_sent_twice_or_the_same_file_asked_again_makes_one_job(client_of, ayu, members, on_the_queue):
    client = client_of(ayu)
    key = uuid.uuid4()
    first = _job(ask(client, reverse("member_export", args=["csv"]), key=key))
    again = _job(ask(client, reverse("member_export", args=["csv"]), key=key))
    reloaded = _job(ask(client, reverse("member_export", args=["csv"])))  # a new page, the same file
    assert first == again == reloaded
    # The other button of the same page is another file.
    excel = _job(ask(client, reverse("member_export", args=["xlsx"]), key=key))
    assert excel != first
    assert Job.objects.count() == 2 and DBTaskResult.objects.count() == 2


def test_another_user_s_submission_key_is_refused(client_of, ayu, bunga, members, on_the_queue):
    key = uuid.uuid4()
    _job(ask(client_of(bunga), reverse("member_export", args=["csv"]), key=key))
    assert ask(client_of(ayu), reverse("member_export", args=["csv"]), key=key).status_code == 403
    assert Job.objects.count() == 1


def test_the_file_is_encrypted_at_rest_and_unreadable_with_other_keys(client_of, ayu, members, settings):
    job = _job(ask(client_of(ayu), reverse("member_export", args=["csv"])))
    with connection.cursor() as cursor:
        cursor.execute("SELECT sealed_content FROM opsi_job")
        (stored,) = cursor.fetchone()
    assert "Mawar" not in stored and "SIBU2150390" not in stored
    assert job.size > 0 and len(stored) > job.size
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    assert client_of(ayu).get(reverse("job_file", args=[job.pk])).status_code == 404


def test_the_file_is_refused_once_its_asker_no_longer_sees_a_branch_it_holds(client_of, jakarta, bali, members):
    coordinator = UserFactory(username="wulan", role=User.Role.COORDINATOR, branches=[jakarta, bali])
    client = client_of(coordinator)
    job = _job(ask(client, reverse("member_export", args=["csv"])))
    assert sorted(r["alias"] for r in _csv(client.get(reverse("job_file", args=[job.pk])).content)) == [
        "Kamboja",
        "Mawar",
    ]
    coordinator.branches.set([jakarta])
    assert client.get(reverse("job_file", args=[job.pk])).status_code == 403
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor=coordinator).count() == 1


def test_a_report_file_is_refused_once_its_scope_is_no_longer_the_asker_s(client_of, jakarta, bali, members):
    coordinator = UserFactory(username="wulan", role=User.Role.COORDINATOR, branches=[jakarta, bali])
    client = client_of(coordinator)
    query = {"definition": "btg", "period_kind": "year", "year": "2025", "scope": f"branch:{bali.pk}"}
    job = _job(ask(client, reverse("report_download", args=["csv"]), query))
    assert client.get(reverse("job_file", args=[job.pk])).status_code == 200
    coordinator.branches.set([jakarta])
    assert client.get(reverse("job_file", args=[job.pk])).status_code == 403


def test_the_file_expires_after_its_hour_and_is_deleted(client_of, ayu, members):
    client = client_of(ayu)
    job = _job(ask(client, reverse("member_export", args=["csv"])))
    assert job.expires_at - job.finished_at == timedelta(hours=1)
    Job.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(reverse("job_file", args=[job.pk])).status_code == 404
    page = client.get(reverse("job_progress", args=[job.pk])).content.decode()
    assert "deleted" in page or "dihapus" in page
    call_command("apply_retention", stdout=io.StringIO())
    assert not Job.objects.exists()


def test_a_job_whose_worker_stopped_goes_back_on_the_queue_and_the_late_answer_is_dropped(
    client_of, ayu, members, on_the_queue, settings
):
    job = _job(ask(client_of(ayu), reverse("member_export", args=["csv"])))
    lost = jobs._claim(str(job.pk))  # a worker took it, then went silent
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(seconds=settings.JOB_STALE_SECONDS))
    DBTaskResult.objects.update(status="RUNNING")

    assert jobs.requeue_abandoned() == 1
    job.refresh_from_db()
    assert job.state == Job.State.QUEUED
    assert sorted(DBTaskResult.objects.values_list("status", flat=True)) == ["FAILED", "READY"]

    jobs.run(str(job.pk))  # another worker makes it
    jobs._finish(str(job.pk), lost, Job.State.DONE, jobs.JobFile(b"late", "late.csv", "text/csv"))  # the lost one wakes
    job.refresh_from_db()
    assert job.state == Job.State.DONE and job.attempts == 2 and job.file_name.startswith("members-")
    assert job.content() != b"late"


def test_a_job_whose_workers_keep_stopping_fails_and_says_so(client_of, ayu, members, on_the_queue, settings):
    client = client_of(ayu)
    job = _job(ask(client, reverse("member_export", args=["csv"])))
    for _ in range(settings.JOB_ATTEMPTS):
        jobs._claim(str(job.pk))
        Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=5))
        jobs.requeue_abandoned()
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    page = client.get(reverse("job_progress", args=[job.pk])).content.decode()
    assert "could not be made" in page or "gagal dibuat" in page


def test_the_progress_page_asks_the_same_few_queries_for_any_export(
    client_of, ayu, jakarta, django_assert_max_num_queries
):
    client = client_of(ayu)
    MemberFactory.create_batch(30, branch=jakarta)
    job = _job(ask(client, reverse("member_export", args=["xlsx"])))
    with django_assert_max_num_queries(6):
        assert client.get(reverse("job_progress", args=[job.pk])).status_code == 200
