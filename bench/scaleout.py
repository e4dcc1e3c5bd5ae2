"""Scale-out run: two app servers and a task worker sharing one PostgreSQL and one Redis.

    .venv/bin/python bench/scaleout.py

Needs a PostgreSQL server (BENCH_PG, default postgresql://postgres@127.0.0.1:5432, trust
auth) and Redis (BENCH_REDIS, default redis://127.0.0.1:6379/11: a dedicated db number,
flushed at the start). Creates and seeds its own database (cs360_bench_scaleout), then
starts gunicorn (2 workers each) on ports 8116 and 8126 and `manage.py db_worker`, all with
DATABASE_URL and REDIS_URL set, as separate hosts would be.

1. A police import is queued; the worker runs it and pre-renders the default public views.
2. The public overview, explorer, a chart CSV and a filtered explorer are requested from
   both servers, several times each.
3. wrk loads the explorer on both servers at once.

PostgreSQL's own counters (pg_stat_user_tables: sequential + index scans of the police
records table, summed over every process) show how often the records were read: each
aggregate once in total, not once per process, and none for what the worker pre-rendered.
"""

import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
DATABASE = "cs360_bench_scaleout"
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/11")
PORTS = [int(p) for p in os.environ.get("BENCH_PORTS", "8116,8126").split(",")]
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
PYTHON = str(ROOT / ".venv" / "bin" / "python")
ENV = {
    **os.environ,
    "DATABASE_URL": f"{PG}/{DATABASE}",
    "REDIS_URL": REDIS,
    "DJANGO_DEBUG": "0",
    "CS360_HTTPS": "0",
    "DJANGO_SECRET_KEY": "bench-only-" + "o" * 50,
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    "DJANGO_LOG_LEVEL": "WARNING",
}


def manage(*args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=ENV, check=True)


def django_shell(code):
    out = subprocess.run(
        [PYTHON, "manage.py", "shell", "-v0", "-c", code],
        cwd=ROOT,
        env=ENV,
        check=True,
        text=True,
        capture_output=True,
    ).stdout
    return out.strip().splitlines()[-1]


def create_database():
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone():
            conn.execute(f'CREATE DATABASE "{DATABASE}"')


def record_reads():
    """Sequential and index scans of the records table, across all sessions so far."""
    time.sleep(1.5)  # Backends flush their counters about once a second when idle.
    with psycopg.connect(f"{PG}/{DATABASE}") as conn:
        conn.execute("SELECT pg_stat_clear_snapshot()")
        row = conn.execute(
            "SELECT coalesce(seq_scan, 0) + coalesce(idx_scan, 0) FROM pg_stat_user_tables "
            "WHERE relname = 'dashboard_policerecord'"
        ).fetchone()
    return row[0]


def start(command, log):
    return subprocess.Popen(
        command, cwd=ROOT, env=ENV, start_new_session=True, stdout=log, stderr=subprocess.STDOUT
    )


def wait_until_up(port, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn on {port} did not start")


def get(port, path):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=120) as response:
        assert response.status == 200, path
        return response.read()


def wrk(port, path, results):
    out = subprocess.run(
        ["wrk", "-t1", "-c16", f"-d{SECONDS}s", f"http://127.0.0.1:{port}{path}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    results[port] = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def main():
    import redis

    create_database()
    manage("migrate", "--noinput", "-v0")
    manage("createcachetable")
    manage("seed_demo", "--if-empty")
    manage("collectstatic", "--noinput", "-v0")
    redis.Redis.from_url(REDIS).flushdb()
    slug = django_shell(
        "from dashboard.models import PublicationSettings as P; "
        "print(P.objects.filter(police_data_public=True).order_by('agency_id')"
        ".first().agency.slug)"
    )
    log = open(ROOT / "var" / "bench_scaleout.log", "w")  # noqa: SIM115
    processes = [start([PYTHON, "manage.py", "db_worker", "--no-reload", "--interval", "1"], log)]
    for port in PORTS:
        processes.append(
            start(
                [str(ROOT / ".venv/bin/gunicorn"), "cs360.wsgi", "--workers", "2"]
                + ["--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
                log,
            )
        )
    try:
        for port in PORTS:
            wait_until_up(port)
        print(f"{len(PORTS)} app servers (ports {PORTS}, 2 workers each) + 1 worker")
        print(f"PostgreSQL {PG}/{DATABASE}, Redis {REDIS}; agency {slug}")
        print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

        before = record_reads()
        # Re-import the agency's latest file through the queue: the worker imports and warms.
        job = django_shell(
            "from cs360.models import Agency; from dashboard.models import ImportJob; "
            "from dashboard.tasks import run_import_task; "
            f"a = Agency.objects.get(slug='{slug}'); "
            "last = a.import_jobs.filter(status='succeeded').latest('finished_at'); "
            "job = ImportJob.objects.create(agency=a, original_name=last.original_name, "
            "file_size=last.file_size, source=last.source, mapping=last.mapping, "
            "mapping_used=last.mapping_used, status='queued'); "
            "run_import_task.enqueue(job.pk); print(job.pk)"
        )
        started = time.time()
        while True:
            status = django_shell(
                "from dashboard.models import ImportJob; "
                f"print(ImportJob.objects.get(pk={job}).status)"
            )
            if status in {"succeeded", "failed", "cancelled"} or time.time() - started > 600:
                break
            time.sleep(1)
        assert status == "succeeded", status
        after_import = record_reads()
        print(
            f"import + warm-up in the worker: {time.time() - started:.1f} s, record reads "
            f"{after_import - before} (the import itself and the pre-rendering)"
        )

        warmed = [f"/p/{slug}/", f"/p/{slug}/data/"]
        cold = [f"/p/{slug}/data/?interval=week", f"/p/{slug}/data/by-category.csv"]
        rows = []
        for label, paths in (("pre-rendered by the worker", warmed), ("not asked for yet", cold)):
            for path in paths:
                reads = record_reads()
                for port in PORTS:
                    for _ in range(3):
                        get(port, path)
                rows.append((label, path, record_reads() - reads))
        print(f"\n{'view':46} {'requests':>8} {'record reads':>12}  ({len(PORTS)} servers x 3)")
        for label, path, reads in rows:
            print(f"{path:46} {3 * len(PORTS):8} {reads:12}  {label}")

        reads = record_reads()
        results, threads = {}, []
        for port in PORTS:
            thread = threading.Thread(target=wrk, args=(port, f"/p/{slug}/data/", results))
            threads.append(thread)
            thread.start()
        for thread in threads:
            thread.join()
        load = os.getloadavg()
        print(
            f"\nwrk on both servers at once, explorer, {SECONDS} s: "
            + ", ".join(f"port {p}: {results[p]:.1f} req/s" for p in PORTS)
            + f"; record reads during the run: {record_reads() - reads}"
        )
        print(f"load average at end: {' '.join(f'{x:.2f}' for x in load)}")
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            process.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
