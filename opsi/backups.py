"""Encrypted database backups with a manifest, and their checked restore.

A backup is two files in ``BACKUP_DIR`` (``opsi-<UTC time>`` from cron's ``--nightly`` run,
``opsi-manual-<UTC time>`` otherwise):

- ``<name>.<ext>.gz.gpg``: the dump (``pg_dump`` custom format on PostgreSQL, SQLite's online
  backup otherwise), gzip-compressed, then encrypted with GnuPG to the public key
  ``BACKUP_GPG_RECIPIENT``. The private half lives off the server: the server can write
  backups, not read them.
- ``<name>.manifest.json``: when, the migrations applied, the row count of every table (read in
  the same snapshot as the dump), the size and sha256 of the encrypted file, fingerprints of the
  vault keys its identities need and of ``FIELD_HASH_KEY`` (one-way, they open nothing), and
  the sha256 of the manifest's own contents; with ``BACKUP_GPG_SIGNER``, a detached signature
  ``.manifest.json.sig`` by the server's own signing key, so that a backup forged with the
  public key (which anyone may hold) is refused.

The plain dump is never on disk: ``pg_dump | gzip | gpg`` and ``gpg | gzip -d | pg_restore |
psql`` run through pipes, in a process group of their own that dies with this process (a
``kill -9`` included) and is killed on SIGTERM, SIGINT or any failure. The encrypted file is
written under ``.partial`` and renamed when whole. SQLite's copy is held in memory.

A restore refuses, before anything is written, a manifest that is not whole, not signed by
``BACKUP_GPG_SIGNER`` (no signer set: refused unless the operator says the check is skipped),
made by another installation or with vault keys this one lacks, and a file whose size or sha256
differs from the manifest. On PostgreSQL the whole restore is one transaction that is committed
only when the file decrypted (GnuPG's integrity check), uncompressed (gzip's CRC), read as an
archive and gave every table the row count of the manifest: a damaged file or a killed restore
leaves the target as it was. SQLite's copy is checked in memory before it is written.
"""

import base64
import contextlib
import datetime
import fcntl
import hashlib
import hmac
import json
import os
import re
import sqlite3
import subprocess  # nosec B404: its constants only; the commands run through opsi.pipes
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction

from opsi.pipes import children

MANIFEST_FORMAT = 1
CHUNK = 1024 * 1024
SAMPLE = 20  # identities whose key is noted at backup and tried after a restore
EXTENSIONS = {"postgresql": "psql.bin", "sqlite": "sqlite3"}
TABLE_NAME = re.compile(r"^[A-Za-z0-9_]+$")


class BackupError(Exception):
    """A backup could not be taken, or a restore was refused; the message says why."""


class Interrupted(BackupError):
    """SIGTERM or SIGINT: the children are killed, nothing half-written is kept."""


def _children(env=None):
    return children(env, interrupted_by=Interrupted)


@dataclass
class Backup:
    manifest_path: Path
    manifest: dict
    seconds: float

    @property
    def path(self):
        return self.manifest_path.parent / self.manifest["file"]


def _pg_env():
    """libpq's environment for the command line tools, as Django's dbshell builds it."""
    from django.db.backends.postgresql.client import DatabaseClient

    settings_dict = connection.settings_dict
    _args, env = DatabaseClient.settings_to_cmd_args_env(settings_dict, [])
    env = {**os.environ, **(env or {})}
    for key, value in (
        ("PGHOST", settings_dict.get("HOST")),
        ("PGPORT", settings_dict.get("PORT")),
        ("PGUSER", settings_dict.get("USER")),
        ("PGDATABASE", settings_dict.get("NAME")),
    ):
        if value:
            env[key] = str(value)
    return env


def _gpg_base():
    home = os.environ.get("GNUPGHOME")
    return ["gpg", "--batch", "--no-tty", "--status-fd", "2"] + (["--homedir", home] if home else [])


# Keys -----------------------------------------------------------------------------------------


def _gpg():
    import gnupg  # python-gnupg; GNUPGHOME selects the keyring

    return gnupg.GPG(gnupghome=os.environ.get("GNUPGHOME") or None)


