"""The logged-in user and the user's branches, kept in the shared cache beside the session.

Every page of a logged-in user reads the session, then the user's row and branches
(``opsi/backends.py``). Where sessions are kept in a cache shared by every process
(``LOGINS_IN_CACHE``, on with a memcached or redis ``CACHE_URL``), the user's row read for a
session is kept there too, under the session's key, and read in the same round trip as the
session (``opsi.sessions.SessionStore``): a plain page then asks the database nothing.

A kept row is used only while it is known to be the row in the database. One token in the
cache stands for the state of every user and branch: a kept row carries the token it was read
under and is used only while that token is still the one in the cache. Any change to any user
(role, branches, active flag, password, language, last login: any save, delete or queryset
update, ``AccountQuerySet``) or to any branch puts a new token in place, at once and again when
the transaction commits, and each logged-in user's next request reads the database again:

- at once, so that later requests in the same transaction see the change;
- at commit, because a request of another process may have read the row between the first new
  token and the commit (the change not yet visible to it) and kept it under that token.

The token a row is kept under is read before the row is read from the database, so a row read
before a change can never be kept under a token given after it. One token for everyone costs a
database read per logged-in user after each change to anyone (a login is one, by its last-login
stamp): a few hundred reads, against one on every request. A row is kept for ``KEPT_SECONDS``
at the most, which bounds what a change made behind the ORM's back could leave: raw SQL, or
rows of the user-branch table written through its own manager (Django sends no signal for
them; the code writes that table only through ``user.branches`` and ``branch.users``, which do).

The kept row holds no password hash: the password is left unread (deferred) and the session's
check uses the hash of it kept with the row, the one the session itself holds.
``tests/test_login_cache.py`` shows each change taking effect at the next request.
"""

import contextvars
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet

KEPT_SECONDS = 60
TOKEN = "opsi.login.token"
_ROW = "opsi.login.session:{}"


def enabled():
    return settings.LOGINS_IN_CACHE


def row_key(session_key):
    return _ROW.format(session_key)


@dataclass
class Kept:
    """What the session's read found for the user: the row if usable, and where to keep one."""

    session_key: str
    token: str | None  # the token read with the session, None if there was none
    row: tuple | None  # (user id, session auth hash, user values, branch values)


def found(session_key, values):
    """``Kept`` from what one ``get_many`` of the session's keys returned."""
    token, kept = values.get(TOKEN), values.get(row_key(session_key))
    usable = kept is not None and token is not None and kept[0] == token
    return Kept(session_key, token, kept[1] if usable else None)


# Set only while the request's user is read (opsi.middleware.AuthenticationMiddleware).
current = contextvars.ContextVar("kept_login", default=None)


def keep(kept, row):
    if kept.token is None:
        # A fresh cache: a token is put in place for the next request. This row was read with no
        # token to keep it under (one taken now could be a change's, made after the read): not kept.
        cache.add(TOKEN, uuid.uuid4().hex, timeout=None)
        return
    cache.set(row_key(kept.session_key), (kept.token, row), timeout=KEPT_SECONDS)


def _new_token():
    cache.set(TOKEN, uuid.uuid4().hex, timeout=None)


def forget():
    """No kept row is used again."""
    _new_token()
    transaction.on_commit(_new_token)


class AccountQuerySet(QuerySet):
    """Users' querysets: an ``update()`` (which sends no signal) forgets the kept rows."""

    def update(self, **kwargs):
        if enabled():
            forget()
        return super().update(**kwargs)


def changed(sender, **kwargs):
    """A user, a branch, or who belongs to which branch (from either side)."""
    if enabled() and not kwargs.get("action", "post_").startswith("pre_"):
        forget()


def connect():
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from .models import User
    from .tenant import Branch

    for name, signal in (("save", post_save), ("delete", post_delete)):
        signal.connect(changed, sender=User, dispatch_uid=f"login-cache-user-{name}")
        signal.connect(changed, sender=Branch, dispatch_uid=f"login-cache-branch-{name}")
    # The user-branch table sends no save or delete signal of its own (Django made it): its
    # changes arrive as m2m_changed, from either side.
    m2m_changed.connect(changed, sender=User.branches.through, dispatch_uid="login-cache-membership")
