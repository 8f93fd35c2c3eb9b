"""Take an encrypted, compressed backup of the database with its manifest (nightly from cron)."""

from django.core.management.base import BaseCommand, CommandError

from opsi.backups import BackupError, take_backup


class Command(BaseCommand):
    help = (
        "Back up the database into BACKUP_DIR: compressed and encrypted to BACKUP_GPG_RECIPIENT through "
        "pipes (no plain copy on disk), with a manifest. --nightly (cron) backups are pruned to "
        "BACKUP_KEEP_DAILY days and BACKUP_KEEP_MONTHLY months; any other backup is manual and kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dir", help="directory to write to (default: BACKUP_DIR)")
        parser.add_argument(
            "--nightly",
            action="store_true",
            help="the scheduled backup: named opsi-<time>, pruned with the other nightly ones "
            "(without it: opsi-manual-<time>, never pruned)",
        )

    def handle(self, *args, **options):
        try:
            backup = take_backup(options["dir"], nightly=options["nightly"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        manifest = backup.manifest
        self.stdout.write(
            f"{backup.path} ({manifest['size']:,} bytes, {manifest['rows']:,} rows in "
            f"{len(manifest['tables'])} tables, {backup.seconds:.1f} s)\n{backup.manifest_path}"
        )
