"""Backups restore: the drill (demo data, backup, damaged copies refused, restore into an empty
database, every count, the donor report, the vault and the pages checked), and the retention."""

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from opsi.backups import backups_in, prune

ROOT = Path(__file__).resolve().parent.parent
ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def _env(**extra):
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}}
    return {**env, **extra}


@pytest.mark.skipif(not ON_POSTGRESQL, reason="the PostgreSQL drill runs in the PostgreSQL part")
def test_restore_drill_on_postgresql_restores_every_record_into_a_fresh_cluster():
    result = subprocess.run(
        ["bash", "scripts/restore-drill.sh"], cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=600
    )
    out = result.stdout + result.stderr
    assert result.returncode == 0, out[-4000:]
    assert "drill passed" in out
    for refused in (
        "truncated: Refused",
        "tampered: Refused",
        "tampered, manifest redone: Refused",
        "forged with the public key: Refused",
        "edited manifest: Refused",
        "server keyring: Refused",
        "tampered, manifest redone, unsigned: Refused",
        "forged, no signer set: Refused: BACKUP_GPG_SIGNER is not set",
        "other vault keys: Refused",
        "another installation: Refused",
        "passphrase on the command line: Refused",
    ):
        assert refused in out


@pytest.mark.skipif(ON_POSTGRESQL, reason="the SQLite drill runs in the SQLite part")
def test_restore_drill_on_sqlite_restores_every_record_into_an_empty_file(tmp_path):
    env = _env(
        DRILL_SOURCE_URL=f"sqlite:///{tmp_path / 'source.sqlite3'}",
        DATABASE_URL=f"sqlite:///{tmp_path / 'restored.sqlite3'}",
    )
    result = subprocess.run(
        [sys.executable, "scripts/restore_drill.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    out = result.stdout + result.stderr
    assert result.returncode == 0, out[-4000:]
    assert "drill passed" in out and "truncated: Refused" in out and "other vault keys: Refused" in out


def test_backup_refuses_to_run_with_the_private_key_on_the_server(tmp_path):
    home = tmp_path / "gnupg"
    home.mkdir(mode=0o700)
    gpg_env = {**os.environ, "GNUPGHOME": str(home)}
    try:
        subprocess.run(
            [
                "gpg",
                "--batch",
                "--passphrase",
                "",
                "--quick-gen-key",
                "Server <s@example.invalid>",
                "default",
                "default",
                "never",
            ],
            env=gpg_env,
            check=True,
            capture_output=True,
        )
        env = _env(
            GNUPGHOME=str(home),
            BACKUP_GPG_RECIPIENT="s@example.invalid",
            DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        )
        result = subprocess.run(
            [sys.executable, "manage.py", "backup", "--dir", str(tmp_path / "b")],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        subprocess.run(["gpgconf", "--homedir", str(home), "--kill", "gpg-agent"], capture_output=True)
    assert result.returncode != 0 and "private key" in result.stderr
    assert not list((tmp_path / "b").glob("*.gpg")) if (tmp_path / "b").exists() else True


def test_backup_refuses_to_run_without_a_recipient(tmp_path):
    env = _env(BACKUP_GPG_RECIPIENT="", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    result = subprocess.run(
        [sys.executable, "manage.py", "backup", "--dir", str(tmp_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0 and "BACKUP_GPG_RECIPIENT" in result.stderr


def _fake_backup(directory, when, kind="nightly"):
    stem = f"opsi-{when:%Y-%m-%d-%H%M%S}" if kind == "nightly" else f"opsi-manual-{when:%Y-%m-%d-%H%M%S}"
    (directory / f"{stem}.sqlite3.gz.gpg").write_bytes(b"x")
    (directory / f"{stem}.manifest.json").write_text(
        json.dumps({"created_at": when.isoformat(), "file": f"{stem}.sqlite3.gz.gpg", "kind": kind})
    )


def test_retention_keeps_every_nightly_copy_of_the_last_days_and_the_newest_of_the_last_months(tmp_path):
    start = datetime.datetime(2026, 1, 1, 2, 0, tzinfo=datetime.UTC)
    for day in range(120):  # four months of nightly backups, two on the last day
        _fake_backup(tmp_path, start + datetime.timedelta(days=day))
    _fake_backup(tmp_path, start + datetime.timedelta(days=119, hours=12))
    prune(tmp_path, keep_daily=7, keep_monthly=3)
    kept = [created for created, _path, _manifest in backups_in(tmp_path)]
    last = start + datetime.timedelta(days=119, hours=12)
    daily = [last] + [start + datetime.timedelta(days=d) for d in range(119, 112, -1)]
    monthly = [
        datetime.datetime(2026, m, 28 if m == 2 else {3: 31, 1: 31}.get(m, 30), 2, 0, tzinfo=datetime.UTC)
        for m in (3, 2)
    ]
    assert kept == daily + monthly
    assert len(list(tmp_path.glob("*.gpg"))) == len(kept)  # the files went with their manifests


def test_a_manual_backup_is_kept_and_never_costs_the_nights_copy(tmp_path):
    start = datetime.datetime(2026, 1, 1, 2, 0, tzinfo=datetime.UTC)
    for day in range(10):
        _fake_backup(tmp_path, start + datetime.timedelta(days=day))
    before_upgrade = start + datetime.timedelta(days=9, hours=10)
    old_manual = start + datetime.timedelta(days=1, hours=10)
    _fake_backup(tmp_path, before_upgrade, kind="manual")
    _fake_backup(tmp_path, old_manual, kind="manual")
    prune(tmp_path, keep_daily=3, keep_monthly=0)
    kept = [created for created, _path, _manifest in backups_in(tmp_path)]
    nights = [start + datetime.timedelta(days=d) for d in (9, 8, 7)]
    assert kept == [before_upgrade, *nights, old_manual]


def test_a_backup_is_named_manual_unless_cron_says_nightly():
    from opsi.management.commands.backup import Command

    parser = Command().create_parser("manage.py", "backup")
    assert parser.parse_args([]).nightly is False and parser.parse_args(["--nightly"]).nightly is True


@pytest.mark.parametrize("named_by", ["fingerprint", "e-mail"])
def test_a_manifest_signed_by_the_servers_key_is_accepted_however_the_setting_names_it(tmp_path, monkeypatch, named_by):
    """BACKUP_GPG_SIGNER may name the key as gpg takes it for signing; a restore resolves it the
    same way, and a signature by any other key is refused."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import restore_drill

    from opsi import backups

    work = tmp_path / "keys"
    work.mkdir(mode=0o700)
    offline, server, encrypt_to, signer = restore_drill.make_keys(work)
    try:
        manifest = tmp_path / "opsi.manifest.json"
        manifest.write_text('{"rows": 1}')
        monkeypatch.setenv("GNUPGHOME", str(server))
        backups._sign(backups._gpg(), manifest, signer)
        monkeypatch.setenv("GNUPGHOME", str(offline))
        setting = signer if named_by == "fingerprint" else "server@example.invalid"
        backups.check_signature(manifest, setting)  # accepted
        with pytest.raises(backups.BackupError, match="not a good one"):
            backups.check_signature(manifest, encrypt_to)  # the backup key did not sign it
    finally:
        for home in (offline, server):
            subprocess.run(["gpgconf", "--homedir", str(home), "--kill", "gpg-agent"], capture_output=True)


def test_a_second_backup_into_the_same_directory_is_refused_while_one_runs(tmp_path):
    """It would otherwise take the running one's unfinished file for a killed run's leftover."""
    from opsi import backups

    with backups._one_at_a_time(tmp_path), pytest.raises(backups.BackupError, match="Another backup"):
        backups.take_backup(tmp_path)


def test_the_private_keys_passphrase_comes_from_a_file_or_the_environment_and_its_absence_is_named(tmp_path):
    """Without a terminal and without the passphrase the refusal says so (it used to blame the key)."""
    offline, server = tmp_path / "offline", tmp_path / "server"
    for home in (offline, server):
        home.mkdir(mode=0o700)

    def gpg(home, *args):
        env = {**os.environ, "GNUPGHOME": str(home)}
        return subprocess.run(["gpg", "--batch", *args], env=env, check=True, capture_output=True).stdout

    try:
        gpg(offline, "--passphrase", "kunci rahasia", "--quick-gen-key", "Backups <b@example.invalid>")
        subprocess.run(["gpgconf", "--homedir", str(offline), "--kill", "gpg-agent"], capture_output=True)
        listed = gpg(offline, "--with-colons", "--list-keys").decode()
        fingerprint = next(line.split(":")[9] for line in listed.splitlines() if line.startswith("fpr"))
        (tmp_path / "public.asc").write_bytes(gpg(offline, "--armor", "--export", fingerprint))
        gpg(server, "--import", str(tmp_path / "public.asc"))
        env = _env(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", BACKUP_GPG_RECIPIENT=fingerprint)
        env["BACKUP_GPG_SIGNER"] = ""
        env.pop("BACKUP_GPG_PASSPHRASE", None)
        run = {"cwd": ROOT, "capture_output": True, "text": True, "timeout": 120, "stdin": subprocess.DEVNULL}
        manage = [sys.executable, "manage.py"]
        subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, **run)
        subprocess.run([*manage, "backup", "--dir", str(tmp_path / "b")], env={**env, "GNUPGHOME": str(server)}, **run)
        check = [*manage, "restore_backup", "--check", "--unsigned-i-know", str(next((tmp_path / "b").glob("*.json")))]
        env["GNUPGHOME"] = str(offline)
        without = subprocess.run(check, env=env, **run)
        assert without.returncode != 0 and "passphrase" in without.stderr and "no private key" not in without.stderr
        (tmp_path / "passphrase").write_text("kunci rahasia\n")
        from_file = subprocess.run([*check, "--passphrase-file", str(tmp_path / "passphrase")], env=env, **run)
        assert from_file.returncode == 0 and "Sound:" in from_file.stdout, from_file.stderr
        subprocess.run(["gpgconf", "--homedir", str(offline), "--kill", "gpg-agent"], capture_output=True)
        from_env = subprocess.run(check, env={**env, "BACKUP_GPG_PASSPHRASE": "kunci rahasia"}, **run)
        assert from_env.returncode == 0 and "Sound:" in from_env.stdout, from_env.stderr
        on_the_line = subprocess.run([*check, "--passphrase", "kunci rahasia"], env=env, **run)
        assert on_the_line.returncode != 0 and "shows in ps" in on_the_line.stderr
    finally:
        for home in (offline, server):
            subprocess.run(["gpgconf", "--homedir", str(home), "--kill", "gpg-agent"], capture_output=True)
