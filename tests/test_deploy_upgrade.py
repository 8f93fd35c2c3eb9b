"""Install the previous release with scripts/install.sh, upgrade it to this tree with
scripts/upgrade.sh, then go back with `upgrade.sh --rollback`, as an administrator would.

On the PostgreSQL server of the test run (its superuser creates the app's role and database, as
`postgres` does on a real machine), in user mode under a temporary directory: the previous release
(deploy/PREVIOUS_RELEASE, from `git archive`) is installed, filled with the demo data and served
by gunicorn as the unit opsi-web.service starts it, with a memcached of its own; a coordinator
logs in. The upgrade must then keep every row, the coordinator's session (from the old code,
in the shared cache, read by the new one), her login and her pages; gunicorn's workers must run
the new release and its venv after the reload; the smoke test must pass. The rollback must bring
back the previous release and the database as the backup taken first holds it.
"""

import json
import os
import shlex
import subprocess  # nosec B404: git, our install and upgrade scripts, gunicorn
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.conf import settings

from tests.deployed import Browser, database_url, free_port, memcached, row_counts, stop, wait_for

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import restore_drill  # noqa: E402 (scripts/ is no package)

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql" or not os.environ.get("DATABASE_URL"),
    reason="runs in the PostgreSQL part (scripts/with-postgres.sh gives a server whose superuser makes roles)",
)

HOST = "opsi.test"
PAGES = ["/", "/members/", "/members/{member}/", "/visits/new/?member={member}", "/referrals/", "/outreach/"]
PAGES += ["/trainings/", "/reports/", "/cases/stuck/", "/incidents/"]
# Added to by the upgrade itself: the migrations it applies, the content types and permissions of
# new models, the figures keep_reports counts anew. Every other table keeps its rows, but for the
# kept figures of the previous release's own tables, dropped (counted anew into opsi.kept's).
UPGRADE_ADDS = {"django_migrations", "django_content_type", "auth_permission", "opsi_keptfact", "opsi_changenote"}
UPGRADE_DROPS = {"reports_keptreport", "reports_latechange", "services_keptquarter", "services_quarterchange"}


def run(command, env, timeout=600, **kwargs):
    began = time.monotonic()
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout, **kwargs)
    assert done.returncode == 0, f"{shlex.join(map(str, command))}\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    return done.stdout, time.monotonic() - began


def env_file(path):
    return dict(line.split("=", 1) for line in path.read_text().splitlines() if line and not line.startswith("#"))


def checkout(commit, directory):
    """The files of a commit (this tree's own commit for HEAD: not the changes a working tree holds)."""
    directory.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit], capture_output=True)
    assert archive.returncode == 0, f"commit {commit} is not in this clone (a shallow one? git fetch --unshallow)"
    archive = archive.stdout
    subprocess.run(["tar", "-x", "-C", str(directory)], input=archive, check=True)
    return directory


def unit_command(units, name, port, pidfile):
    """ExecStart of an installed unit, with the test's port and a pid file."""
    line = next(x for x in (units / name).read_text().splitlines() if x.startswith("ExecStart="))
    command = shlex.split(line.removeprefix("ExecStart="))
    command[command.index("--bind") + 1] = f"127.0.0.1:{port}"
    return [*command, "--pid", str(pidfile), "--log-level", "warning"]


def workers_of(pidfile):
    master = pidfile.read_text().strip()
    return subprocess.run(["pgrep", "-P", master], capture_output=True, text=True).stdout.split()


def venvs_mapped(pid, releases):
    """The releases whose venv a process has loaded libraries from."""
    maps = Path(f"/proc/{pid}/maps").read_text()
    return {release.name for release in releases.iterdir() if f"{release}/.venv/" in maps}


