"""README's restore steps, followed literally on a machine that has only the environment file,
the backup files and the two exported keys, restore a good backup."""

import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
README_MANIFEST = "/backups/opsi/opsi-2026-12-01-021500.manifest.json"

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql",
    reason="runs in the SQLite part (the PostgreSQL restore is the drill's)",
)


def readme_restore_steps():
    """The shell block of README's restore, as written there."""
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```sh\n(.*?)```", readme, flags=re.S)
    return next(block for block in blocks if "restore_backup --check" in block)


def gpg(home, *args):
    return subprocess.run(
        ["gpg", "--batch", *args], env={**os.environ, "GNUPGHOME": str(home)}, check=True, capture_output=True
    ).stdout


def test_the_readme_restore_steps_restore_a_good_backup(tmp_path):
    sys.path.insert(0, str(ROOT / "scripts"))
    import restore_drill

    work = tmp_path / "keys"
    work.mkdir(mode=0o700)
    offline, server, fingerprint, signer = restore_drill.make_keys(work)
    new_machine = tmp_path / "gnupg-new"
    new_machine.mkdir(mode=0o700)
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}}
    try:
        # The server: a database with a member, backed up as the nightly timer does.
        source = tmp_path / "source.sqlite3"
        server_env = {
            **env,
            "DATABASE_URL": f"sqlite:///{source}",
            "GNUPGHOME": str(server),
            "BACKUP_GPG_RECIPIENT": fingerprint,
            "BACKUP_GPG_SIGNER": signer,
        }
        run = {"cwd": ROOT, "capture_output": True, "text": True, "timeout": 300}
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], env=server_env, check=True, **run)
        backups = tmp_path / "backups"
        made = subprocess.run(
            [sys.executable, "manage.py", "backup", "--nightly", "--dir", str(backups)], env=server_env, **run
        )
        assert made.returncode == 0 and made.stderr == "", made.stderr
        manifest = next(backups.glob("opsi-*.manifest.json"))
        assert not manifest.name.startswith("opsi-manual-")

        # What README says to bring to the new machine: the keys exported, the environment file.
        (tmp_path / "opsi-backup-PRIVATE.asc").write_bytes(gpg(offline, "--armor", "--export-secret-keys", fingerprint))
        (tmp_path / "opsi-server-signing.asc").write_bytes(gpg(server, "--armor", "--export", signer))
        target = tmp_path / "restored.sqlite3"
        env_file = tmp_path / "env"
        env_file.write_text(
            f"DATABASE_URL=sqlite:///{target}\nBACKUP_GPG_RECIPIENT={fingerprint}\nBACKUP_GPG_SIGNER={signer}\n"
        )
        steps = (
            readme_restore_steps()
            .replace("/etc/opsi/env", str(env_file))
            .replace(README_MANIFEST, str(manifest))
            .replace("<the backup key's fingerprint>", fingerprint)
            .replace("opsi-backup-PRIVATE.asc", str(tmp_path / "opsi-backup-PRIVATE.asc"))
            .replace("opsi-server-signing.asc", str(tmp_path / "opsi-server-signing.asc"))
            .replace(".venv/bin/python", sys.executable)
        )
        restored = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", steps],
            env={**env, "GNUPGHOME": str(new_machine)},
            stdin=subprocess.DEVNULL,
            **run,
        )
        out = restored.stdout + restored.stderr
        assert restored.returncode == 0, out[-3000:]
        assert "Sound:" in out and "every count as in the manifest" in out
        with sqlite3.connect(target) as db:
            tables = json.loads(manifest.read_text())["tables"]
            assert {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables} == tables
        assert b"sec" not in gpg(new_machine, "--with-colons", "--list-secret-keys")  # the private key left again
    finally:
        for home in (offline, server, new_machine):
            subprocess.run(["gpgconf", "--homedir", str(home), "--kill", "gpg-agent"], capture_output=True)
