"""``manage.py db_worker``: django-tasks-db's worker, with the upkeep of ``opsi.jobs``.

Beside the worker's loop a thread sweeps every few seconds: a job whose worker stopped
beating (killed, its host lost) goes back on the queue for any worker, and expired files
are deleted. Any number of workers may run, on any host that reaches the database.
"""

import logging
import os
import threading

from django.conf import settings
from django.db import connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as WorkerCommand

from opsi import jobs

logger = logging.getLogger("opsi.jobs")


def _sweep_forever(stopped):
    while not stopped.wait(settings.JOB_HEARTBEAT_SECONDS):
        try:
            jobs.sweep()
        except Exception as error:  # a database away for a while: try again next round
            logger.warning("job sweep failed: %s", type(error).__name__)
        finally:
            connections.close_all()


class Command(WorkerCommand):
    help = "Run a worker that makes the files asked for on the pages (exports, report files)"

    def handle(self, *args, **options):
        # With --reload the first process only watches the code; its child works.
        if not options.get("reload") or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
            threading.Thread(target=_sweep_forever, args=(threading.Event(),), name="job-sweep", daemon=True).start()
        return super().handle(*args, **options)
