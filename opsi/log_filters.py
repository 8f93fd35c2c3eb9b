"""Keep members' values out of the app's own log.

A refused write raises a database error whose text quotes the row: PostgreSQL's ``DETAIL:
Key (code)=(AAAA3010100) already exists.``, or a failing value in a check. Django logs a 500
with that text in its traceback (``django.request``), and the log goes wherever the service's
output goes. The database's own log is kept quiet by the role's settings (SECURITY.md); this
filter does the same for the app's: a logged database error keeps its traceback (where it
happened) and its kind and SQLSTATE code, never its message.
"""

import logging
import traceback

from django.db import DatabaseError

WITHHELD = "(message withheld: a database error may quote a member's values)"


def _chain(exc):
    seen = []
    while exc is not None and exc not in seen:
        seen.append(exc)
        exc = exc.__cause__ or exc.__context__
    return seen


def _is_database_error(exc):
    return any(
        isinstance(e, DatabaseError) or type(e).__module__.startswith(("psycopg", "sqlite3")) for e in _chain(exc)
    )


def scrubbed(exc):
    """The traceback of ``exc`` and the exceptions behind it, each named by kind and code only."""
    parts = []
    for e in reversed(_chain(exc)):
        if parts:
            parts.append("\nThe above exception led to the following exception:\n\n")
        parts.append("Traceback (most recent call last):\n")
        parts.extend(traceback.format_tb(e.__traceback__))
        code = getattr(e, "sqlstate", None) or getattr(e, "pgcode", None)
        kind = f"{type(e).__module__}.{type(e).__qualname__}"
        parts.append(f"{kind}{f' (SQLSTATE {code})' if code else ''}: {WITHHELD}")
    return "".join(parts)


class DatabaseValuesFilter(logging.Filter):
    def filter(self, record):
        exc = record.exc_info[1] if record.exc_info else None
        if exc is not None and _is_database_error(exc):
            record.exc_text = scrubbed(exc)
        return True
