"""The logged-in user and the user's branches, read in one query.

Every page of a logged-in user needs both: the branches give the scoping filters their ids,
the time zone and the menu. Django's ModelBackend reads the user, then ``User.branch_list``
reads the branches: two round trips on every request, and on a loaded server each round trip
to the database costs more than the query. Here the branches come in the user's row, as a
JSON list built by the database, and fill ``branch_list`` for the request.
"""

import functools
import json

from django.contrib.auth.backends import ModelBackend
from django.db import connection
from django.db.models import Aggregate, JSONField, OuterRef, Subquery
from django.db.models.functions import JSONObject

from .models import User
from .tenant import Branch

BRANCH_FIELDS = [field for field in Branch._meta.concrete_fields]


class JSONList(Aggregate):
    """The rows of a group as one JSON list."""

    function = "JSON_GROUP_ARRAY"  # SQLite
    output_field = JSONField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="JSONB_AGG", **extra_context)


def _branch_rows():
    links = User.branches.through.objects.filter(user=OuterRef("pk")).values("user")
    return Subquery(
        links.annotate(
            rows=JSONList(JSONObject(**{field.attname: f"branch__{field.attname}" for field in BRANCH_FIELDS}))
        ).values("rows")
    )


def _branches(rows, using):
    names = [field.attname for field in BRANCH_FIELDS]
    branches = [
        Branch.from_db(using, names, [field.to_python(row[field.attname]) for field in BRANCH_FIELDS])
        for row in rows or []
    ]
    return sorted(branches, key=lambda branch: (branch.name, branch.pk))  # Branch's own order


_SENTINEL = -7_000_000_001


@functools.cache
def _user_query(vendor):
    """The SQL, its parameters, where the user's id goes, and the converters of the columns,
    made once per process: building a query with a subquery and an aggregate, and reading the
    row through a queryset, cost Django more than the database takes to answer it."""
    query = User._default_manager.annotate(branch_rows=_branch_rows()).filter(pk=_SENTINEL)
    compiler = query.query.get_compiler(connection=connection)
    sql, params = compiler.as_sql()
    fields = User._meta.concrete_fields
    converters = compiler.get_converters([field.get_col(User._meta.db_table) for field in fields])
    return sql, list(params), params.index(_SENTINEL), [field.attname for field in fields], converters


def _user_with_branch_rows(user_id):
    sql, params, at, names, converters = _user_query(connection.vendor)
    params = [*params[:at], int(user_id), *params[at + 1 :]]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for position, (field_converters, expression) in converters.items():
        for convert in field_converters:
            values[position] = convert(values[position], expression, connection)
    user = User.from_db(connection.alias, names, values[: len(names)])
    user.__dict__["branch_rows"] = values[len(names)]  # the one column after the user's own
    return user


class AccountBackend(ModelBackend):
    """ModelBackend (password login, permissions), with the user's branches read alongside."""

    def get_user(self, user_id):
        try:
            user = _user_with_branch_rows(user_id)
        except (TypeError, ValueError):  # not an id: nobody
            return None
        if user is None or not self.user_can_authenticate(user):
            return None
        rows = user.__dict__.pop("branch_rows")
        user.__dict__["branch_list"] = _branches(json.loads(rows) if isinstance(rows, str) else rows, user._state.db)
        return user
