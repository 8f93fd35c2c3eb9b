"""Restore a backup into an empty database, after checking it end to end."""

import getpass
import os
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from opsi.backups import BackupError, restore, verify


class Command(BaseCommand):
    help = (
        "Restore the backup described by MANIFEST into the database of DATABASE_URL. The manifest's "
        "signature (BACKUP_GPG_SIGNER), the file's size and sha256 and the vault keys are checked before "
        "anything is written; on PostgreSQL the restore is one transaction committed only when the file "
        "decrypted, uncompressed and gave every row count of the manifest. The target must be empty unless "
        "--replace. GNUPGHOME must hold the private key; its passphrase comes from --passphrase-file, "
        "BACKUP_GPG_PASSPHRASE or a prompt, never the command line."
    )

    def add_arguments(self, parser):
        parser.add_argument("manifest", help="the backup's .manifest.json (the backup file beside it)")
        parser.add_argument("--check", action="store_true", help="only check the backup, write nothing")
        parser.add_argument("--replace", action="store_true", help="overwrite a database that holds tables")
        parser.add_argument("--passphrase-file", help="a file holding the private key's passphrase")
        parser.add_argument("--passphrase", help="refused: it would show in ps and the shell history")
        parser.add_argument(
            "--unsigned-i-know",
            action="store_true",
            help="restore without BACKUP_GPG_SIGNER: skips the check that your server made this backup",
        )
        parser.add_argument(
            "--without-vault-keys",
            action="store_true",
            help="restore although FIELD_ENCRYPTION_KEYS or FIELD_HASH_KEY differ from the backup's: skips the "
            "check that the identity vault opens and that the backup is of this installation",
        )

    def passphrase(self, options):
        if options["passphrase"] is not None:
            raise CommandError(
                "Refused: a passphrase on the command line shows in ps and stays in the shell history. Give it "
                "in a file readable by you only (--passphrase-file), in BACKUP_GPG_PASSPHRASE, or at the prompt."
            )
        if options["passphrase_file"]:
            try:
                return Path(options["passphrase_file"]).read_text().rstrip("\n")
            except OSError as error:
                raise CommandError(f"The passphrase file cannot be read ({error}).") from None
        if "BACKUP_GPG_PASSPHRASE" in os.environ:
            return os.environ["BACKUP_GPG_PASSPHRASE"]
        if sys.stdin.isatty():
            return getpass.getpass("Passphrase of the backups' private key (Enter if it has none): ")
        return None  # gpg-agent may hold it, or the key has none; a refusal says how to give it

    def handle(self, *args, **options):
        checks = {"unsigned": options["unsigned_i_know"], "without_vault_keys": options["without_vault_keys"]}
        passphrase = self.passphrase(options)
        try:
            if options["check"]:
                manifest = verify(options["manifest"], passphrase=passphrase, **checks)
                self.stdout.write(f"Sound: {manifest['file']} ({manifest['rows']:,} rows, {manifest['created_at']})")
                return
            manifest, seconds = restore(
                options["manifest"], replace=options["replace"], passphrase=passphrase, **checks
            )
        except BackupError as error:
            raise CommandError(str(error)) from None
        skipped = [
            text
            for flag, text in (
                ("unsigned", "the signature was not checked"),
                ("without_vault_keys", "the vault keys were not checked"),
            )
            if checks[flag]
        ]
        self.stdout.write(
            f"Restored {manifest['file']} of {manifest['created_at']}: {manifest['rows']:,} rows in "
            f"{len(manifest['tables'])} tables, every count as in the manifest"
            + ("" if checks["without_vault_keys"] else ", the vault opens with these keys")
            + f" ({seconds:.1f} s)."
            + (f" Skipped on request: {'; '.join(skipped)}." if skipped else "")
        )
