"""Staff pages under load with a logged-in session, beside a static file (the floor).

    .venv/bin/python bench/staff_load.py          # wrk at /usr/bin/wrk

gunicorn with 2 workers on 127.0.0.1:BENCH_PORT (default 8116), DEBUG off, the embedded
PostgreSQL through DATABASE_URL (persistent connections, as in production). Builds its data
once in its own database (cs360_bench_staff; BENCH_REBUILD=1 rebuilds): the worksheet agency
with 5,000 organizations and 20,000 affiliations (bench/communitymap_pages.py), the busy
team (bench/teams_page.py) and 20,000 scanning inputs (bench/scanning.py). One staff member
of all three agencies logs in; wrk sends that session cookie. For each page it prints
requests/s, the ratio to the static file in the same run, CPU seconds of the gunicorn
processes and of the PostgreSQL server, CPU milliseconds per request, latency, and the load
average. Goal: every staff page >= 0.1x the static file.
"""

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.append(str(ROOT / "bench"))  # After the apps: bench/scanning.py is not the app.
DATABASE = "cs360_bench_staff"
PORT = int(os.environ.get("BENCH_PORT", "8116"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "16"))
BASE = f"http://127.0.0.1:{PORT}"
# The bench process and the server share one secret key, so the session it creates is valid.
SERVER_ENV = {
    "DJANGO_DEBUG": "0",
    "CS360_HTTPS": "0",
    "DJANGO_SECRET_KEY": "bench-only-" + "s" * 50,
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    "DJANGO_LOG_LEVEL": "WARNING",
    "CS360_DATABASE_NAME": DATABASE,
}
os.environ.update(SERVER_ENV)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cs360.settings")

import django  # noqa: E402

django.setup()

import communitymap_pages  # noqa: E402
import psutil  # noqa: E402
import teams_page  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from cs360.db import embedded_database_url  # noqa: E402
from cs360.models import Agency, Membership, Role, User  # noqa: E402


def _scanning_bench():
    import importlib.util

    spec = importlib.util.spec_from_file_location("scanning_bench", ROOT / "bench/scanning.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def ensure_data():
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    rebuild = os.environ.get("BENCH_REBUILD")
    if rebuild or not Agency.objects.filter(slug=communitymap_pages.SLUG).exists():
        communitymap_pages.build()
    if rebuild or not Agency.objects.filter(slug=teams_page.SLUG).exists():
        teams_page.build()
    if not Agency.objects.filter(slug="bench-pd").exists():
        _scanning_bench().build()
    user = User.objects.get(email="bench@example.org")
    for agency in Agency.objects.filter(slug__in=["bench-pd", teams_page.SLUG]):
        Membership.objects.get_or_create(user=user, agency=agency, defaults={"role": Role.STAFF})
    teams = Agency.objects.get(slug=teams_page.SLUG).teams.all()
    team = max(teams, key=lambda t: t.members.count())  # The busy team.
    return user, {
        "worksheet (5k organizations)": reverse(
            "communitymap:worksheet", kwargs={"agency_slug": communitymap_pages.SLUG}
        ),
        "agency home (5k organizations)": reverse(
            "agency-home", kwargs={"agency_slug": communitymap_pages.SLUG}
        ),
        "team page (30 members, 2,600 readings)": reverse(
            "teams:team-detail", kwargs={"agency_slug": teams_page.SLUG, "team_id": team.pk}
        ),
        "synthesis (20k inputs)": reverse("scanning:synthesis", kwargs={"agency_slug": "bench-pd"}),
        "static file (floor)": "/static/css/cs360.css",
    }


def session_cookie(user):
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


def check(path, cookie):
    """Each page must answer 200 with the session (a redirect to login would look fast)."""
    request = urllib.request.Request(BASE + path, headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=60) as response:
        assert response.status == 200 and "/accounts/login" not in response.url, path
        response.read()


def wait_until_up(timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            urllib.request.urlopen(BASE + "/healthz", timeout=2)
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not start")


def cpu_seconds(processes):
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total


def server_processes(server):
    root = psutil.Process(server.pid)
    return [root, *root.children(recursive=True)]


def postgres_processes():
    pid_file = ROOT / "var" / "pgdata" / "postmaster.pid"
    root = psutil.Process(int(pid_file.read_text().split()[0]))
    return [root, *root.children(recursive=True)]


def run_wrk(path, cookie):
    out = subprocess.run(
        ["wrk", "-t2", f"-c{CLIENTS}", f"-d{SECONDS}s", "--latency", "-H", f"Cookie: {cookie}"]
        + [BASE + path],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    errors = 0
    if m := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        errors += int(m.group(1))
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        errors += sum(int(x) for x in m.groups())
    p50 = re.search(r"50%\s+(\S+)", out).group(1)
    p99 = re.search(r"99%\s+(\S+)", out).group(1)
    return rps, requests, errors, p50, p99


def main():
    user, pages = ensure_data()
    cookie = session_cookie(user)
    env = {**os.environ, "DATABASE_URL": embedded_database_url(DATABASE)}
    python = str(ROOT / ".venv" / "bin" / "python")
    subprocess.run(
        [python, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "cs360.wsgi", "--workers", "2"]
        + ["--bind", f"127.0.0.1:{PORT}", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        wait_until_up()
        print(
            f"gunicorn 2 workers, wrk {CLIENTS} connections, {SECONDS} s per page, with a session"
        )
        print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        head = f"{'page':40} {'req/s':>8} {'ratio':>6} {'app CPU s':>9} {'db CPU s':>8}"
        print(head + f" {'CPU ms/req':>10} {'p50':>8} {'p99':>8} {'errors':>6} {'load1':>5}")
        results = {}
        for name, path in pages.items():
            for _ in range(5):  # Warm both workers (templates, connections).
                check(path, cookie)
            app, db = server_processes(server), postgres_processes()
            app_before, db_before = cpu_seconds(app), cpu_seconds(db)
            rps, requests, errors, p50, p99 = run_wrk(path, cookie)
            app_cpu = cpu_seconds(app) - app_before
            db_cpu = cpu_seconds(postgres_processes()) - db_before
            results[name] = (rps, requests, errors, p50, p99, app_cpu, db_cpu, os.getloadavg()[0])
        floor = results["static file (floor)"][0]
        for name, (rps, requests, errors, p50, p99, app_cpu, db_cpu, load) in results.items():
            per_request = 1000 * (app_cpu + db_cpu) / max(requests, 1)
            print(
                f"{name:40} {rps:8.1f} {rps / floor:6.3f} {app_cpu:9.1f} {db_cpu:8.1f} "
                f"{per_request:10.2f} {p50:>8} {p99:>8} {errors:6} {load:5.2f}"
            )
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
