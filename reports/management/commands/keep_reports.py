"""Count the national reports of the periods that ended last ahead of the day's first reader.

    manage.py keep_reports

Figures of a closed period are kept as facts for a day (``reports.kept``): whoever asks for
last year's report first on a day waits for the count, and so does the first report of this
year, which shows last year's key figures beside its own (read from last year's kept report).
The same for the last quarter and half-year that have ended. Run daily just after midnight in
WIB (README): the day's first reader then reads kept figures, and the open periods are counted
live as always. Nothing is kept for an open period, so nothing shown is older than its last
change.
"""

import datetime
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation

from opsi.models import User
from reports import kept, periods
from reports.building import build_report
from reports.definitions import DEFINITIONS
from reports.scopes import Scope


class Command(BaseCommand):
    help = "Count the national reports of the year, half-year and quarter that ended last, so their kept figures are ready."

    def handle(self, *args, **options):
        # Reads every branch as the secretariat does; nobody logs in and nothing is written but
        # kept figures (counts and labels).
        reader = User(username="keep_reports", role=User.Role.SECRETARIAT)
        today = kept.today()
        quarter, half = (today.month - 1) // 3 + 1, (today.month - 1) // 6 + 1
        ended = [
            periods.year(today.year - 1),
            periods.half_year(today.year, half).previous(),
            periods.quarter(today.year, quarter).previous(),
        ]
        began = time.perf_counter()
        built = 0
        for definition in DEFINITIONS.values():
            for period in dict.fromkeys(ended):  # the second half's previous is the first: once
                for language, _name in settings.LANGUAGES:
                    with translation.override(language):
                        build_report(definition, period, Scope("national"), reader)
                    built += 1
        self.stdout.write(
            f"{built} reports counted in {time.perf_counter() - began:.1f} s "
            f"({datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC)"
        )