def test_previous_release_upgrades_and_rolls_back(tmp_path):
    previous = (ROOT / "deploy" / "PREVIOUS_RELEASE").read_text().split()[0]
    figures = {}
    old_tree, new_tree = checkout(previous, tmp_path / "previous-release"), checkout("HEAD", tmp_path / "this-release")

    keys = tmp_path / "keys"
    keys.mkdir(mode=0o700)
    offline, server_keyring, fingerprint, _ = restore_drill.make_keys(keys)
    private_key = tmp_path / "opsi-backup-PRIVATE.asc"
    private_key.write_bytes(
        subprocess.run(
            ["gpg", "--batch", "--armor", "--export-secret-keys", fingerprint],
            env={**os.environ, "GNUPGHOME": str(offline)},
            capture_output=True,
            check=True,
        ).stdout
    )
    app_keyring = tmp_path / "gnupg-app"
    app_keyring.mkdir(mode=0o700)

    admin_url = os.environ["DATABASE_URL"]  # the superuser of the throwaway server
    port = admin_url.rsplit(":", 1)[1].split("/")[0]
    home, settings_file, units, pidfile = (
        tmp_path / "srv",
        tmp_path / "env",
        tmp_path / "units",
        tmp_path / "gunicorn.pid",
    )
    web_port = free_port()
    base_env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "OPSI_", "PYTEST")) and k != "DATABASE_URL"
    }
    with memcached() as cache_url:
        script_env = {
            **base_env,
            "OPSI_MODE": "user",
            "OPSI_HOME": str(home),
            "OPSI_ENV_FILE": str(settings_file),
            "OPSI_UNIT_DIR": str(units),
            "OPSI_PG_ADMIN_URL": admin_url,
            "OPSI_DB_PORT": port,
            "OPSI_DB_NAME": "opsi_deploy",
            "OPSI_DB_USER": "opsi_deploy",
            "OPSI_UV": str(ROOT / ".venv" / "bin" / "uv"),  # its cache holds the wheels: nothing downloaded
            "OPSI_BIND": f"127.0.0.1:{web_port}",
            "OPSI_RELOAD": f"pidfile:{pidfile}",
            "OPSI_CACHE_URL": cache_url,
            "OPSI_ENV_EXTRA": f"GNUPGHOME={app_keyring}",
        }
        out, figures["install"] = run(
            [
                "bash",
                ROOT / "scripts/install.sh",
                "--source",
                old_tree,
                "--host",
                HOST,
                "--backup-key",
                keys / "backup-public.asc",
                "--no-system-deps",
            ],
            {**script_env, "OPSI_SOURCE_COMMIT": previous[:12]},
        )
        assert settings_file.stat().st_mode & 0o777 == 0o600
        app = env_file(settings_file)
        assert app["BACKUP_GPG_RECIPIENT"] == fingerprint and len(app["BACKUP_GPG_SIGNER"]) == 40
        assert app["DATABASE_URL"].startswith("postgres://opsi_deploy:")
        old_release = (home / "current").resolve()

        # The app's role: owns its database, may not make roles or databases, is no superuser.
        import psycopg

        with psycopg.connect(admin_url, autocommit=True) as db:
            role = db.execute(
                "SELECT rolsuper, rolcreatedb, rolcreaterole, rolconfig FROM pg_roles WHERE rolname = 'opsi_deploy'"
            ).fetchone()
            owner = db.execute(
                "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'opsi_deploy'"
            ).fetchone()[0]
        assert role[:3] == (False, False, False) and owner == "opsi_deploy"
        assert "log_min_error_statement=panic" in role[3]
        assert set(p.name for p in units.iterdir()) >= {"opsi-web.service", "opsi-worker.service", "opsi-backup.timer"}

        # The demo data, loaded by the previous release (seed_demo refuses production settings).
        demo_env = {**base_env, **app, "DJANGO_ENV": "development", "DEBUG": "on"}
        _, figures["demo"] = run(
            [old_release / ".venv/bin/python", "manage.py", "seed_demo"], demo_env, cwd=old_release
        )

        web = subprocess.Popen(
            unit_command(units, "opsi-web.service", web_port, pidfile),
            cwd=home / "current",
            env={**base_env, **app},
            start_new_session=True,
        )
        origin = f"http://127.0.0.1:{web_port}"
        try:
            wait_for(lambda: pidfile.exists() and len(workers_of(pidfile)) == 2, "gunicorn's two workers")
            app_url = database_url(admin_url, "opsi_deploy")
            with psycopg.connect(app_url) as db:
                member = db.execute(
                    "SELECT m.id FROM members_member m JOIN members_branch b ON b.id = m.branch_id "
                    "WHERE b.name ILIKE '%jakarta%' ORDER BY m.id LIMIT 1"
                ).fetchone()[0]
            pages = [p.format(member=member) for p in PAGES]

            coordinator = Browser(HOST)
            assert coordinator.log_in(origin, "koordinator.jakarta").status_code == 302
            before_pages = {p: coordinator.get(origin, p).status_code for p in pages}
            assert set(before_pages.values()) == {200}, before_pages
            before = row_counts(app_url)
            assert before["members_member"] > 50 and before["services_visit"] > 500, before

            # The upgrade, to this tree.
            head = subprocess.run(
                ["git", "-C", ROOT, "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True
            )
            out, figures["upgrade"] = run(
                ["bash", ROOT / "scripts/upgrade.sh", "--source", new_tree],
                {**script_env, "OPSI_SOURCE_COMMIT": head.stdout.strip()},
            )
            assert "gunicorn's workers run" in out and "/healthz/ready: ready" in out
            assert "/login/: 200 with its form" in out and "--rollback" in out, out
            after = row_counts(app_url)
            new_release = (home / "current").resolve()
            assert new_release != old_release and (home / "previous").resolve() == old_release
            lost = {
                t: (n, after.get(t))
                for t, n in before.items()
                if after.get(t) != n and not (t in UPGRADE_ADDS and after.get(t, 0) >= n) and t not in UPGRADE_DROPS
            }
            assert not lost, f"rows changed by the upgrade: {lost}"
            for worker in workers_of(pidfile):
                assert venvs_mapped(worker, home / "releases") == {new_release.name}
            manifest = json.loads(next((home / "backups").glob("opsi-manual-*.manifest.json")).read_text())
            assert manifest["tables"] == {t: before[t] for t in manifest["tables"]}  # the backup taken first

            # Her session, made by the old code, is read by the new one; she logs in again; pages answer.
            assert coordinator.logged_in(origin)
            assert {p: coordinator.get(origin, p).status_code for p in pages} == before_pages
            again = Browser(HOST)
            assert again.log_in(origin, "koordinator.jakarta").status_code == 302 and again.logged_in(origin)

            # Back: the previous release, the database of the backup taken first.
            out, figures["rollback"] = run(
                ["bash", ROOT / "scripts/upgrade.sh", "--rollback", "--key", private_key],
                {**script_env, "BACKUP_GPG_PASSPHRASE": ""},
            )
            assert (home / "current").resolve() == old_release
            assert "/healthz/ready: ready" in out and "is kept as opsi_deploy_upgraded_" in out, out
            back = row_counts(app_url)
            assert back == before, {t: (n, back.get(t)) for t, n in before.items() if back.get(t) != n}
            # The cache was emptied with the database: a login made after the backup is gone, one from
            # before it (in the backup) lives on.
            assert coordinator.logged_in(origin) and not again.logged_in(origin)
            for worker in workers_of(pidfile):
                assert venvs_mapped(worker, home / "releases") == {old_release.name}
            third = Browser(HOST)
            assert third.log_in(origin, "koordinator.jakarta").status_code == 302
            assert {p: third.get(origin, p).status_code for p in pages} == before_pages
            assert not list(Path(tempfile.gettempdir()).glob("opsi-rollback-gnupg.*")), "the restore's keyring stayed"
        finally:
            stop(web)
            for keyring in (offline, server_keyring, app_keyring):
                subprocess.run(["gpgconf", "--homedir", str(keyring), "--kill", "gpg-agent"], capture_output=True)
    print(", ".join(f"{step} {seconds:.1f} s" for step, seconds in figures.items()))
