"""The background worker, kept alive across database restarts.

django-tasks' `db_worker` re-raises any database error other than "database is locked",
so a PostgreSQL restart or failover ends it for good and queued imports wait forever.
This command runs the same worker, and when the database goes away it drops the broken
connections, waits (1 s, doubling up to 30 s) and carries on. On every (re)start it closes
the imports whose worker vanished, so nobody waits on a job that will never finish.
"""

import logging
import time

from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django_tasks_db.management.commands import db_worker

from dashboard import jobs

logger = logging.getLogger("django_tasks_db")

MAX_BACKOFF = 30.0


class Worker(db_worker.Worker):
    def run(self) -> None:
        backoff = 1.0
        while self.running:
            try:
                ended = jobs.end_vanished_jobs()
                for job in ended:
                    logger.warning("Import %s had lost its worker: marked %s", job.pk, job.status)
                super().run()
                return
            except (OperationalError, InterfaceError) as error:
                logger.warning("Database unavailable (%s); retrying in %.0f s", error, backoff)
            except DatabaseError as error:
                # A broken connection can surface as another DatabaseError; a real SQL bug
                # would repeat at once, so it is logged in full and retried just the same.
                logger.exception("Database error in the worker (%s)", error)
            self.running_task = False
            for connection in connections.all(initialized_only=True):
                try:
                    connection.close()
                except DatabaseError:
                    connection.connection = None
            time.sleep(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF)


class Command(db_worker.Command):
    help = "Run the background worker (db_worker), reconnecting after database restarts"

    def handle(self, **options):
        # db_worker's handle() builds its Worker by module-level name; this process runs ours.
        db_worker.Worker = Worker
        super().handle(**options)
