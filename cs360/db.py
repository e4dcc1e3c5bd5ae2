"""The embedded PostgreSQL that a newcomer gets when DATABASE_URL is unset.

The server comes from the `pgserver` wheel (real PostgreSQL binaries shipped on PyPI).
Its data lives under var/pgdata. It is started on demand and deliberately left running
between commands, so a second `make run` or test run starts in well under a second;
`python -m cs360.db stop` (or `make db-stop`) stops it cleanly.
"""

import contextlib
import os
import sys
import warnings
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PGDATA = Path(os.environ.get("CS360_PGDATA", BASE_DIR / "var" / "pgdata"))


def _remove_stale_pid_file(pgdata: Path) -> None:
    """Delete postmaster.pid when the process it names is gone.

    A machine that was switched off mid-run leaves the file behind; if its PID is later
    reused by an unrelated process, PostgreSQL refuses to start. Removing the file when
    no postgres process owns that PID makes the next start reliable.
    """
    pid_file = pgdata / "postmaster.pid"
    if not pid_file.exists():
        return
    try:
        pid = int(pid_file.read_text().splitlines()[0])
    except (ValueError, IndexError, OSError):
        pid_file.unlink(missing_ok=True)
        return
    import psutil

    try:
        alive = psutil.Process(pid).name() == "postgres"
    except psutil.Error:
        alive = False
    if not alive:
        pid_file.unlink(missing_ok=True)


def embedded_server():
    """Start (or reuse) the embedded server and return its pgserver handle."""
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset, which is normal on servers and CI.
        warnings.simplefilter("ignore")
        import pgserver

        PGDATA.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale_pid_file(PGDATA)
        return pgserver.get_server(PGDATA, cleanup_mode=None)


def embedded_database_url(database: str = "cs360") -> str:
    """Return a URL for `database` on the embedded server, creating the database once."""
    server = embedded_server()
    import psycopg

    with psycopg.connect(server.get_uri("postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone()
        if not exists:
            with contextlib.suppress(psycopg.errors.DuplicateDatabase):
                conn.execute(f'CREATE DATABASE "{database}"')
    return server.get_uri(database)


def stop_embedded_server() -> None:
    if not (PGDATA / "PG_VERSION").exists():
        return
    from pgserver._commands import pg_ctl

    user = "pgserver" if os.geteuid() == 0 else None
    with contextlib.suppress(Exception):
        pg_ctl(["-w", "stop", "-m", "fast"], pgdata=PGDATA, user=user)


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "url"
    if command == "stop":
        stop_embedded_server()
        print("Embedded PostgreSQL stopped.")
    elif command == "start":
        print(embedded_database_url())
    else:
        print(embedded_database_url())
