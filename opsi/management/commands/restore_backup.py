"""Restore a backup into an empty database, after checking it end to end."""

import tempfile

from django.core.management.base import BaseCommand, CommandError

from opsi.backups import BackupError, restore, verify


class Command(BaseCommand):
    help = (
        "Restore the backup described by MANIFEST into the database of DATABASE_URL. The file is "
        "checked (size, sha256, decryption, compression, archive) before anything is written; the "
        "target must be empty unless --replace. GNUPGHOME must hold the private key."
    )

    def add_arguments(self, parser):
        parser.add_argument("manifest", help="the backup's .manifest.json (the backup file beside it)")
        parser.add_argument("--check", action="store_true", help="only check the backup, write nothing")
        parser.add_argument("--replace", action="store_true", help="overwrite a database that holds tables")
        parser.add_argument("--passphrase", help="the private key's passphrase (else gpg-agent asks)")

    def handle(self, *args, **options):
        try:
            if options["check"]:
                with tempfile.TemporaryDirectory(prefix="opsi-verify-") as tmp:
                    manifest, _plain = verify(options["manifest"], tmp, passphrase=options["passphrase"])
                self.stdout.write(f"Sound: {manifest['file']} ({manifest['rows']:,} rows, {manifest['created_at']})")
                return
            manifest, seconds = restore(
                options["manifest"], replace=options["replace"], passphrase=options["passphrase"]
            )
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Restored {manifest['file']} of {manifest['created_at']}: {manifest['rows']:,} rows in "
            f"{len(manifest['tables'])} tables, every count as in the manifest ({seconds:.1f} s)."
        )
