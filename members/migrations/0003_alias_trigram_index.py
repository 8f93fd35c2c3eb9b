"""Searching members by any part of their alias: a trigram index on PostgreSQL.

``alias__icontains`` is ``UPPER(alias) LIKE UPPER('%text%')``, which no B-tree index
can serve: at national scale every search read all of a branch's members (6,500 rows
spread over 4,300 pages). A GIN trigram index on ``UPPER(alias)`` finds the few that
match. PostgreSQL only (SQLite has no such index, and no such scale), so it is not in
the model's Meta.
"""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS member_alias_trgm ON members_member USING gin (UPPER(alias) gin_trgm_ops)",
]
DROP = ["DROP INDEX IF EXISTS member_alias_trgm"]


def run(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return operation


class Migration(migrations.Migration):
    dependencies = [("members", "0002_members")]

    operations = [migrations.RunPython(run(CREATE), run(DROP))]
