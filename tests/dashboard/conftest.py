import contextlib

import psycopg
import pytest
from django.db import connection

from dashboard import jobs


@pytest.fixture
def live_worker():
    """Pretend a worker is running a job: hold its lock from another connection, as one does."""
    stack = contextlib.ExitStack()

    def hold(job):
        params = {
            k: v
            for k, v in connection.get_connection_params().items()
            if k not in {"context", "cursor_factory"}
        }
        conn = stack.enter_context(psycopg.connect(**params, autocommit=True))
        conn.execute("SELECT pg_advisory_lock(%s, %s)", [jobs.LOCK_CLASS, job.pk])
        return conn.info.backend_pid

    with stack:
        yield hold
