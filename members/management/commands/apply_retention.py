from django.conf import settings
from django.core.management.base import BaseCommand

from members.erasure import apply_retention
from opsi import jobs


class Command(BaseCommand):
    help = (
        "Forget members who left long ago and purge old access entries, as the retention policy says; "
        "delete the exported files past their hour (the workers do too)."
    )

    def handle(self, *args, **options):
        forgotten, purged = apply_retention(
            left_years=settings.RETENTION_LEFT_MEMBER_YEARS, access_log_days=settings.RETENTION_ACCESS_LOG_DAYS
        )
        files = jobs.delete_expired()
        self.stdout.write(
            f"{forgotten} members forgotten, {purged} access entries purged, {files} expired files deleted."
        )
