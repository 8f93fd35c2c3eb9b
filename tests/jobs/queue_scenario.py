"""The other processes of tests/jobs/test_worker_process.py, on a database of their own.

    python -m tests.jobs.queue_scenario ask MEMBERS    # a coordinator, her branch's members, an XLSX export asked
    python -m tests.jobs.queue_scenario state JOB_ID   # the job and its tasks, as JSON
    python -m tests.jobs.queue_scenario wait JOB_ID running|finished SECONDS [PGID]  # its state once so
                                                       # (and PGID's processes killed at that moment)

Run with DATABASE_URL pointing at a migrated database; the default task backend (the database)
keeps the job waiting until a worker (``manage.py db_worker``) takes it.
"""

import datetime
import io
import json
import os
import sys


def ask(members):
    from members.models import Member
    from opsi import jobs
    from opsi.models import User
    from opsi.tenant import Branch

    branch = Branch.objects.create(province="31", name="Jakarta")
    user = User.objects.create(username="ayu", role=User.Role.COORDINATOR)
    user.branches.set([branch])
    joined = datetime.date(2024, 1, 15)
    Member.objects.bulk_create(
        Member(
            branch=branch,
            uic=f"SIBU{n:07d}",
            alias=f"Mawar {n}",
            kind="regular",
            gender="woman",
            birth_year=1990,
            work_setting="street",
            joined_on=joined,
            consent_on=joined,
        )
        for n in range(members)
    )
    job, _ = jobs.request_job(user, "member_export", {"format": "xlsx", "query": ""})
    print(job.pk)


def wait(job_id, awaited, seconds, kill=None):
    """Ask every 50 ms until the job is being made (and has said how far) or has finished;
    then, if asked, SIGKILL the process group ``kill`` at once (a worker in the middle of it)."""
    import signal
    import time

    from opsi.jobs import Job

    deadline = time.monotonic() + float(seconds)
    while time.monotonic() < deadline:
        job = Job.objects.get(pk=job_id)
        if (awaited == "running" and job.state == "running" and job.progress > 0) or (
            awaited == "finished" and job.finished
        ):
            if kill:
                os.killpg(int(kill), signal.SIGKILL)
            break
        time.sleep(0.05)
    state(job_id)


def state(job_id):
    import openpyxl
    from django_tasks_db.models import DBTaskResult

    from opsi.jobs import Job

    job = Job.objects.filter(pk=job_id).first()
    tasks = list(DBTaskResult.objects.order_by("enqueued_at").values("id", "status", "worker_ids"))
    content = job.content() if job else None
    rows = None
    if content is not None:
        rows = sum(1 for _ in openpyxl.load_workbook(io.BytesIO(content), read_only=True).active.iter_rows()) - 1
    print(
        json.dumps(
            {
                "jobs": Job.objects.count(),
                "state": job and job.state,
                "attempts": job and job.attempts,
                "progress": job and job.progress,
                "rows": rows,
                "tasks": [{"status": t["status"], "workers": t["worker_ids"]} for t in tasks],
            }
        )
    )


if __name__ == "__main__":
    sys.path.insert(0, os.getcwd())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opsi.settings")
    import django

    django.setup()
    commands = {
        "ask": lambda: ask(int(sys.argv[2])),
        "state": lambda: state(sys.argv[2]),
        "wait": lambda: wait(*sys.argv[2:6]),
    }
    commands[sys.argv[1]]()
