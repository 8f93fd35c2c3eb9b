"""The service catalogue and the drop-in centres as the visit form offers them.

The form is opened at every visit a coordinator logs; these tables change a few
times a year, in the admin. So each server process keeps what it read in Django's
cache for ``SECONDS``. Saving or deleting a service, a commodity, a centre or a
branch forgets this process's copy at once (with a shared cache, every process's);
other processes see the change within ``SECONDS``.

The copies themselves are kept in the process (a ``LocMemCache`` of its own, which
hands out a fresh unpickled copy each time, as the shared cache did), under a key
that holds the version read from the shared cache: a form costs one round trip to
memcached, for the version, instead of four (the version twice, then each copy).
"""

import time

from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.db.models.signals import post_delete, post_save

from opsi.tenant import Branch, DropInCentre

from .models import Commodity, ServiceType

SECONDS = 60
VERSION_KEY = "reference:version"


# This process's copies; an old version's are never asked for again and expire.
_kept = LocMemCache("services-reference", {"TIMEOUT": SECONDS, "OPTIONS": {"MAX_ENTRIES": 1000}})


def version():
    """The version of the reference tables, from the shared cache. A caller that reads
    both the services and the centres reads it once and passes it to both."""
    found = cache.get(VERSION_KEY)
    if found is None:  # first use, or evicted: a number never used before
        cache.add(VERSION_KEY, time.time_ns(), None)
        found = cache.get(VERSION_KEY)
    return found


def _read(parts, load, at_version):
    key = ":".join(["reference", str(version() if at_version is None else at_version), *map(str, parts)])
    found = _kept.get(key)
    if found is None:
        found = load()
        _kept.set(key, found, SECONDS)
    return found


def active_services(at_version=None):
    """The active services of the catalogue, in their order, with their commodity."""
    return _read(
        ["services"],
        lambda: list(ServiceType.objects.filter(active=True).select_related("commodity")),
        at_version,
    )


def active_commodities(at_version=None):
    """The active commodities, by name: the items a centre's stock is counted in."""
    return _read(["commodities"], lambda: list(Commodity.objects.filter(active=True)), at_version)


def active_centres(user, at_version=None):
    """The active drop-in centres where ``user`` may log a visit, with their branch.

    Read through ``writable_by``; the copy is shared only by users for whom that
    rule gives the same centres (same kind of access, same branches).
    """
    if user.is_admin:
        scope = "all"
    elif user.writes_in_branches:
        scope = ",".join(map(str, sorted(user.branch_ids)))
    else:
        return []
    return _read(
        ["centres", scope],
        lambda: list(DropInCentre.objects.writable_by(user).filter(active=True).select_related("branch")),
        at_version,
    )


def forget(**kwargs):
    """A change to the reference tables: every copy read before it is dropped."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not in the cache: a number never used before forgets all the same
        cache.set(VERSION_KEY, time.time_ns(), None)


def connect_signals():
    """Called from the app's ``ready()``: every process forgets on a change, whatever it imported."""
    for model in (ServiceType, Commodity, DropInCentre, Branch):
        post_save.connect(forget, sender=model, dispatch_uid=f"reference-{model.__name__}-save")
        post_delete.connect(forget, sender=model, dispatch_uid=f"reference-{model.__name__}-delete")
