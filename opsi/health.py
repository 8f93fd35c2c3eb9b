"""Health checks for a load balancer: alive (the process answers) and ready (it can serve).

``/healthz`` answers as long as the process runs, touching nothing. ``/healthz/ready`` answers
200 only when the database answers and every migration on disk is applied, so a load
balancer sends no users to an app server whose database is gone or not yet migrated.
Neither reads the session or the user.
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


@transaction.non_atomic_requests  # one query, no BEGIN and COMMIT around it
@never_cache
def ready(request):
    try:
        missing = missing_migrations()
    except DatabaseError:
        return HttpResponse("not ready: the database does not answer\n", status=503, content_type="text/plain")
    if missing:
        return HttpResponse(
            f"not ready: {len(missing)} migrations not applied\n", status=503, content_type="text/plain"
        )
    return HttpResponse("ready\n", content_type="text/plain")
