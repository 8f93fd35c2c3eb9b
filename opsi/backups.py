"""Encrypted database backups with a manifest, and their checked restore.

A backup is two files in ``BACKUP_DIR``:

- ``opsi-<UTC time>.<ext>.gz.gpg``: the dump made by django-dbbackup's connector for the
  database (``pg_dump`` custom format on PostgreSQL, SQLite's online backup otherwise),
  gzip-compressed, then encrypted with GnuPG to the public key ``BACKUP_GPG_RECIPIENT``.
  The private half lives off the server: the server can write backups, not read them.
- ``opsi-<UTC time>.manifest.json``: when, the migrations applied, the row count of every
  table (read in the same snapshot as the dump), the size and sha256 of the encrypted file,
  and the sha256 of the manifest's own contents; with ``BACKUP_GPG_SIGNER``, a detached
  signature ``.manifest.json.sig`` by the server's own signing key, so that a backup forged
  with the public key (which anyone may hold) is refused.

A restore refuses, before anything is written to the target database, a manifest that is
not whole or (with ``BACKUP_GPG_SIGNER`` set) not signed by that key, a file whose size or sha256 differs from the manifest, a file that does not
decrypt (GnuPG's integrity check) or uncompress (gzip's CRC), and an archive the database
tool cannot read. After the restore every table's row count is compared with the manifest.
"""

import datetime
import gzip
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess  # nosec B404: pg_restore --list on a file we made, no shell
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

MANIFEST_FORMAT = 1
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup could not be taken, or a restore was refused; the message says why."""


@dataclass
class Backup:
    manifest_path: Path
    manifest: dict
    seconds: float

    @property
    def path(self):
        return self.manifest_path.parent / self.manifest["file"]


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


def _row_counts(cursor, tables):
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # nosec B608: introspected names
        counts[table] = cursor.fetchone()[0]
    return counts


def _migrations(cursor):
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    return [f"{app}.{name}" for app, name in cursor.fetchall()]


def _dump_postgresql(connector):
    """Dump, row counts and migrations from one snapshot, so the manifest describes the dump exactly."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        tables = connection.introspection.table_names(cursor)
        counts = _row_counts(cursor, tables)
        migrations = _migrations(cursor)
        connector.dump_suffix = f"--snapshot={snapshot}"
        dump = connector.create_dump()
    return dump, counts, migrations


def _dump_sqlite(connector, workdir):
    """SQLite's online backup is a consistent copy: counts are read from the copy itself."""
    dump = connector.create_dump()
    copy = workdir / "copy.sqlite3"
    with open(copy, "wb") as out:
        shutil.copyfileobj(dump, out, CHUNK)
    dump.seek(0)
    with sqlite3.connect(copy) as db:
        cursor = db.cursor()
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        tables = sorted(row[0] for row in cursor.fetchall())
        counts = {}
        for table in tables:
            counts[table] = cursor.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]  # nosec B608
        migrations = _migrations(cursor)
    return dump, counts, migrations


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


