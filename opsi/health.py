"""Health checks for a load balancer: alive (the process answers) and ready (it can serve).

``/healthz`` answers as long as the process runs, touching nothing. ``/healthz/ready`` answers
200 only when the database answers, takes writes and has every migration on disk applied, so a
load balancer sends no users to an app server whose database is gone, read-only (a replica, a
full disk turned read-only, ``default_transaction_read_only``) or not yet migrated. Neither
reads the session or the user, and both answer over plain http (``SECURE_REDIRECT_EXEMPT``):
a load balancer checks the app server directly.
"""

import functools

from django.db import DatabaseError, connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.http import HttpResponse
from django.views.decorators.cache import never_cache


@functools.cache
def migrations_on_disk():
    """Read once per process: the files do not change under a running server."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return frozenset(loader.graph.nodes)


def missing_migrations():
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations")
        applied = set(cursor.fetchall())
    return migrations_on_disk() - applied


def refuses_writes():
    """A write that changes nothing: PostgreSQL refuses it in a read-only transaction or on a
    standby, SQLite on a read-only file or connection; neither writes anything for it."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM django_migrations WHERE 1 = 0")
    except DatabaseError:
        return True
    return False


@transaction.non_atomic_requests  # two queries, no BEGIN and COMMIT around them
@never_cache
def ready(request):
    try:
        missing = missing_migrations()
    except DatabaseError:
        return HttpResponse("not ready: the database does not answer\n", status=503, content_type="text/plain")
    if refuses_writes():
        return HttpResponse("not ready: the database refuses writes\n", status=503, content_type="text/plain")
    if missing:
        return HttpResponse(
            f"not ready: {len(missing)} migrations not applied\n", status=503, content_type="text/plain"
        )
    return HttpResponse("ready\n", content_type="text/plain")
