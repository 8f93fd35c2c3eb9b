"""Database helpers shared by the apps."""

import hashlib

from django.db import connections
from django.db.models import F
from django.db.models.functions import Collate


def bytewise(field, using="default"):
    """``field`` compared byte by byte: for codes (UIC), which are plain ASCII.

    Counting distinct codes sorts them; under the database's language collation
    (en_US.UTF-8, C.UTF-8...) PostgreSQL compares strings with the C library,
    about twice as slow as plain bytes ("C"). SQLite already compares bytes.
    """
    if connections[using].vendor == "postgresql":
        return Collate(field, "C")
    return F(field)


def person_key(code):
    """A signed 64-bit number standing for a person's code (UIC): the first 8 bytes of its MD5.

    Counting the distinct people of a year of visits compares these numbers rather than
    the codes: less than half the time on PostgreSQL. Two codes share a key with a chance
    of about 1 in 500 million at national scale (250,000 codes), far below the error of
    the codes themselves. ``PERSON_KEY_SQL`` computes the same number in PostgreSQL.
    """
    digest = hashlib.md5(code.encode(), usedforsecurity=False).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


PERSON_KEY_SQL = "('x' || substr(md5({column}), 1, 16))::bit(64)::bigint"
