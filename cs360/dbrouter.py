"""An optional read replica for the public pages and downloads.

When DATABASE_REPLICA_URL is set there is a second database alias, "replica": a streaming
standby of the primary. Only code that runs inside `replica_reads` (the public dashboard
views, and the rows of a download they stream) reads from it; everything else, every write
and the cache table read from the primary. A replica lags the primary by a moment, which is
harmless for published aggregates (their cache keys carry the data version read from the
same replica) but not for a staff member who has just saved a form, so staff pages never
use it.
"""

import contextvars
import functools
from contextlib import contextmanager

from django.db import connections
from django.http import StreamingHttpResponse

REPLICA = "replica"
_public_reads = contextvars.ContextVar("cs360_public_reads", default=False)


def read_alias() -> str:
    """The alias reads should use here: the replica inside `replica_reads`, when configured."""
    if _public_reads.get() and REPLICA in connections.settings:
        return REPLICA
    return "default"


@contextmanager
def replica_reads():
    token = _public_reads.set(True)
    try:
        yield
    finally:
        _public_reads.reset(token)


def _streamed_from_replica(iterator):
    with replica_reads():
        yield from iterator


def public_read_view(view):
    """Run a read-only public view (and the body it streams) against the replica."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        with replica_reads():
            response = view(request, *args, **kwargs)
        if isinstance(response, StreamingHttpResponse):
            response.streaming_content = _streamed_from_replica(response.streaming_content)
        return response

    return wrapper


class ReplicaRouter:
    """Reads inside `replica_reads` go to the replica; writes and migrations never do."""

    def db_for_read(self, model, **hints):
        # The cache table is written on every miss and read right after: always the primary.
        if model._meta.app_label == "django_cache":
            return "default"
        return read_alias()

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows as the primary, so objects from either relate.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
