"""Real workers (``manage.py db_worker``) on SQLite and on PostgreSQL: a worker killed with
SIGKILL in the middle of an export leaves its job to the next worker, which makes the file
once; nothing is left behind (no second file, no task still "running", nothing on disk).

PostgreSQL runs when DATABASE_URL names one (``bash scripts/with-postgres.sh ...``)."""

import contextlib
import json
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
MEMBERS = 10_000  # an XLSX export of some seconds: time to be killed in the middle


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    """The URL of a fresh, migrated database of that kind."""
    server = os.environ.get("DATABASE_URL", "")
    if request.param == "sqlite":
        if server.startswith("postgres"):
            pytest.skip("run in the SQLite part of the suite")
        url = f"sqlite:///{tmp_path / 'queue.sqlite3'}"
        dropped = None
    else:
        if not server.startswith("postgres"):
            pytest.skip("no PostgreSQL here (run under scripts/with-postgres.sh)")
        import psycopg

        name = f"opsi_queue_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        url = server.rsplit("/", 1)[0] + "/" + name

        def dropped():
            with psycopg.connect(server, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    env = _env(url, tmp_path)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    yield url
    if dropped:
        dropped()


def _env(url, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "TASKS_BACKEND")}
    worker_tmp = tmp_path / "worker-tmp"
    worker_tmp.mkdir(exist_ok=True)
    env.update(
        DATABASE_URL=url,
        JOB_HEARTBEAT_SECONDS="0.3",
        JOB_STALE_SECONDS="2",
        TMPDIR=str(worker_tmp),  # what a worker writes to disk, it writes here
        AXES_ENABLED="false",
    )
    return env


def _scenario(env, *args):
    result = subprocess.run(
        [sys.executable, "-m", "tests.jobs.queue_scenario", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.strip().splitlines()[-1]


def _worker(env):
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", "0.2", "--no-startup-delay", "-v0"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def _wait_for(env, job_id, awaited, seconds, kill=None):
    return json.loads(_scenario(env, "wait", job_id, awaited, str(seconds), *([str(kill)] if kill else [])))


def test_a_killed_worker_s_export_is_made_once_by_the_next_worker(database, tmp_path):
    env = _env(database, tmp_path)
    job_id = _scenario(env, "ask", str(MEMBERS))
    waiting = json.loads(_scenario(env, "state", job_id))
    assert waiting["state"] == "queued" and waiting["tasks"] == [{"status": "READY", "workers": []}]

    first = _worker(env)
    try:
        # Killed the moment it has said how far it is: in the middle of the export.
        running = _wait_for(env, job_id, "running", 120, kill=first.pid)
        assert running["state"] == "running", running
    finally:
        with contextlib.suppress(ProcessLookupError):  # killed already, unless the wait failed
            os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
    killed = json.loads(_scenario(env, "state", job_id))
    assert killed["state"] == "running" and killed["attempts"] == 1 and killed["rows"] is None

    second = _worker(env)
    try:
        done = _wait_for(env, job_id, "finished", 240)
    finally:
        second.send_signal(signal.SIGTERM)  # a worker stops when its task is done
        assert second.wait(timeout=30) == 0, second.stderr.read().decode()[-2000:]

    assert done["state"] == "done"
    assert done["attempts"] == 2
    assert done["jobs"] == 1 and done["rows"] == MEMBERS
    # The killed worker's task says it failed (not "running" for ever); the retry succeeded
    # on the other worker.
    statuses = [task["status"] for task in done["tasks"]]
    assert statuses == ["FAILED", "SUCCESSFUL"], done["tasks"]
    assert done["tasks"][0]["workers"] != done["tasks"][1]["workers"]
    # No process of the first worker is left, and no worker left a file on disk.
    with pytest.raises(ProcessLookupError):
        os.killpg(first.pid, 0)
    assert list((tmp_path / "worker-tmp").iterdir()) == []