def take_backup(directory=None, now=None):
    """Dump, compress, encrypt and describe the default database; prune old copies."""
    from dbbackup.db.base import get_connector

    began = time.perf_counter()
    directory = Path(directory or settings.BACKUP_DIR)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    recipient = settings.BACKUP_GPG_RECIPIENT
    gpg = _gpg()
    _check_recipient(gpg, recipient)
    now = now or datetime.datetime.now(datetime.UTC)
    stem = f"opsi-{now:%Y-%m-%d-%H%M%S}"
    connector = get_connector("default")
    with tempfile.TemporaryDirectory(prefix="opsi-backup-") as tmp:
        workdir = Path(tmp)
        if connection.vendor == "postgresql":
            dump, counts, migrations = _dump_postgresql(connector)
        else:
            dump, counts, migrations = _dump_sqlite(connector, workdir)
        compressed = workdir / "dump.gz"
        with gzip.open(compressed, "wb", compresslevel=6) as out:
            shutil.copyfileobj(dump, out, CHUNK)
        dump.close()
        name = f"{stem}.{connector.extension}.gz.gpg"
        encrypted = workdir / name
        with open(compressed, "rb") as source:
            result = gpg.encrypt_file(
                source, recipients=[recipient], output=str(encrypted), armor=False, always_trust=True
            )
        if not result.ok:
            raise BackupError(f"Encryption failed: {result.status}")
        target = directory / name

        def copy_encrypted(out):
            with open(encrypted, "rb") as source:
                shutil.copyfileobj(source, out, CHUNK)

        _write_private(target, copy_encrypted)
    manifest = {
        "format": MANIFEST_FORMAT,
        "created_at": now.isoformat(timespec="seconds"),
        "database": connection.vendor,
        "connector": f"{connector.__module__}.{connector.__class__.__name__}",
        "file": name,
        "size": target.stat().st_size,
        "sha256": _sha256(target),
        "migrations": migrations,
        "tables": counts,
        "rows": sum(counts.values()),
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
    if not result.valid or not wanted & signed_by:
        raise BackupError(
            f"Refused: the signature of {manifest_path.name} is not a good one by {signer} ({result.status})."
        )


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
    """Keep the newest copy of each of the last N days and of each of the last M months."""
    keep_daily = settings.BACKUP_KEEP_DAILY if keep_daily is None else keep_daily
    keep_monthly = settings.BACKUP_KEEP_MONTHLY if keep_monthly is None else keep_monthly
    days, months, keep = [], [], set()
    for created, path, _manifest in backups_in(directory):
        day, month = created.date(), (created.year, created.month)
        if day not in days:
            days.append(day)
            if len(days) <= keep_daily:
                keep.add(path)
        if month not in months:
            months.append(month)
            if len(months) <= keep_monthly:
                keep.add(path)
    removed = []
    for _created, path, manifest in backups_in(directory):
        if path in keep:
            continue
        (path.parent / Path(manifest.get("file", "")).name).unlink(missing_ok=True)
        path.with_name(path.name + ".sig").unlink(missing_ok=True)
        path.unlink()
        removed.append(path.name)
    return removed


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
    return manifest


def verify(manifest_path, workdir, passphrase=None):
    """Check a backup end to end and leave its plain dump in ``workdir``; raise BackupError if not sound."""
    manifest_path = Path(manifest_path)
    manifest = read_manifest(manifest_path)
    if settings.BACKUP_GPG_SIGNER:
        check_signature(manifest_path, settings.BACKUP_GPG_SIGNER)
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
    compressed = Path(workdir) / "dump.gz"
    with open(path, "rb") as source:
        result = _gpg().decrypt_file(source, output=str(compressed), passphrase=passphrase)
    if not result.ok:
        raise BackupError(f"Refused: {path.name} does not decrypt with this keyring ({result.status}).")
    plain = Path(workdir) / "dump"
    try:
        with gzip.open(compressed, "rb") as source, open(plain, "wb") as out:
            shutil.copyfileobj(source, out, CHUNK)
    except (OSError, EOFError) as error:
        raise BackupError(f"Refused: {path.name} does not uncompress ({error}).") from None
    compressed.unlink()
    if manifest["database"] == "postgresql":
        listed = subprocess.run(["pg_restore", "--list", str(plain)], capture_output=True)  # nosec B603 B607
        if listed.returncode != 0:
            raise BackupError(f"Refused: pg_restore cannot read the archive ({listed.stderr.decode()[:200]}).")
    else:
        try:
            with sqlite3.connect(f"file:{plain}?mode=ro", uri=True) as db:
                if db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                    raise BackupError("Refused: the SQLite copy fails its integrity check.")
        except sqlite3.DatabaseError as error:
            raise BackupError(f"Refused: the SQLite copy cannot be read ({error}).") from None
    return manifest, plain


def target_is_empty():
    return "django_migrations" not in connection.introspection.table_names()


def restore(manifest_path, replace=False, passphrase=None):
    """Verify, then restore into the default database; return the manifest and seconds taken."""
    from dbbackup.db.base import get_connector

    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="opsi-restore-") as tmp:
        os.chmod(tmp, 0o700)
        manifest, plain = verify(manifest_path, tmp, passphrase=passphrase)
        if not replace and not target_is_empty():
            raise BackupError(
                "Refused: the target database already holds tables. Restore into an empty database, "
                "or pass --replace to overwrite it."
            )
        connection.close()
        if manifest["database"] == "postgresql":
            connector = get_connector("default")
            connector.pg_options = "--no-owner --no-privileges"
            connector.drop = replace
            connector.if_exists = replace
            with open(plain, "rb") as dump:
                connector.restore_dump(dump)
        else:
            # SQLite's backup API writes through the database's own journal (safe with WAL),
            # unlike copying the file over the live one.
            connection.ensure_connection()
            with sqlite3.connect(f"file:{plain}?mode=ro", uri=True) as source:
                source.backup(connection.connection)
            connection.close()
    mismatched = compare_counts(manifest)
    if mismatched:
        raise BackupError(f"Restored, but row counts differ from the manifest: {mismatched}")
    return manifest, time.perf_counter() - began


def compare_counts(manifest):
    """Tables whose row count in the default database differs from the manifest: {table: (manifest, found)}."""
    with connection.cursor() as cursor:
        found = _row_counts(cursor, list(manifest["tables"]))
    return {t: (n, found[t]) for t, n in manifest["tables"].items() if found[t] != n}
