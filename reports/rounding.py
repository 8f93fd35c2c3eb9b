"""Random rounding to base 5, keyed: what a reader sees instead of an exact protected count.

A count is rounded to a multiple of 5, up with probability (remainder / 5) and down otherwise,
so that on average a rounded figure equals the true one. The draw is not random at each
request: it is an HMAC of the cell's identity (which figure, which row and column, never the
translated label), the scope, the period and the true count, under a key of the site's own
(``REPORT_ROUNDING_KEY``, by default derived from ``SECRET_KEY``). The same count of the same
cell therefore shows the same figure in every report, language and file, however often it is
downloaded: asking again, or for the same cell in another report, tells nothing new. A count
that changes draws afresh. True zeros and multiples of 5 are shown as they are.
"""

import hashlib
import hmac

from django.conf import settings

BASE = 5


def _key():
    configured = getattr(settings, "REPORT_ROUNDING_KEY", "")
    if configured:
        return configured.encode()
    return hmac.new(settings.SECRET_KEY.encode(), b"opsi report rounding", hashlib.sha256).digest()


def draw(*identity):
    """A number in [0, 1) fixed by ``identity`` (strings and numbers) under the site's key."""
    message = "\x1f".join(str(part) for part in identity).encode()
    digest = hmac.new(_key(), message, hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def rounded(value, *identity):
    """``value`` (a whole number of at least 0) randomly rounded to a multiple of 5, the same way
    every time for the same ``identity`` and value."""
    remainder = value % BASE
    if not remainder:
        return value
    up = draw(*identity, value) < remainder / BASE
    return value - remainder + (BASE if up else 0)
