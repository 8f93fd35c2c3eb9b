"""Restore drill: fill a database, back it up, restore it into an empty one, prove nothing was lost.

    bash scripts/restore-drill.sh [--data demo|ci|medium]

Run through scripts/restore-drill.sh, which starts two throwaway PostgreSQL clusters:
DRILL_SOURCE_URL (filled and backed up) and DATABASE_URL (fresh and empty, the restore
target). With two SQLite URLs it runs on SQLite as well. Steps:

1. migrate and fill the source (``seed_demo``, or bench's generator at a scale);
2. note what a user would see: the national donor report, the decrypted identity vault;
3. make throwaway GnuPG keys: the "server" keyring holds only the public key of the backup
   pair (the "offline" one its private key) and its own signing key, as in production;
4. ``manage.py backup`` on the source (server keyring);
5. a truncated, a tampered and a forged copy of the backup, an edited manifest and the
   server's own keyring are refused, and the target stays empty;
6. ``manage.py restore_backup`` into the target (offline keyring);
7. on the target: every table's row count matches the manifest, the donor report gives
   the same numbers, the vault decrypts with the keys to the same values, pages answer 200.

Prints the figures (sizes, seconds) and "drill passed"; exits non-zero on any failure.
"""

import argparse
import contextlib
import hashlib
import json
import os
import shutil
import subprocess  # nosec B404: runs this project's own commands and gpg
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = [
    "/",
    "/members/",
    "/members/{member}/",
    "/visits/new/?member={member}",
    "/referrals/",
    "/outreach/",
    "/trainings/",
    "/reports/",
    "/cases/stuck/",
    "/branches/",
    "/healthz/ready",
]


def setup_django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opsi.settings")
    import django

    django.setup()


def prepare(data):
    """Migrate, fill, give a few members an identity in the vault (synthetic), print the facts."""
    setup_django()
    from django.core.management import call_command

    from members.identity import save_identity
    from members.models import Member

    began = time.perf_counter()
    with contextlib.redirect_stdout(sys.stderr):  # stdout carries the facts only
        call_command("migrate", interactive=False, verbosity=0)
        if data == "demo":
            call_command("seed_demo")
        else:
            from bench.generate import generate

            generate(data)
    print(f"migrate and fill ({data}): {time.perf_counter() - began:.1f} s", file=sys.stderr)

    for n, member in enumerate(Member.objects.filter(identity__isnull=True).order_by("pk")[:3]):
        save_identity(
            member, None, legal_name=f"Drill Person {n}", nik=f"317101{n + 1:02d}01900001", phone=f"0812000000{n}"
        )
    facts()


# Each damage takes the backup file's bytes, its manifest and the offline keyring and returns
# the file and the manifest of the damaged copy (None: kept as they were).


