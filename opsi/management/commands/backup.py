"""Take an encrypted, compressed backup of the database with its manifest (daily from cron)."""

from django.core.management.base import BaseCommand, CommandError

from opsi.backups import BackupError, take_backup


class Command(BaseCommand):
    help = (
        "Back up the database into BACKUP_DIR: compressed, encrypted to BACKUP_GPG_RECIPIENT, "
        "with a manifest; keeps BACKUP_KEEP_DAILY daily and BACKUP_KEEP_MONTHLY monthly copies."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dir", help="directory to write to (default: BACKUP_DIR)")

    def handle(self, *args, **options):
        try:
            backup = take_backup(options["dir"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        manifest = backup.manifest
        self.stdout.write(
            f"{backup.path} ({manifest['size']:,} bytes, {manifest['rows']:,} rows in "
            f"{len(manifest['tables'])} tables, {backup.seconds:.1f} s)\n{backup.manifest_path}"
        )