def _check_recipient(gpg, recipient):
    if not recipient:
        raise BackupError("BACKUP_GPG_RECIPIENT is not set: backups are encrypted to a public key.")
    wanted = recipient.replace(" ", "").upper()

    def matches(key):
        prints = [key["fingerprint"]] + [sub[2] for sub in key.get("subkeys", []) if len(sub) > 2]
        return any(p and p.endswith(wanted) for p in prints) or any(
            recipient.lower() in uid.lower() for uid in key["uids"]
        )

    if any(matches(key) for key in gpg.list_keys(secret=True)):
        raise BackupError(
            "The private key of BACKUP_GPG_RECIPIENT is on this server: keep it off the machine that "
            "holds the database (import only the public key here)."
        )
    if not any(matches(key) for key in gpg.list_keys()):
        raise BackupError(f"The public key {recipient} is not in this server's keyring (gpg --import it).")


def key_fingerprint(key):
    """A one-way fingerprint of a Fernet key: it names the key and opens nothing."""
    raw = base64.urlsafe_b64decode(key)
    return hmac.new(raw, b"opsi backup key check", hashlib.sha256).hexdigest()[:16]


def _encrypted_columns():
    from opsi.crypto import EncryptedTextField

    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedTextField):
                yield model._meta.db_table, field.column


def _vault_sample(cursor, quote):
    """Up to SAMPLE ciphertexts of the vault, as the database holds them."""
    tokens = []
    for table, column in _encrypted_columns():
        cursor.execute(
            f"SELECT {quote(column)} FROM {quote(table)} WHERE {quote(column)} <> '' "  # nosec B608: model names
            f"ORDER BY 1 LIMIT {SAMPLE - len(tokens)}"
        )
        tokens += [row[0] for row in cursor.fetchall()]
        if len(tokens) >= SAMPLE:
            break
    return tokens


def _vault_keys(tokens):
    """The fingerprints of the keys the sampled values need (None: a value no key opens)."""
    from cryptography.fernet import Fernet, InvalidToken

    keys = [(key_fingerprint(k), Fernet(k)) for k in settings.FIELD_ENCRYPTION_KEYS]
    needed = set()
    for token in tokens:
        for fingerprint, fernet in keys:
            try:
                fernet.decrypt(token.encode())
            except InvalidToken:
                continue
            needed.add(fingerprint)
            break
        else:
            needed.add(None)
    return needed


def _vault_facts(cursor, quote):
    needed = _vault_keys(_vault_sample(cursor, quote))
    return {
        "keys": sorted(k for k in needed if k),
        "unreadable": None in needed,
        "hash_key": key_fingerprint(settings.FIELD_HASH_KEY),
    }


# Backup ---------------------------------------------------------------------------------------


def _row_counts(cursor, tables, quote):
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # nosec B608: introspected names
        counts[table] = cursor.fetchone()[0]
    return counts


