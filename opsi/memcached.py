"""Django's pymemcache cache, with its connection kept from one request to the next.

Django closes a memcached connection at the end of every request (``close_caches`` on
``request_finished``), so a logged-in page, which reads its session from the cache, opened and
closed a TCP connection each time: half of what a logged-in plain page cost beyond an
anonymous one (``bench/FINDINGS.md``). Here the connection stays open for the worker's life.

A kept connection can have been closed meanwhile by the other end (memcached restarted): a
command that finds it closed reconnects and is sent once more, so the first request after a
restart is served like any other (``tests/test_login_stack.py``). Only a connection kept from
before is tried again, and only when it was found closed or reset, where memcached cannot
have carried the command out.
"""

from django.core.cache.backends.memcached import PyMemcacheCache
from django.utils.functional import cached_property
from pymemcache.client.base import Client
from pymemcache.client.hash import HashClient
from pymemcache.exceptions import MemcacheUnexpectedCloseError

# Never sent twice: a count could go up twice.
COUNTING = (b"incr", b"decr")
CLOSED = (MemcacheUnexpectedCloseError, BrokenPipeError, ConnectionResetError, ConnectionAbortedError)


def _once_more_on_a_closed_connection(command):
    def run(self, *args, **kwargs):
        kept = self.sock is not None
        try:
            return command(self, *args, **kwargs)
        except CLOSED:
            if not kept or (len(args) > 1 and args[1] in COUNTING):
                raise
            self.close()  # pymemcache has closed it already on most paths; closing twice is harmless
            return command(self, *args, **kwargs)

    return run


class ReconnectingClient(Client):
    _fetch_cmd = _once_more_on_a_closed_connection(Client._fetch_cmd)
    _store_cmd = _once_more_on_a_closed_connection(Client._store_cmd)
    _misc_cmd = _once_more_on_a_closed_connection(Client._misc_cmd)


class ReconnectingHashClient(HashClient):
    client_class = ReconnectingClient


class KeptConnectionCache(PyMemcacheCache):
    @cached_property
    def _cache(self):
        servers = self.client_servers
        if len(servers) == 1:
            # One memcached (the usual): its client directly, without hashing every key to a server.
            return ReconnectingClient(servers[0], **self._options)
        return ReconnectingHashClient(servers, **self._options)

    def close(self, **kwargs):
        pass  # kept open: see the module's docstring
