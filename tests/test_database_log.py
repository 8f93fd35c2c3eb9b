"""PostgreSQL's own log names no member: with the app role's settings of SECURITY.md
(``log_min_error_statement = panic``, ``log_error_verbosity = terse``) a refused write logs
the error alone, not the statement with its values nor the DETAIL line that repeats a key.

Runs on the throwaway cluster of scripts/with-postgres.sh, whose server log is beside its data.
"""

import contextlib
import os
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction

from tests.factories import MemberFactory
from tests.test_database_unavailable import writes_refused

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql" or "OPSI_PGDATA" not in os.environ,
    reason="the database log of the throwaway PostgreSQL cluster",
)

ROLE_SETTINGS = {"log_min_error_statement": "panic", "log_error_verbosity": "terse"}
UIC, ALIAS = "AAAA3010100", "Kenanga Rahasia"


@contextlib.contextmanager
def server_log():
    """The lines the server logs meanwhile."""
    log = Path(os.environ["OPSI_PGDATA"]).parent / "server.log"
    start = log.stat().st_size
    lines = []
    yield lines
    time.sleep(0.3)  # the server writes its log itself
    with open(log, "rb") as f:
        f.seek(start)
        lines.extend(f.read().decode(errors="replace").splitlines())


@contextlib.contextmanager
def role_settings(values):
    """``ALTER ROLE ... IN DATABASE ... SET``, as SECURITY.md says to run once; new sessions take them."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, current_database()")
        role, database = (connection.ops.quote_name(name) for name in cursor.fetchone())
        for name, value in values.items():
            cursor.execute(f"ALTER ROLE {role} IN DATABASE {database} SET {name} = {value}")
    connection.close()
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER ROLE {role} IN DATABASE {database} RESET ALL")
        connection.close()


@contextlib.contextmanager
def unique_codes():
    """A unique index on the members' code, so that a second member with it is refused with a
    DETAIL line that repeats the code (as a unique submission key or a duplicate NIK hash does)."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE UNIQUE INDEX test_unique_uic ON members_member (uic)")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX test_unique_uic")


def refused_writes(jakarta):
    """A member whose code is taken, and a member saved while the database refuses writes."""
    MemberFactory(branch=jakarta, uic=UIC, alias="Mawar")
    with pytest.raises(DatabaseError), transaction.atomic():
        MemberFactory(branch=jakarta, uic=UIC, alias=ALIAS)
    with writes_refused(), pytest.raises(DatabaseError), transaction.atomic():
        MemberFactory(branch=jakarta, uic=UIC, alias=ALIAS)


@pytest.mark.django_db(transaction=True)
def test_a_refused_write_logs_no_member_value_with_the_role_settings(jakarta):
    with unique_codes(), role_settings(ROLE_SETTINGS), server_log() as lines:
        refused_writes(jakarta)
    errors = [line for line in lines if "ERROR:" in line]
    assert any("duplicate key" in line for line in errors) and any("read-only" in line for line in errors), lines
    assert not [line for line in lines if UIC in line or ALIAS in line], lines


@pytest.mark.django_db(transaction=True)
def test_without_the_role_settings_the_log_holds_the_values(jakarta):
    """What the settings prevent: the statement with its values and the DETAIL line."""
    with unique_codes(), server_log() as lines:
        refused_writes(jakarta)
    assert any(UIC in line and "DETAIL" in line for line in lines), lines
    assert any(ALIAS in line and "STATEMENT" in line for line in lines), lines
