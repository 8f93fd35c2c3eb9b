"""A backup killed with ``kill -9`` at any moment leaves no readable dump on disk and no process
behind: the dump goes through pipes (pg_dump | gzip | gpg) whose processes die with the command."""

import os
import signal
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.factories import MemberFactory

ROOT = Path(__file__).resolve().parent.parent
CODE = "AAAA3010100"
PLAIN = (b"PGDMP", b"COPY ", b"INSERT INTO", CODE.encode())

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="the PostgreSQL backup (SQLite's copy is held in memory)",
)


def children(pid):
    """The processes started by ``pid`` and theirs."""
    found = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                found += [int(child), *children(int(child))]
    except OSError:
        pass
    return found


def alive(pid):
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def readable(data):
    """The bytes as they are, and gunzipped as far as they go (a compressed dump is readable too)."""
    yield data
    try:
        yield zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data)
    except zlib.error:
        pass


def readable_files(*folders):
    """Files under the folders that hold a plain dump's marks or a member's code."""
    hits = []
    for folder in folders:
        for path in Path(folder).rglob("*"):
            if path.is_file():
                for data in readable(path.read_bytes()):
                    hits += [f"{path.name}: {mark!r}" for mark in PLAIN if mark in data]
    return hits


@pytest.fixture
def keys(tmp_path):
    sys.path.insert(0, str(ROOT / "scripts"))
    import restore_drill

    work = tmp_path / "keys"
    work.mkdir(mode=0o700)
    offline, server, fingerprint, _signer = restore_drill.make_keys(work)
    yield server, fingerprint
    for home in (offline, server):
        subprocess.run(["gpgconf", "--homedir", str(home), "--kill", "gpg-agent"], capture_output=True)


@pytest.fixture
def filled(jakarta):
    """A member with a known code and enough rows that the dump takes a few seconds."""
    MemberFactory(branch=jakarta, uic=CODE)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE test_filler AS SELECT i, %s || md5(i::text) AS note FROM generate_series(1, 600000) i",
            [CODE],
        )
    yield
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE test_filler")


