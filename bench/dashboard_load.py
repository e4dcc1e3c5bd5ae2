"""Requests per second of the public dashboard under load, beside a static file (the ceiling).

    .venv/bin/python bench/dashboard_load.py     # needs wrk (apt-get install wrk), else Python

gunicorn with 2 workers on 127.0.0.1 (loopback only), DEBUG off, the database through
DATABASE_URL (persistent connections, as in production), 50 concurrent clients for a bounded
time against the public explorer of the 1,000,000-incident bench agency, then the same
against a static file served by the same stack (whitenoise). Prints requests/s, errors and
the ratio. The workers are warmed first: each keeps its own cache of aggregates.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request

from dashboard_data import DATABASE, ROOT, SLUG, ensure_data, setup_django

PORT = int(os.environ.get("BENCH_PORT", "18765"))
CLIENTS = 50
SECONDS = int(os.environ.get("BENCH_SECONDS", "15"))
BASE = f"http://127.0.0.1:{PORT}"
TARGETS = {
    "public dashboard (explorer)": f"/p/{SLUG}/data/",
    "public overview": f"/p/{SLUG}/",
    "static file (ceiling)": "/static/css/cs360.css",
}


def server_env():
    from cs360.db import embedded_database_url

    env = dict(os.environ)
    env.update(
        DJANGO_DEBUG="0",
        CS360_HTTPS="0",
        DJANGO_SECRET_KEY="bench-only-" + "x" * 50,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=embedded_database_url(DATABASE),
        DJANGO_LOG_LEVEL="WARNING",
    )
    return env


def port_is_free():
    import socket

    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", PORT)) != 0


def wait_until_up(timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            urllib.request.urlopen(BASE + "/healthz", timeout=2)
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not start")


def warm(path, rounds=40):
    """Hit the page until both workers have it cached (the first view per worker is cold)."""
    threads = [
        threading.Thread(
            target=lambda: [
                urllib.request.urlopen(BASE + path, timeout=120).read() for _ in range(rounds // 4)
            ]
        )
        for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def run_wrk(path):
    out = subprocess.run(
        ["wrk", "-t2", f"-c{CLIENTS}", f"-d{SECONDS}s", "--latency", BASE + path],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = 0
    if m := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        errors += int(m.group(1))
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        errors += sum(int(x) for x in m.groups())
    p50 = re.search(r"50%\s+(\S+)", out).group(1)
    p99 = re.search(r"99%\s+(\S+)", out).group(1)
    return rps, errors, p50, p99


def run_python(path):
    """Fallback without wrk: CLIENTS threads with keep-alive, for SECONDS."""
    import http.client

    counts, errors, stop = [0] * CLIENTS, [0] * CLIENTS, time.time() + SECONDS

    def client(i):
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        while time.time() < stop:
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                if response.status == 200:
                    counts[i] += 1
                else:
                    errors[i] += 1
            except OSError:
                errors[i] += 1
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / SECONDS, sum(errors), "-", "-"


def main():
    setup_django()
    ensure_data()
    env = server_env()
    python = str(ROOT / ".venv" / "bin" / "python")
    subprocess.run(
        [python, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    if not port_is_free():
        raise SystemExit(f"Port {PORT} is taken by another server: set BENCH_PORT.")
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "cs360.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        wait_until_up()
        tool = "wrk" if shutil.which("wrk") else "python threads"
        print(f"gunicorn 2 workers, {CLIENTS} clients, {SECONDS} s each, load from {tool}")
        results = {}
        for name, path in TARGETS.items():
            warm(path)
            results[name] = (run_wrk if tool == "wrk" else run_python)(path)
            rps, errors, p50, p99 = results[name]
            print(f"{name:30} {rps:9.1f} req/s  errors {errors}  latency p50 {p50} p99 {p99}")
        ceiling = results["static file (ceiling)"][0]
        for name in list(TARGETS)[:2]:
            print(f"{name} / static ceiling: {results[name][0] / ceiling:.2f}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
