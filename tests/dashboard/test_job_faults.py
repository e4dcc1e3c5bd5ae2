"""Bad days for the background worker, with real processes and a real database restart.

The tests own a private embedded PostgreSQL (under var/, never the machine's shared
service), given the test database's schema, so they can stop and start it at will.
Workers run as `manage.py run_worker` subprocesses, exactly as `make run` starts them.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connections

BASE = Path(settings.BASE_DIR)
BIN = Path(sys.executable).parent
PG_BIN = Path(__import__("pgserver").__file__).parent / "pginstall" / "bin"

# pytest-django creates the test database only when a collected test asks for it; the
# private database copies its schema, so this module asks even when run on its own.
pytestmark = pytest.mark.django_db

QUEUE = """
import sys
from dashboard import services
from dashboard.models import ImportJob
from cs360.models import Agency
agency, _ = Agency.objects.get_or_create(slug="fault-pd", defaults={"name": "Fault PD"})
job = ImportJob.objects.create(
    agency=agency, original_name=sys.argv[1], file_size=__import__("os").path.getsize(sys.argv[1]),
    status="previewed", mapping_used={"version": 1, "source": "incidents", "fields": {
        "record_id": {"column": "Case"},
        "occurred_at": {"column": "When", "formats": ["%m/%d/%Y %H:%M"]},
        "category": {"column": "Type"}}})
services.queue_import(job=job, started_by=None)
print(job.pk)
"""
RETRY = """
import sys
from dashboard import services
from dashboard.models import ImportJob
services.retry_import(job=ImportJob.objects.get(pk=int(sys.argv[1])), retried_by=None)
"""


class PrivateDatabase:
    def __init__(self, root: Path):
        self.root = root
        self.env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        self.env.update(CS360_PGDATA=str(root / "pgdata"), CS360_DATABASE_NAME="cs360")
        self.url = self.start()

    def start(self) -> str:
        return self.run([BIN / "python", "-m", "cs360.db", "start"]).strip().splitlines()[-1]

    def stop(self):
        self.run([BIN / "python", "-m", "cs360.db", "stop"])

    def run(self, args, timeout=120) -> str:
        done = subprocess.run(
            [str(a) for a in args],
            cwd=BASE,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    def django(self, code, *args) -> str:
        return self.run([BIN / "python", "-c", _SETUP + code, *args])

    def worker(self, command="run_worker") -> subprocess.Popen:
        log = open(self.root / f"{command}-{uuid.uuid4().hex[:6]}.log", "w")  # noqa: SIM115
        return subprocess.Popen(
            [BIN / "python", "manage.py", command, "--no-reload", "--interval", "0.2"]
            + ["--no-startup-delay"],
            cwd=BASE,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def job(self, job_id) -> dict:
        with psycopg.connect(self.url, autocommit=True) as conn:
            row = conn.execute(
                "SELECT status, rows_read, rows_inserted, error FROM dashboard_importjob "
                "WHERE id = %s",
                [job_id],
            ).fetchone()
        return dict(zip(["status", "rows_read", "rows_inserted", "error"], row, strict=True))

    def wait_for(self, job_id, predicate, timeout=90) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            state = self.job(job_id)
            if predicate(state) or time.monotonic() > deadline:
                return state
            time.sleep(0.1)

    def records(self) -> int:
        with psycopg.connect(self.url, autocommit=True) as conn:
            return conn.execute("SELECT count(*) FROM dashboard_policerecord").fetchone()[0]


_SETUP = "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'cs360.settings'); "
_SETUP += "django.setup()\n"


@pytest.fixture(scope="module")
def private_db(django_db_setup, django_db_blocker):
    root = BASE / "var" / "fault-tests" / uuid.uuid4().hex[:8]
    root.mkdir(parents=True)
    db = PrivateDatabase(root)
    # The test database already has the schema: copying it takes a second, migrating a minute.
    params = {
        k: v
        for k, v in connections["default"].get_connection_params().items()
        if k not in {"context", "cursor_factory", "prepare_threshold"}
    }
    # The test database (with pytest-xdist's suffix), whose schema pytest-django has set up.
    params["dbname"] = connections["default"].creation._get_test_db_name()
    source = psycopg.conninfo.make_conninfo(**params)
    dump = subprocess.run(
        [PG_BIN / "pg_dump", "--no-owner", "--no-privileges", "-d", source],
        capture_output=True,
        check=True,
        timeout=120,
    )
    # A server with its own extensions (CI's has one that stamps every column with a
    # `pg_attver` option) dumps column options the embedded server does not know; the
    # schema never sets any itself, so they are dropped.
    schema = re.sub(rb"(?m)^ALTER TABLE ONLY \S+ ALTER COLUMN \S+ SET \(.*\);\n", b"", dump.stdout)
    subprocess.run(
        [PG_BIN / "psql", "-q", "-v", "ON_ERROR_STOP=1", "-d", db.url],
        input=schema,
        capture_output=True,
        check=True,
        timeout=120,
    )
    try:
        yield db
    finally:
        db.stop()
        shutil.rmtree(root, ignore_errors=True)


def export(path: Path, rows: int, prefix: str) -> Path:
    with path.open("w") as out:
        out.write("Case,When,Type\n")
        for i in range(rows):
            out.write(f"{prefix}{i},01/{1 + i % 28:02d}/2024 10:00,THEFT\n")
    return path


def stop(process: subprocess.Popen):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_worker_killed_mid_import_then_restarted_and_retried(private_db, tmp_path):
    rows = 120_000
    path = export(tmp_path / "big.csv", rows, "K")
    worker = private_db.worker()
    try:
        job_id = int(private_db.django(QUEUE, path).strip())
        state = private_db.wait_for(
            job_id, lambda s: s["rows_read"] > 0 or s["status"] in {"succeeded", "failed"}
        )
        assert state["status"] == "running" and 0 < state["rows_read"] < rows, state
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        # Left behind "running" by a dead worker; nothing of the half-done import is kept.
        assert private_db.job(job_id)["status"] == "running"

        worker = private_db.worker()
        state = private_db.wait_for(job_id, lambda s: s["status"] == "failed", timeout=60)
        assert state["status"] == "failed", state
        assert "The background worker stopped while running this import" in state["error"]
        assert private_db.records() == 0

        private_db.django(RETRY, job_id)
        state = private_db.wait_for(job_id, lambda s: s["status"] in {"succeeded", "failed"})
        assert state["status"] == "succeeded", state
        assert state["rows_inserted"] == rows and private_db.records() == rows
    finally:
        stop(worker)


def test_database_restart_under_running_workers(private_db, tmp_path):
    ours = private_db.worker()
    stock = private_db.worker("db_worker")
    try:
        time.sleep(3)
        assert ours.poll() is None and stock.poll() is None
        private_db.stop()
        time.sleep(2)
        private_db.start()
        # django-tasks' own worker dies at the first query it cannot make; ours waits it out.
        assert stock.wait(timeout=60) != 0
        job_id = int(private_db.django(QUEUE, export(tmp_path / "small.csv", 50, "R")).strip())
        state = private_db.wait_for(
            job_id, lambda s: s["status"] in {"succeeded", "failed"}, timeout=150
        )
        logs = "".join(p.read_text()[-3000:] for p in private_db.root.glob("run_worker-*.log"))
        assert state["status"] == "succeeded" and state["rows_inserted"] == 50, (state, logs)
        assert ours.poll() is None
    finally:
        stop(ours)
        stop(stock)