def _truncated(data, manifest, offline):
    return data[: len(data) // 2], None


def _tampered(data, manifest, offline):
    data = bytearray(data)
    data[len(data) // 2] ^= 0xFF
    return bytes(data), None


def _tampered_manifest_redone(data, manifest, offline):
    """The checksums agree: decryption must catch it."""
    data, _ = _tampered(data, manifest, offline)
    return data, _resealed(manifest, data)


def _forged(data, manifest, offline):
    """A whole other backup encrypted with the public key: only the signature tells."""
    import gnupg

    gpg = gnupg.GPG(gnupghome=offline)
    plain = gpg.decrypt(data).data
    forged = gpg.encrypt(plain, [os.environ["BACKUP_GPG_RECIPIENT"]], armor=False, always_trust=True).data
    return forged, _resealed(manifest, forged)


def _manifest_edited(data, manifest, offline):
    return None, dict(manifest, rows=manifest["rows"] + 1)


def _untouched(data, manifest, offline):
    return None, None


def _resealed(manifest, data):
    from opsi.backups import manifest_digest

    redone = dict(manifest, size=len(data), sha256=hashlib.sha256(data).hexdigest())
    redone["manifest_sha256"] = manifest_digest(redone)
    return redone


def _other_key():
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


NO_SIGNER = {"BACKUP_GPG_SIGNER": ""}
UNSIGNED = {"unsigned_i_know": True}

# (what is refused, how the copy is damaged, the keyring the restore runs with, settings of the
# restoring installation, options of restore_backup)
DAMAGES = [
    ("truncated", _truncated, "offline", {}, {}),
    ("tampered", _tampered, "offline", {}, {}),
    ("tampered, manifest redone", _tampered_manifest_redone, "offline", {}, {}),
    ("tampered, manifest redone, unsigned", _tampered_manifest_redone, "offline", NO_SIGNER, UNSIGNED),
    ("forged with the public key", _forged, "offline", {}, {}),
    ("forged, no signer set", _forged, "offline", NO_SIGNER, {}),
    ("edited manifest", _manifest_edited, "offline", {}, {}),
    ("server keyring", _untouched, "server", {}, {}),
    ("other vault keys", _untouched, "offline", {"FIELD_ENCRYPTION_KEYS": "other"}, {}),
    ("another installation", _untouched, "offline", {"FIELD_HASH_KEY": "other"}, {}),
    ("passphrase on the command line", _untouched, "offline", {}, {"passphrase": "secret"}),
]


def refusals(manifest_path, offline, server):
    """Damaged backups, an edited manifest and the server's own keyring: each refused, nothing written."""
    setup_django()
    from django.core.management import CommandError, call_command
    from django.test import override_settings

    from opsi import crypto
    from opsi.backups import target_is_empty

    manifest_path = Path(manifest_path)
    manifest = json.loads(manifest_path.read_text())
    work = Path(tempfile.mkdtemp(prefix="opsi-drill-damaged-"))
    assert target_is_empty(), "the target database is not empty"
    keyrings = {"offline": offline, "server": server}
    cases = []
    for damage, damaged_copy, keyring, changed_settings, options in DAMAGES:
        copy = work / damage.replace(" ", "-").replace(",", "")
        shutil.copytree(manifest_path.parent, copy)
        damaged = copy / manifest["file"]
        data, changed_manifest = damaged_copy(damaged.read_bytes(), manifest, offline)
        if data is not None:
            damaged.write_bytes(data)
        if changed_manifest is not None:
            (copy / manifest_path.name).write_text(json.dumps(changed_manifest))
        os.environ["GNUPGHOME"] = keyrings[keyring]
        changed = {
            k: ([_other_key()] if k == "FIELD_ENCRYPTION_KEYS" else _other_key()) if v == "other" else v
            for k, v in changed_settings.items()
        }
        crypto._keys.__dict__.clear()
        try:
            with override_settings(**changed):
                call_command("restore_backup", str(copy / manifest_path.name), verbosity=0, **options)
        except CommandError as error:
            cases.append(f"{damage}: {error}")
        else:
            sys.exit(f"FAILED: a {damage} backup was restored")
        crypto._keys.__dict__.clear()
        assert target_is_empty(), f"a {damage} backup wrote to the target"
    shutil.rmtree(work)
    print("\n".join(cases))


def facts():
    """What a user would notice of this database, as JSON on stdout (run inside Django)."""
    setup_django()
    import datetime

    from django.test import Client

    from members.models import Member, MemberIdentity
    from opsi.models import User
    from reports import periods
    from reports.building import build_report
    from reports.definitions import BRIDGING_THE_GAPS
    from reports.scopes import Scope

    secretariat = User.objects.filter(role=User.Role.SECRETARIAT).first()
    if secretariat is None:
        secretariat = User.objects.create(username="drill.secretariat", role=User.Role.SECRETARIAT)
    this_year = datetime.date.today().year
    period = periods.Period(datetime.date(this_year - 2, 1, 1), datetime.date(this_year, 12, 31))
    report = build_report(BRIDGING_THE_GAPS, period, Scope("national"), secretariat)
    numbers = {
        "figures": [[f.key, f.value, f.previous] for f in report.key_figures],
        "tables": [[t.key, t.rows] for s in report.sections for t in s.tables],
    }
    vault = hashlib.sha256()
    identities = 0
    for identity in MemberIdentity.objects.order_by("pk"):
        vault.update(f"{identity.pk}|{identity.legal_name}|{identity.nik}|{identity.phone}\n".encode())
        identities += 1

    member = Member.objects.order_by("pk").first()
    coordinator = User.objects.filter(role=User.Role.COORDINATOR, branches=member.branch).first()
    if coordinator is None:
        coordinator = User.objects.create(username="drill.coordinator", role=User.Role.COORDINATOR)
        coordinator.branches.set([member.branch])
    client = Client()
    client.force_login(coordinator)
    pages = {}
    for page in PAGES:
        url = page.format(member=member.pk)
        pages[url] = client.get(url).status_code
    json.dump(
        {
            "report": hashlib.sha256(json.dumps(numbers, default=str, sort_keys=True).encode()).hexdigest(),
            "report_visits": next((f.value for f in report.key_figures), None),
            "vault": vault.hexdigest(),
            "identities": identities,
            "pages": pages,
        },
        sys.stdout,
        default=str,
    )


def run(args, env, check=True):
    began = time.perf_counter()
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True)  # nosec B603
    if check and result.returncode != 0:
        sys.exit(f"FAILED: {' '.join(map(str, args))}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result, time.perf_counter() - began


def django(url, *args, gnupghome=None, check=True):
    env = {**os.environ, "DATABASE_URL": url}
    if gnupghome:
        env["GNUPGHOME"] = str(gnupghome)
    return run([sys.executable, *args], env, check=check)


def _new_key(home, user_id, usage):
    """A key made in the keyring ``home`` (which holds no other secret key): its fingerprint."""
    env = {**os.environ, "GNUPGHOME": str(home)}
    run(["gpg", "--batch", "--passphrase", "", "--quick-gen-key", user_id, "default", usage, "never"], env)
    listed, _ = run(["gpg", "--batch", "--with-colons", "--list-secret-keys"], env)
    return next(line.split(":")[9] for line in listed.stdout.splitlines() if line.startswith("fpr"))


def _give_public_key(fingerprint, source, target, path):
    """The public half of a key of the keyring ``source``: written to ``path``, imported into ``target``."""
    env = {**os.environ, "GNUPGHOME": str(source)}
    exported, _ = run(["gpg", "--batch", "--armor", "--export", fingerprint], env)
    path.write_text(exported.stdout)
    run(["gpg", "--batch", "--import", str(path)], {**os.environ, "GNUPGHOME": str(target)})


def make_keys(work):
    """A throwaway key pair: the private half in the offline keyring, the public half on the server."""
    offline, server = work / "gnupg-offline", work / "gnupg-server"
    for home in (offline, server):
        home.mkdir(mode=0o700)
    fingerprint = _new_key(offline, "OPSI backup drill <drill@example.invalid>", "default")
    _give_public_key(fingerprint, offline, server, work / "backup-public.asc")
    # The server's own signing key: its public half goes to the offline keyring to check manifests.
    signer = _new_key(server, "OPSI server <server@example.invalid>", "sign")
    _give_public_key(signer, server, offline, work / "server-signing-public.asc")
    return offline, server, fingerprint, signer


def drill(data):
    source, target = os.environ["DRILL_SOURCE_URL"], os.environ["DATABASE_URL"]
    if source == target:
        sys.exit("DRILL_SOURCE_URL and DATABASE_URL must be two different databases")
    figures = {}
    with tempfile.TemporaryDirectory(prefix="opsi-drill-") as tmp:
        work = Path(tmp)
        os.chmod(work, 0o700)
        result, figures["fill"] = django(source, __file__, "prepare", "--data", data)
        before = json.loads(result.stdout)
        assert all(code == 200 for code in before["pages"].values()), before["pages"]
        assert before["identities"] >= 3, before["identities"]

        offline, server, fingerprint, signer = make_keys(work)
        backups = work / "backups"
        os.environ["BACKUP_GPG_RECIPIENT"] = fingerprint
        os.environ["BACKUP_GPG_SIGNER"] = signer
        result, figures["backup"] = django(source, "manage.py", "backup", "--dir", str(backups), gnupghome=server)
        print(f"backup: {result.stdout.strip().splitlines()[0]}")
        assert not result.stderr.strip(), f"the backup wrote to stderr (cron would mail it): {result.stderr[:300]}"
        manifest_path = next(backups.glob("*.manifest.json"))
        manifest = json.loads(manifest_path.read_text())
        figures["size"] = (backups / manifest["file"]).stat().st_size

        # Damaged copies are refused before anything is written; so is the server's keyring.
        refused, _ = django(target, __file__, "refusals", str(manifest_path), str(offline), str(server))
        print(refused.stdout.strip())

        checked, _ = django(target, "manage.py", "restore_backup", "--check", str(manifest_path), gnupghome=offline)
        print(checked.stdout.strip())
        result, figures["restore"] = django(
            target, "manage.py", "restore_backup", str(manifest_path), gnupghome=offline
        )
        print(result.stdout.strip())
        after = json.loads(django(target, __file__, "facts")[0].stdout)
        assert after["pages"] and all(code == 200 for code in after["pages"].values()), after["pages"]
        assert after["report"] == before["report"], "the donor report differs after the restore"
        assert after["vault"] == before["vault"], "the identity vault differs after the restore"
        print(
            f"data {data}: {manifest['rows']:,} rows in {len(manifest['tables'])} tables, "
            f"{before['identities']} identities; migrate and fill {figures['fill']:.1f} s; "
            f"backup {figures['backup']:.1f} s, {figures['size'] / 1e6:.2f} MB; restore {figures['restore']:.1f} s "
            f"(wall clock of the commands, Django's start included)"
        )
        print(f"pages after restore: {len(after['pages'])} answered 200; donor report and vault identical")
        for home in (offline, server):  # gpg-agent would outlive its keyring otherwise
            run(["gpgconf", "--homedir", str(home), "--kill", "gpg-agent"], os.environ, check=False)
    print("drill passed")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("step", nargs="?", default="drill", choices=["drill", "prepare", "refusals", "facts"])
    parser.add_argument("args", nargs="*")
    parser.add_argument("--data", default="demo", choices=["demo", "ci", "medium", "national"])
    args = parser.parse_args()
    if args.step == "facts":
        facts()
    elif args.step == "prepare":
        prepare(args.data)
    elif args.step == "refusals":
        refusals(*args.args)
    else:
        drill(args.data)


if __name__ == "__main__":
    main()
