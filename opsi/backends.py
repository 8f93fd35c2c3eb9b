"""The logged-in user and the user's branches, read in one query.

Every page of a logged-in user needs both: the branches give the scoping filters their ids,
the time zone and the menu. Django's ModelBackend reads the user, then ``User.branch_list``
reads the branches: two round trips on every request, and on a loaded server each round trip
to the database costs more than the query. Here the branches come in the user's row, as a
JSON list built by the database, and fill ``branch_list`` for the request. Where sessions are
kept in a cache shared by every process, the row read is kept there too, and a plain page reads
it from there (``opsi/login_cache.py`` says when a kept row is used, and when no longer).
"""

import functools
import json

from django.contrib.auth.backends import ModelBackend
from django.db import connection
from django.db.models import Aggregate, JSONField, OuterRef, Subquery
from django.db.models.functions import JSONObject

from . import login_cache
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


def _branch_values(rows):
    """Each branch's field values, in Branch's own order (by name)."""
    values = [[field.to_python(row[field.attname]) for field in BRANCH_FIELDS] for row in rows or []]
    return sorted(values, key=lambda branch: (branch[NAME_AT], branch[PK_AT]))


NAME_AT = [field.attname for field in BRANCH_FIELDS].index("name")
PK_AT = [field.attname for field in BRANCH_FIELDS].index(Branch._meta.pk.attname)
USER_FIELDS = [field.attname for field in User._meta.concrete_fields]
KEPT_FIELDS = [name for name in USER_FIELDS if name != "password"]


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


def _user_row(user_id):
    """The user's field values and their branches' field values, or None: what is kept in the cache."""
    sql, params, at, names, converters = _user_query(connection.vendor)
    params = [*params[:at], user_id, *params[at + 1 :]]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for position, (field_converters, expression) in converters.items():
        for convert in field_converters:
            values[position] = convert(values[position], expression, connection)
    rows = values[len(names)]  # the one column after the user's own
    return values[: len(names)], _branch_values(json.loads(rows) if isinstance(rows, str) else rows)


def _to_keep(user_id, row):
    """What the cache keeps of a user's row: all but the password, and the hash of it the session holds."""
    values, branches = row
    at = USER_FIELDS.index("password")
    session_hash = User.from_db(connection.alias, USER_FIELDS, values).get_session_auth_hash()
    return user_id, session_hash, values[:at] + values[at + 1 :], branches


def row_to_keep(user_id):
    row = _user_row(user_id)
    return None if row is None else _to_keep(user_id, row)


class AccountBackend(ModelBackend):
    """ModelBackend (password login, permissions), with the user's branches read alongside, and
    both kept in the shared cache where sessions are (``opsi/login_cache.py``)."""

    def get_user(self, user_id):
        try:
            user_id = int(user_id)
        except (TypeError, ValueError):  # not an id: nobody
            return None
        kept = login_cache.current.get()  # set only while a request's user is read
        if kept is not None and kept.row is not None and kept.row[0] == user_id:
            _, session_hash, values, branches = kept.row
        else:
            row = _user_row(user_id)
            if row is None:
                return None
            values, branches = row
            session_hash = None
            if kept is not None:
                login_cache.keep(kept, _to_keep(user_id, row))
        return self._user(values, branches, session_hash)

    def _user(self, values, branches, session_hash):
        using = connection.alias
        if session_hash is None:
            user = User.from_db(using, USER_FIELDS, values)
        else:
            # The kept row has no password: it stays unread (read if something asks for it), and
            # the session is checked against the hash of it kept with the row.
            user = User.from_db(using, KEPT_FIELDS, values)
            user.get_session_auth_hash = functools.partial(_session_auth_hash, user, session_hash)
        if not self.user_can_authenticate(user):
            return None
        names = [field.attname for field in BRANCH_FIELDS]
        user.__dict__["branch_list"] = [Branch.from_db(using, names, branch) for branch in branches]
        return user


def _session_auth_hash(user, kept_hash):
    """The kept hash while the password is unread; once it is read or set, the hash of it."""
    if "password" in user.__dict__:
        return User.get_session_auth_hash(user)
    return kept_hash