def _migrations(cursor):
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    return [f"{app}.{name}" for app, name in cursor.fetchall()]


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def manifest_digest(manifest):
    """The sha256 of every field but itself, in a canonical form."""
    body = {k: v for k, v in manifest.items() if k != "manifest_sha256"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def _write_private(path, write):
    """Write under a temporary name, then rename: a crash never leaves a partial file under the real name."""
    partial = path.with_name(path.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(partial, path)
    finally:
        if partial.exists():
            partial.unlink()


def _encrypt_command(recipient, output):
    return _gpg_base() + [
        "--trust-model",
        "always",
        "--compress-algo",
        "none",  # gzip has compressed it
        "--yes",
        "--recipient",
        recipient,
        "--output",
        str(output),
        "--encrypt",
    ]


def _finish(pipeline, partial, target):
    codes = pipeline.wait()
    failed = {name: code for name, code in codes.items() if code != 0}
    if failed:
        name = next(iter(failed))
        raise BackupError(
            f"The backup failed: {name} exited with {failed[name]} ({pipeline.error(name)[-300:].strip()})"
        )
    fd = os.open(partial, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.chmod(partial, 0o600)
    os.replace(partial, target)


def _dump_postgresql(recipient, partial, target):
    """pg_dump | gzip | gpg in one snapshot with the row counts, the migrations and the vault sample."""
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts = _row_counts(cursor, connection.introspection.table_names(cursor), quote)
        migrations = _migrations(cursor)
        vault = _vault_facts(cursor, quote)
        with _children(_pg_env()) as pipeline:
            dump = pipeline.start(
                "pg_dump", ["pg_dump", "--format=custom", "--compress=0", f"--snapshot={snapshot}", "--no-password"]
            )
            gzip = pipeline.start("gzip", ["gzip", "-6", "-c"], stdin=dump.stdout)
            dump.stdout.close()
            pipeline.start("gpg", _encrypt_command(recipient, partial), stdin=gzip.stdout, stdout=subprocess.DEVNULL)
            gzip.stdout.close()
            _finish(pipeline, partial, target)  # inside the transaction: the snapshot lives until pg_dump ends
    return counts, migrations, vault


def _sqlite_copy():
    """SQLite's online backup into memory: a consistent copy that never touches the disk."""
    connection.ensure_connection()
    copy = sqlite3.connect(":memory:")
    connection.connection.backup(copy)
    return copy


def _sqlite_facts(db):
    cursor = db.cursor()
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    tables = sorted(row[0] for row in cursor.fetchall())
    counts = _row_counts(cursor, tables, lambda name: '"' + name.replace('"', '""') + '"')
    return counts, cursor


def _dump_sqlite(recipient, partial, target):
    copy = _sqlite_copy()
    try:
        counts, cursor = _sqlite_facts(copy)
        migrations = _migrations(cursor)
        vault = _vault_facts(cursor, lambda name: '"' + name + '"')
        data = copy.serialize()
    finally:
        copy.close()
    with _children() as pipeline:
        gzip = pipeline.start("gzip", ["gzip", "-6", "-c"], stdin=subprocess.PIPE)
        pipeline.start("gpg", _encrypt_command(recipient, partial), stdin=gzip.stdout, stdout=subprocess.DEVNULL)
        gzip.stdout.close()
        with memoryview(data) as view:
            for start in range(0, len(view), CHUNK):
                gzip.stdin.write(view[start : start + CHUNK])
        gzip.stdin.close()
        del data
        _finish(pipeline, partial, target)
    return counts, migrations, vault


def _remove_leftovers(directory):
    """Encrypted pieces of a backup that was killed (they hold nothing readable)."""
    for partial in directory.glob("opsi-*.partial"):
        partial.unlink(missing_ok=True)


@contextlib.contextmanager
def _one_at_a_time(directory):
    """A second backup into the same directory waits for none: it is refused."""
    fd = os.open(directory / ".lock", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BackupError(f"Another backup into {directory} is running: try again when it has ended.") from None
        yield
    finally:
        os.close(fd)


def take_backup(directory=None, now=None, nightly=False):
    """Dump, compress and encrypt the default database through pipes, describe it; prune old
    nightly copies (a manual one is kept until it is deleted by hand)."""
    directory = Path(directory or settings.BACKUP_DIR)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    with _one_at_a_time(directory):
        return _take_backup(directory, now, nightly)


def _take_backup(directory, now, nightly):
    began = time.perf_counter()
    recipient = settings.BACKUP_GPG_RECIPIENT
    gpg = _gpg()
    _check_recipient(gpg, recipient)
    _remove_leftovers(directory)
    now = now or datetime.datetime.now(datetime.UTC)
    stem = f"opsi-{now:%Y-%m-%d-%H%M%S}" if nightly else f"opsi-manual-{now:%Y-%m-%d-%H%M%S}"
    vendor = "postgresql" if connection.vendor == "postgresql" else "sqlite"
    name = f"{stem}.{EXTENSIONS[vendor]}.gz.gpg"
    target = directory / name
    partial = directory / f"{name}.partial"
    try:
        dump = _dump_postgresql if vendor == "postgresql" else _dump_sqlite
        counts, migrations, vault = dump(recipient, partial, target)
    finally:
        partial.unlink(missing_ok=True)
    manifest = {
        "format": MANIFEST_FORMAT,
        "created_at": now.isoformat(timespec="seconds"),
        "kind": "nightly" if nightly else "manual",
        "database": connection.vendor,
        "connector": "pg_dump --format=custom" if vendor == "postgresql" else "sqlite3 online backup",
        "file": name,
        "size": target.stat().st_size,
        "sha256": _sha256(target),
        "migrations": migrations,
        "tables": counts,
        "rows": sum(counts.values()),
        "vault": vault,
    }
    manifest["manifest_sha256"] = manifest_digest(manifest)
    manifest_path = directory / f"{stem}.manifest.json"
    _write_private(manifest_path, lambda f: f.write(json.dumps(manifest, indent=1, sort_keys=True).encode()))
    if settings.BACKUP_GPG_SIGNER:
        _sign(gpg, manifest_path, settings.BACKUP_GPG_SIGNER)
    prune(directory)
    return Backup(manifest_path, manifest, time.perf_counter() - began)


def _sign(gpg, manifest_path, signer):
    """A detached signature of the manifest (which holds the file's sha256) by the server's own key."""
    signature = manifest_path.with_name(manifest_path.name + ".sig")
    with open(manifest_path, "rb") as f:
        result = gpg.sign_file(f, keyid=signer, detach=True, binary=False, output=str(signature))
    if not result:
        raise BackupError(f"Signing the manifest with {signer} failed: {result.status}")
    os.chmod(signature, 0o600)


def check_signature(manifest_path, signer):
    """Refuse a manifest not signed by ``signer``: a backup forged with the public key is not ours."""
    signature = manifest_path.with_name(manifest_path.name + ".sig")
    if not signature.exists():
        raise BackupError(f"Refused: the manifest {manifest_path.name} is not signed (BACKUP_GPG_SIGNER is set).")
    gpg = _gpg()
    with open(signature, "rb") as f:
        result = gpg.verify_file(f, data_filename=str(manifest_path))
    # The setting names the key as gpg takes it when signing (fingerprint, key id or e-mail):
    # resolved the same way in this keyring, then compared by whole fingerprints.
    wanted = {key["fingerprint"].upper() for key in gpg.list_keys(keys=signer.replace(" ", ""))}
    signed_by = {(result.fingerprint or "").upper(), (result.pubkey_fingerprint or "").upper()}
    if not wanted:
        raise BackupError(
            f"Refused: the server's signing key {signer} is not in this keyring: import its public half "
            "(gpg --import opsi-server-signing.asc) to check the manifest."
        )
    if not result.valid or not wanted & signed_by:
        raise BackupError(
            f"Refused: the signature of {manifest_path.name} is not a good one by {signer} ({result.status})."
        )


# Retention ------------------------------------------------------------------------------------


def backups_in(directory):
    """Every backup in a directory with a readable manifest, newest first."""
    found = []
    for path in Path(directory).glob("opsi-*.manifest.json"):
        try:
            manifest = json.loads(path.read_text())
            created = datetime.datetime.fromisoformat(manifest["created_at"])
        except (ValueError, KeyError, OSError):
            continue
        found.append((created, path, manifest))
    return sorted(found, key=lambda item: item[0], reverse=True)


def prune(directory, keep_daily=None, keep_monthly=None):
    """Of the nightly backups, keep every one of the last N days that have one and the newest of
    each of the last M months; manual backups are never removed here."""
    keep_daily = settings.BACKUP_KEEP_DAILY if keep_daily is None else keep_daily
    keep_monthly = settings.BACKUP_KEEP_MONTHLY if keep_monthly is None else keep_monthly
    nightly = [item for item in backups_in(directory) if item[2].get("kind", "nightly") == "nightly"]
    days, months, keep = [], [], set()
    for created, path, _manifest in nightly:
        day, month = created.date(), (created.year, created.month)
        if day not in days:
            days.append(day)
        if len(days) <= keep_daily:
            keep.add(path)  # every copy of a kept day: a second run that day never drops the first
        if month not in months:
            months.append(month)
            if len(months) <= keep_monthly:
                keep.add(path)
    removed = []
    for _created, path, manifest in nightly:
        if path in keep:
            continue
        (path.parent / Path(manifest.get("file", "")).name).unlink(missing_ok=True)
        path.with_name(path.name + ".sig").unlink(missing_ok=True)
        path.unlink()
        removed.append(path.name)
    return removed


# Restore --------------------------------------------------------------------------------------


def read_manifest(manifest_path):
    manifest_path = Path(manifest_path)
    try:
        manifest = json.loads(manifest_path.read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"Refused: the manifest {manifest_path.name} cannot be read ({error}).") from None
    if not isinstance(manifest, dict) or manifest.get("manifest_sha256") != manifest_digest(manifest):
        raise BackupError(f"Refused: the manifest {manifest_path.name} was changed or is incomplete.")
    if manifest.get("format") != MANIFEST_FORMAT:
        raise BackupError(f"Refused: unknown manifest format {manifest.get('format')!r}.")
    if not all(TABLE_NAME.match(table) and isinstance(n, int) for table, n in manifest.get("tables", {}).items()):
        raise BackupError(f"Refused: the manifest {manifest_path.name} names tables this app never has.")
    return manifest


def check_keys(manifest):
    """Refuse a backup of another installation, or one whose vault the keys given do not open."""
    vault = manifest.get("vault")
    if vault is None:
        return  # made before the manifest named its keys: the sample is tried after the restore
    if vault["hash_key"] != key_fingerprint(settings.FIELD_HASH_KEY):
        raise BackupError(
            "Refused: this backup was made by another installation, or FIELD_HASH_KEY differs from the "
            "one it was made with (set the keys of the installation that made it)."
        )
    have = {key_fingerprint(k) for k in settings.FIELD_ENCRYPTION_KEYS}
    missing = [k for k in vault["keys"] if k not in have]
    if missing:
        raise BackupError(
            f"Refused: the identity vault of this backup needs {len(missing)} key(s) that FIELD_ENCRYPTION_KEYS "
            f"does not hold (fingerprints {', '.join(missing)}); set the keys it was made with. Nothing was written."
        )


def check_file(manifest_path, manifest, unsigned=False, without_vault_keys=False):
    """Every check that needs no decryption; the path of the encrypted file."""
    if settings.BACKUP_GPG_SIGNER:
        check_signature(manifest_path, settings.BACKUP_GPG_SIGNER)
    elif not unsigned:
        raise BackupError(
            "Refused: BACKUP_GPG_SIGNER is not set, so nothing proves this backup was made by your server "
            "(anyone may encrypt a database to the public key). Set it to the server's signing key and import "
            "its public half, or pass --unsigned-i-know to restore without that check."
        )
    path = manifest_path.parent / Path(manifest["file"]).name
    if not path.exists():
        raise BackupError(f"Refused: the backup file {path.name} is missing.")
    if path.stat().st_size != manifest["size"]:
        raise BackupError(
            f"Refused: {path.name} has {path.stat().st_size} bytes, the manifest says {manifest['size']} "
            "(truncated or changed)."
        )
    if _sha256(path) != manifest["sha256"]:
        raise BackupError(f"Refused: the sha256 of {path.name} differs from the manifest (changed or damaged).")
    if manifest["database"] != connection.vendor:
        raise BackupError(
            f"Refused: this backup is of a {manifest['database']} database, the target is {connection.vendor}."
        )
    if not without_vault_keys:
        check_keys(manifest)
    return path


def _decrypt_command(passphrase_fd=None):
    command = _gpg_base()
    if passphrase_fd is not None:
        command += ["--pinentry-mode", "loopback", "--passphrase-fd", str(passphrase_fd)]
    return command + ["--decrypt"]


def _decryption_refusal(name, status):
    if "NO_SECKEY" in status and "DECRYPTION_OKAY" not in status:
        return (
            f"Refused: {name} does not decrypt with this keyring: it has no private key of the backups "
            "(GNUPGHOME must hold it: gpg --import opsi-backup-PRIVATE.asc)."
        )
    if any(s in status for s in ("MISSING_PASSPHRASE", "BAD_PASSPHRASE", "PINENTRY_LAUNCHED", "Inappropriate ioctl")):
        return (
            f"Refused: the private key's passphrase was wrong or not given: give it in a file "
            f"(--passphrase-file), in BACKUP_GPG_PASSPHRASE, or at the prompt in a terminal ({name} not read)."
        )
    return f"Refused: {name} does not decrypt (damaged or changed; GnuPG's integrity check failed)."


class _Feeder(threading.Thread):
    """Writes the encrypted file into gpg, hashing what it reads (the file checked is the file read)."""

    def __init__(self, path, pipe):
        super().__init__(daemon=True)
        self.path, self.pipe, self.digest, self.error = path, pipe, hashlib.sha256(), None

    def run(self):
        try:
            with open(self.path, "rb") as source:
                for block in iter(lambda: source.read(CHUNK), b""):
                    self.digest.update(block)
                    self.pipe.write(block)
        except (BrokenPipeError, OSError) as error:
            self.error = error
        finally:
            with contextlib.suppress(OSError):
                self.pipe.close()


@contextlib.contextmanager
def _decrypted(pipeline, path, passphrase):
    """Start gpg --decrypt | gzip -dc on ``path``; yields gzip's stdout; then checks that the file
    read was whole and decrypted and uncompressed cleanly."""
    pass_fds, read_end = (), None
    if passphrase is not None:
        read_end, write_end = os.pipe()
        os.write(write_end, passphrase.encode() + b"\n")
        os.close(write_end)
        pass_fds = (read_end,)
    gpg = pipeline.start("gpg", _decrypt_command(read_end), stdin=subprocess.PIPE, pass_fds=pass_fds)
    if read_end is not None:
        os.close(read_end)
    gunzip = pipeline.start("gzip", ["gzip", "-dc"], stdin=gpg.stdout)
    gpg.stdout.close()
    feeder = _Feeder(path, gpg.stdin)
    feeder.start()
    yield gunzip.stdout
    feeder.join()
    gpg.wait()
    gunzip.wait()
    pipeline.wait_readers("gpg", "gzip")
    status = pipeline.error("gpg")
    if gpg.returncode != 0 or "DECRYPTION_OKAY" not in status:
        raise BackupError(_decryption_refusal(path.name, status))
    if gunzip.returncode != 0:
        raise BackupError(f"Refused: {path.name} does not uncompress ({pipeline.error('gzip').strip()[:200]}).")
    pipeline.read_sha256 = feeder.digest.hexdigest()


def verify(manifest_path, passphrase=None, unsigned=False, without_vault_keys=False):
    """Check a backup end to end without writing anything; raise BackupError if not sound."""
    manifest_path = Path(manifest_path)
    manifest = read_manifest(manifest_path)
    path = check_file(manifest_path, manifest, unsigned, without_vault_keys)
    env = _pg_env() if manifest["database"] == "postgresql" else None
    with _children(env) as pipeline:
        if manifest["database"] == "postgresql":
            with _decrypted(pipeline, path, passphrase) as plain:
                reader = pipeline.start(
                    "pg_restore", ["pg_restore", "--file=/dev/null"], stdin=plain, stdout=subprocess.DEVNULL
                )
                plain.close()
                reader.wait()
            if reader.returncode != 0:
                raise BackupError(
                    f"Refused: pg_restore cannot read the archive ({pipeline.error('pg_restore')[:200]})."
                )
        else:
            with _decrypted(pipeline, path, passphrase) as plain:
                data = plain.read()
            _sqlite_checked(data, manifest).close()
    if pipeline.read_sha256 != manifest["sha256"]:
        raise BackupError(f"Refused: {path.name} changed while it was read.")
    return manifest


def _sqlite_checked(data, manifest):
    copy = sqlite3.connect(":memory:")
    try:
        if len(data) > 20:  # a copy of a WAL database says so in its header; memory has no WAL
            data = bytearray(data)
            data[18:20] = b"\x01\x01"
        copy.deserialize(data)
        if copy.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError("Refused: the SQLite copy fails its integrity check.")
        counts, _cursor = _sqlite_facts(copy)
    except sqlite3.DatabaseError as error:
        copy.close()
        raise BackupError(f"Refused: the SQLite copy cannot be read ({error}).") from None
    mismatched = {t: (n, counts.get(t)) for t, n in manifest["tables"].items() if counts.get(t) != n}
    if mismatched:
        copy.close()
        raise BackupError(f"Refused: the copy's row counts differ from the manifest: {mismatched}")
    return copy


def target_is_empty():
    return "django_migrations" not in connection.introspection.table_names()


def _count_check(manifest):
    """SQL that fails the restore's transaction when a table's row count differs from the manifest."""
    lines = ["DO $opsi_counts$", "DECLARE found bigint;", "BEGIN"]
    for table, count in sorted(manifest["tables"].items()):
        lines.append(  # table names matched TABLE_NAME in read_manifest
            f'SELECT count(*) INTO found FROM public."{table}"; IF found <> {int(count)} THEN '  # nosec B608
            f"RAISE EXCEPTION 'row count of {table}: % found, {int(count)} in the manifest', found; END IF;"
        )
    lines += ["END", "$opsi_counts$;", ""]
    return "\n".join(lines)


def _restore_postgresql(pipeline, path, manifest, replace, passphrase):
    """gpg | gzip -d | pg_restore | psql in one transaction, committed only when every check passed."""
    options = ["--no-owner", "--no-privileges"] + (["--clean", "--if-exists"] if replace else [])
    psql = pipeline.start(
        "psql",
        ["psql", "--no-psqlrc", "--quiet", "--no-password", "-v", "ON_ERROR_STOP=1"],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
    )
    try:
        psql.stdin.write(b"BEGIN;\n")
        with _decrypted(pipeline, path, passphrase) as plain:
            script = pipeline.start("pg_restore", ["pg_restore", "--file=-", *options], stdin=plain)
            plain.close()
            for block in iter(lambda: script.stdout.read(CHUNK), b""):
                psql.stdin.write(block)
            script.wait()
        if script.returncode != 0:
            raise BackupError(f"Refused: pg_restore cannot read the archive ({pipeline.error('pg_restore')[:200]}).")
        if pipeline.read_sha256 != manifest["sha256"]:
            raise BackupError(f"Refused: {path.name} changed while it was read.")
        psql.stdin.write(_count_check(manifest).encode())
        psql.stdin.write(b"COMMIT;\n")
        psql.stdin.close()
    except BrokenPipeError:
        pass  # psql stopped at an error: said below
    if psql.wait() != 0:
        errors = [line for line in pipeline.error("psql").splitlines() if "ERROR" in line]
        raise BackupError(
            "Refused: the restore was rolled back, the target is as it was: "
            + (errors[0] if errors else pipeline.error("psql")[-300:])
        )


def _restore_sqlite(pipeline, path, manifest, passphrase):
    with _decrypted(pipeline, path, passphrase) as plain:
        data = plain.read()
    copy = _sqlite_checked(data, manifest)
    del data
    if pipeline.read_sha256 != manifest["sha256"]:
        raise BackupError(f"Refused: {path.name} changed while it was read.")
    try:
        # SQLite's backup API writes the target in one transaction through its own journal
        # (safe with WAL), unlike copying the file over the live one.
        connection.ensure_connection()
        copy.backup(connection.connection)
    finally:
        copy.close()
    connection.close()


def restore(manifest_path, replace=False, passphrase=None, unsigned=False, without_vault_keys=False):
    """Check, then restore into the default database; return the manifest and seconds taken."""
    began = time.perf_counter()
    manifest_path = Path(manifest_path)
    manifest = read_manifest(manifest_path)
    path = check_file(manifest_path, manifest, unsigned, without_vault_keys)
    if not replace and not target_is_empty():
        raise BackupError(
            "Refused: the target database already holds tables. Restore into an empty database, "
            "or pass --replace to overwrite it."
        )
    connection.close()
    env = _pg_env() if manifest["database"] == "postgresql" else None
    with _children(env) as pipeline:
        if manifest["database"] == "postgresql":
            _restore_postgresql(pipeline, path, manifest, replace, passphrase)
        else:
            _restore_sqlite(pipeline, path, manifest, passphrase)
    mismatched = compare_counts(manifest)
    if mismatched:
        raise BackupError(f"Restored, but row counts differ from the manifest: {mismatched}")
    if not without_vault_keys:
        check_vault_opens()
    return manifest, time.perf_counter() - began


def check_vault_opens():
    """After a restore: a sample of the vault decrypts with FIELD_ENCRYPTION_KEYS, or say so loudly."""
    with connection.cursor() as cursor:
        needed = _vault_keys(_vault_sample(cursor, connection.ops.quote_name))
    if None in needed:
        raise BackupError(
            "Restored, but identities of the vault do not decrypt with FIELD_ENCRYPTION_KEYS: set the keys "
            "the backup was made with before anyone uses this copy."
        )


def compare_counts(manifest):
    """Tables whose row count in the default database differs from the manifest: {table: (manifest, found)}."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        found = _row_counts(cursor, list(manifest["tables"]), quote)
    return {t: (n, found[t]) for t, n in manifest["tables"].items() if found[t] != n}