def start_backup(tmp_path, keys, stderr=subprocess.DEVNULL):
    server, fingerprint = keys
    db = settings.DATABASES["default"]
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        GNUPGHOME=str(server),
        BACKUP_GPG_RECIPIENT=fingerprint,
        BACKUP_GPG_SIGNER="",
        TMPDIR=str(tmp_path / "tmp"),
    )
    return subprocess.Popen(
        [sys.executable, "manage.py", "backup", "--dir", str(tmp_path / "backups")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=stderr,
    )


def wait_for(condition, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def partial_bytes(tmp_path):
    return sum(p.stat().st_size for p in (tmp_path / "backups").glob("*.partial"))


MOMENTS = {
    "as the pipeline starts": lambda tmp_path, pid: {"pg_dump", "gzip", "gpg"} <= {_name(c) for c in children(pid)},
    "with 1 MB encrypted": lambda tmp_path, pid: partial_bytes(tmp_path) > 1_000_000,
    "with 4 MB encrypted": lambda tmp_path, pid: partial_bytes(tmp_path) > 4_000_000,
}


def _name(pid):
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("moment", list(MOMENTS))
def test_a_backup_killed_leaves_nothing_readable_and_no_process(tmp_path, keys, filled, moment):
    (tmp_path / "tmp").mkdir()
    backup = start_backup(tmp_path, keys)
    seen = {}

    def reached():
        seen.update({pid: _name(pid) for pid in children(backup.pid)})
        return backup.poll() is not None or MOMENTS[moment](tmp_path, backup.pid)

    assert wait_for(reached), f"the backup never reached the moment {moment}"
    assert backup.poll() is None, "the backup ended before it could be killed (too few rows)"
    seen.update({pid: _name(pid) for pid in children(backup.pid)})
    assert set(seen.values()) >= {"pg_dump", "gzip", "gpg"}, seen
    os.kill(backup.pid, signal.SIGKILL)
    backup.wait()
    assert wait_for(lambda: not any(alive(pid) for pid in seen), seconds=5), [
        (pid, name) for pid, name in seen.items() if alive(pid)
    ]
    assert readable_files(tmp_path / "tmp", tmp_path / "backups") == []
    assert not list((tmp_path / "backups").glob("*.gpg"))  # never a whole-looking file


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_backup_stopped_by_a_signal_removes_its_unfinished_file_and_its_processes(tmp_path, keys, filled, signum):
    (tmp_path / "tmp").mkdir()
    backup = start_backup(tmp_path, keys, stderr=subprocess.PIPE)
    seen = {}

    def reached():
        seen.update({pid: _name(pid) for pid in children(backup.pid)})
        return backup.poll() is not None or partial_bytes(tmp_path) > 1_000_000

    assert wait_for(reached) and backup.poll() is None
    backup.send_signal(signum)
    _out, err = backup.communicate(timeout=30)
    assert backup.returncode != 0 and f"Stopped by {signal.Signals(signum).name}" in err.decode()
    assert not any(alive(pid) for pid in seen)
    assert sorted(p.name for p in (tmp_path / "backups").iterdir()) == [".lock"]  # nothing half-written kept
    assert readable_files(tmp_path / "tmp") == []


@pytest.fixture
def target_database():
    """A fresh, empty database beside the test one: the restore's target."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE DATABASE test_restore_target")
    yield "test_restore_target"
    connection.close()
    with connection.cursor() as cursor:
        cursor.execute("DROP DATABASE test_restore_target WITH (FORCE)")


def tables_in(database):
    import psycopg

    db = settings.DATABASES["default"]
    with psycopg.connect(host=db["HOST"], port=db["PORT"], user=db["USER"], dbname=database) as conn:
        return conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()[0]


def writing_into(database):
    """psql holds an open transaction in ``database`` (its BEGIN sent, its COMMIT not yet)."""
    import psycopg

    db = settings.DATABASES["default"]
    with psycopg.connect(host=db["HOST"], port=db["PORT"], user=db["USER"], dbname="postgres") as conn:
        return (
            conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND application_name = 'psql' "
                "AND xact_start IS NOT NULL",
                [database],
            ).fetchone()[0]
            > 0
        )


@pytest.mark.django_db(transaction=True)
def test_a_restore_killed_midway_leaves_the_target_empty_and_no_process(tmp_path, keys, filled, target_database):
    (tmp_path / "tmp").mkdir()
    backup = start_backup(tmp_path, keys)
    assert backup.wait(timeout=300) == 0
    manifest = next((tmp_path / "backups").glob("*.manifest.json"))
    offline = Path(keys[0]).parent / "gnupg-offline"
    db = settings.DATABASES["default"]
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{target_database}",
        GNUPGHOME=str(offline),
        BACKUP_GPG_SIGNER="",
        TMPDIR=str(tmp_path / "tmp"),
    )
    restore = subprocess.Popen(
        [sys.executable, "manage.py", "restore_backup", "--unsigned-i-know", str(manifest)],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    seen = {}

    def restoring():
        seen.update({pid: _name(pid) for pid in children(restore.pid)})
        return restore.poll() is not None or {"psql", "pg_restore", "gpg", "gzip"} <= set(seen.values())

    assert wait_for(restoring)
    # Killed as soon as psql's transaction is open in the target (rows being written, nothing
    # committed): a fixed pause let a fast machine commit the small test database first.
    assert wait_for(lambda: writing_into(target_database) or restore.poll() is not None)
    assert restore.poll() is None, "the restore ended before it could be killed (too few rows)"
    seen.update({pid: _name(pid) for pid in children(restore.pid)})
    os.kill(restore.pid, signal.SIGKILL)
    restore.wait()
    assert wait_for(lambda: not any(alive(pid) for pid in seen), seconds=5), [
        (pid, name) for pid, name in seen.items() if alive(pid)
    ]
    time.sleep(1)  # an orphan would still be writing
    assert tables_in(target_database) == 0
    assert readable_files(tmp_path / "tmp") == []
