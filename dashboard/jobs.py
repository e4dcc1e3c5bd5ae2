"""Is the worker running an import still alive? Locks, heartbeats and vanished jobs.

The worker holds a PostgreSQL session advisory lock keyed on the job for as long as it runs
the job, on the same connection as the import's transaction. PostgreSQL releases the lock
when that connection ends (worker killed, machine lost, database restarted), so a running
job whose lock is free has no worker and no open transaction: it can be marked failed with
certainty, nothing of it can still commit. The heartbeat (a timestamp written every few
seconds from a thread on a connection of its own) tells people when the worker last showed
a sign of life, and finds a worker that is alive but hung.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

import psycopg
from django.db import connection, transaction
from django.utils import timezone

from dashboard.models import ImportJob

logger = logging.getLogger(__name__)

# The first key of the two-key advisory locks held on import jobs ("CS36" in ASCII).
LOCK_CLASS = 0x43533336
HEARTBEAT_SECONDS = 5
# A worker silent this long while holding its job's lock is hung; cancel may end it.
HUNG_AFTER = timedelta(minutes=2)

VANISHED_MESSAGE = (
    "The background worker stopped while running this import (last sign of life {when}). "
    "An import is saved all at once or not at all, so nothing from it was kept. "
    "Retry it; if this happens again, ask your administrator to check the worker."
)


def try_lock(job_id: int) -> bool:
    """Take the job's lock on the default connection; False if a worker already holds it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_CLASS, job_id])
        return bool(cursor.fetchone()[0])


def unlock(job_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_CLASS, job_id])


def lock_holders(job_ids) -> dict[int, int]:
    """Job id -> backend pid of the connection holding its lock, for the jobs that have one."""
    job_ids = list(job_ids)
    if not job_ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT objid::bigint, pid FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND classid::bigint = %s AND objsubid = 2 AND objid::bigint = ANY(%s) "
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            [LOCK_CLASS, job_ids],
        )
        return dict(cursor.fetchall())


def end_vanished_jobs(jobs=None) -> list[ImportJob]:
    """Mark running jobs whose worker is gone as failed (or cancelled, if cancel was asked).

    `jobs` narrows the search (an agency's jobs, one job); by default every running job.
    Safe to call from any page view or worker: it changes only jobs nobody runs.
    """
    jobs = (jobs if jobs is not None else ImportJob.objects.all()).filter(
        status=ImportJob.Status.RUNNING
    )
    candidates = list(jobs.values_list("pk", flat=True))
    if not candidates:
        return []
    held = lock_holders(candidates)
    ended = []
    for job_id in candidates:
        if job_id in held:
            continue
        with transaction.atomic():
            job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
            # Check again under the row lock: the worker may have finished meanwhile.
            if job is None or job.status != ImportJob.Status.RUNNING or lock_holders([job_id]):
                continue
            end_without_worker(job)
        ended.append(job)
    return ended


def end_without_worker(job: ImportJob) -> None:
    """Close a job nobody runs any more; called with the job's row locked."""
    if job.cancel_requested:
        job.status = ImportJob.Status.CANCELLED
    else:
        when = timezone.localtime(job.heartbeat_at or job.started_at or timezone.now())
        job.status = ImportJob.Status.FAILED
        job.error = VANISHED_MESSAGE.format(when=when.strftime("%d %b %Y %H:%M:%S"))
    job.finished_at = timezone.now()
    job.save()
    _close_task_rows(job)
    logger.warning("Import %s had no worker any more: marked %s", job.pk, job.status)


def _close_task_rows(job: ImportJob) -> None:
    """Close the task queue's own row for the job, which its vanished worker left RUNNING,
    so the admin's task list and the queue agree with the job."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from dashboard.tasks import run_import_task

    DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING,
        task_path=run_import_task.module_path,
        args_kwargs__args=[job.pk],
    ).update(
        status=TaskResultStatus.FAILED,
        finished_at=job.finished_at,
        exception_class_path="dashboard.jobs.WorkerVanished",
        traceback=job.error or "Cancelled after its worker stopped.",
    )


def stop_hung_worker(job: ImportJob) -> bool:
    """End the connection of a worker that holds the job but has been silent too long.

    Its transaction is rolled back by PostgreSQL, so the job can be closed at once.
    """
    if job.heartbeat_at is None or timezone.now() - job.heartbeat_at < HUNG_AFTER:
        return False
    pid = lock_holders([job.pk]).get(job.pk)
    if pid is None:
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        return bool(cursor.fetchone()[0])


class Heartbeat:
    """Writes `heartbeat_at` every few seconds from a thread, on a connection of its own,
    so the beat goes on while the import is busy inside one long statement."""

    def __init__(self, job_id: int, every: float = HEARTBEAT_SECONDS):
        self.job_id = job_id
        self.every = every
        params = connection.get_connection_params()
        # Plain connection settings only: Django's adapters and cursor classes stay with Django.
        self.params = {k: v for k, v in params.items() if k not in {"context", "cursor_factory"}}
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"heartbeat-{job_id}", daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        self.thread.join(timeout=self.every + 5)

    def _run(self):
        try:
            with psycopg.connect(**self.params, autocommit=True) as conn:
                while True:
                    conn.execute(
                        "UPDATE dashboard_importjob SET heartbeat_at = now() WHERE id = %s",
                        [self.job_id],
                    )
                    if self.stopped.wait(self.every):
                        return
        except psycopg.Error:
            # The import's own connection fails the same way and records the error.
            logger.warning("Heartbeat of import %s stopped", self.job_id, exc_info=True)
