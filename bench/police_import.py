"""Police data import benchmark: our COPY pipeline vs. psql \\copy (the floor) vs. ORM bulk_create.

    .venv/bin/python bench/police_import.py [--rows 1000000] [--only ours,psql,orm]

Generates (once, cached under var/bench/) a CSV shaped like Chicago's "Crimes - 2001 to
Present" export, scaled up from the real 10,000-row sample in ../shared/data/real/ with
fresh ids and dates spread over two years, BOM and all. Each loader then runs in a child
process of its own against a separate database (cs360_bench), so its peak memory (RSS of
the child and of anything it starts, such as psql) is measured alone. The PostgreSQL
server's own memory is not included: it is the same shared server for all three.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT.parent / "shared" / "data" / "real" / "chicago_crimes_2024_sample.csv"
BENCH_DB = "cs360_bench"
PSQL = ROOT / ".venv/lib/python3.11/site-packages/pgserver/pginstall/bin/psql"


def generate(path: Path, rows: int) -> None:
    with open(SAMPLE, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        sample = list(reader)
    rng = random.Random(360)
    start = datetime(2023, 1, 1)
    span = 2 * 365 * 24 * 3600
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        for i in range(rows):
            row = list(sample[i % len(sample)])
            when = start + timedelta(seconds=rng.randrange(span))
            row[0] = str(20_000_000 + i)
            row[1] = f"J{chr(65 + i % 26)}{100000 + i % 900000}"
            row[2] = when.strftime("%m/%d/%Y %I:%M:%S %p")
            row[17] = str(when.year)
            writer.writerow(row)
    tmp.rename(path)


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def proc_cpu(pid: int) -> float:
    """CPU seconds (user + system) a process has used, from /proc (the server is local)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime + children.ru_utime + children.ru_stime


def backend_pid() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def django_setup():
    os.environ["CS360_DATABASE_NAME"] = BENCH_DB
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cs360.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from cs360.models import Agency

    agency, _ = Agency.objects.get_or_create(
        slug="bench-city", defaults={"name": "Bench City Police", "time_zone": "America/Chicago"}
    )
    return agency


def reset(agency):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM dashboard_policerecord WHERE agency_id = %s", [agency.pk])
        cursor.execute("VACUUM ANALYZE dashboard_policerecord")


CHICAGO_MAPPING = {
    "version": 1,
    "source": "incidents",
    "fields": {
        "record_id": {"column": "ID"},
        "occurred_at": {"column": "Date", "formats": ["%m/%d/%Y %I:%M:%S %p"]},
        "final_type": {"column": "Description"},
        "category": {"column": "Primary Type"},
        "offense_code": {"column": "IUCR"},
        "domestic": {"column": "Domestic"},
        "district": {"column": "District"},
        "beat": {"column": "Beat"},
        "area_code": {"column": "Community Area"},
        "block_address": {"column": "Block"},
        "latitude": {"column": "Latitude"},
        "longitude": {"column": "Longitude"},
    },
}


def run_ours(path: Path) -> dict:
    agency = django_setup()
    reset(agency)
    from dashboard import services

    server = backend_pid()
    server_cpu, cpu = proc_cpu(server), own_cpu()
    t0 = time.perf_counter()
    job = services.import_file(agency=agency, path=path, mapping=CHICAGO_MAPPING)
    elapsed = time.perf_counter() - t0
    cpu, server_cpu = own_cpu() - cpu, proc_cpu(server) - server_cpu
    assert job.status == "succeeded", job.error
    # A second run of the same file: every record exists and is unchanged.
    t1 = time.perf_counter()
    again = services.import_file(agency=agency, path=path, mapping=CHICAGO_MAPPING)
    reimport = time.perf_counter() - t1
    return {
        "seconds": elapsed,
        "rows": job.rows_inserted + job.rows_updated + job.rows_unchanged,
        "rejected": job.rows_rejected,
        "reimport_seconds": reimport,
        "reimport_unchanged": again.rows_unchanged,
        "peak_mb": peak_mb(),
        "cpu": cpu,
        "server_cpu": server_cpu,
    }


def run_psql(path: Path) -> dict:
    sys.path.insert(0, str(ROOT))
    from cs360.db import embedded_database_url

    url = embedded_database_url(BENCH_DB)
    with open(SAMPLE, encoding="utf-8-sig", newline="") as f:
        header = next(csv.reader(f))
    columns = ", ".join(f'"c{i}" text' for i in range(len(header)))
    setup = f"DROP TABLE IF EXISTS bench_bare; CREATE TABLE bench_bare ({columns});"
    subprocess.run([str(PSQL), url, "-q", "-c", setup], check=True)
    import threading

    import psycopg

    cpu = own_cpu()
    t0 = time.perf_counter()
    copy = subprocess.Popen(
        [
            str(PSQL),
            url,
            "-q",
            "-c",
            f"\\copy bench_bare FROM '{path}' WITH (FORMAT csv, HEADER true, ENCODING 'UTF8')",
        ],
        env={**os.environ, "PGAPPNAME": "bench_psql_copy"},
    )
    server = {"cpu": 0.0}

    def watch():
        # The psql session's server process exits with it: sample its CPU until then.
        with psycopg.connect(url, autocommit=True) as conn:
            pid = None
            while pid is None and copy.poll() is None:
                row = conn.execute(
                    "SELECT pid FROM pg_stat_activity WHERE application_name = 'bench_psql_copy'"
                ).fetchone()
                pid = row and row[0]
            while pid and copy.poll() is None:
                try:
                    server["cpu"] = proc_cpu(pid)
                except (OSError, IndexError):
                    break
                time.sleep(0.02)

    watcher = threading.Thread(target=watch)
    watcher.start()
    copy.wait()
    elapsed = time.perf_counter() - t0
    watcher.join()
    cpu = own_cpu() - cpu
    out = subprocess.run(
        [str(PSQL), url, "-qtA", "-c", "SELECT count(*) FROM bench_bare; DROP TABLE bench_bare;"],
        check=True,
        capture_output=True,
        text=True,
    )
    return {
        "seconds": elapsed,
        "rows": int(out.stdout.split()[0]),
        "peak_mb": peak_mb(),
        "cpu": cpu,
        "server_cpu": server["cpu"],
    }


def run_orm(path: Path) -> dict:
    """What one would write first: DictReader, strptime, model objects, bulk_create."""
    agency = django_setup()
    reset(agency)
    from zoneinfo import ZoneInfo

    from dashboard.models import PoliceRecord

    tz = ZoneInfo(agency.time_zone)
    fields = [
        "occurred_at",
        "final_type",
        "category",
        "offense_code",
        "domestic",
        "district",
        "beat",
        "area_code",
        "block_address",
        "latitude",
        "longitude",
    ]
    server = backend_pid()
    server_cpu, cpu = proc_cpu(server), own_cpu()
    t0 = time.perf_counter()
    count = 0
    batch = []

    def flush():
        PoliceRecord.objects.bulk_create(
            batch,
            update_conflicts=True,
            unique_fields=["agency", "source", "record_id"],
            update_fields=fields,
        )
        batch.clear()

    with open(path, encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            lat = float(row["Latitude"]) if row["Latitude"] else None
            lon = float(row["Longitude"]) if row["Longitude"] else None
            batch.append(
                PoliceRecord(
                    agency=agency,
                    source="incidents",
                    record_id=row["ID"],
                    occurred_at=datetime.strptime(row["Date"], "%m/%d/%Y %I:%M:%S %p").replace(
                        tzinfo=tz
                    ),
                    final_type=row["Description"],
                    category=row["Primary Type"],
                    offense_code=row["IUCR"],
                    domestic=row["Domestic"] == "true",
                    district=row["District"],
                    beat=row["Beat"],
                    area_code=row["Community Area"],
                    block_address=row["Block"],
                    latitude=lat,
                    longitude=lon,
                    public_latitude=round(lat, 3) if lat is not None else None,
                    public_longitude=round(lon, 3) if lon is not None else None,
                )
            )
            count += 1
            if len(batch) >= 5000:
                flush()
    if batch:
        flush()
    return {
        "seconds": time.perf_counter() - t0,
        "rows": count,
        "peak_mb": peak_mb(),
        "cpu": own_cpu() - cpu,
        "server_cpu": proc_cpu(server) - server_cpu,
    }


RUNNERS = {"ours": run_ours, "psql": run_psql, "orm": run_orm}
LABELS = {
    "psql": "psql \\copy into a bare text table (floor)",
    "ours": "our import (COPY + staging + upsert)",
    "orm": "ORM bulk_create loader",
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--only", default="psql,ours,orm")
    parser.add_argument("--child", choices=RUNNERS)
    parser.add_argument("--file")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(RUNNERS[args.child](Path(args.file))))
        return

    path = ROOT / "var" / "bench" / f"chicago_{args.rows}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        t0 = time.perf_counter()
        generate(path, args.rows)
        print(
            f"Generated {path} ({path.stat().st_size / 1e6:.0f} MB)"
            f" in {time.perf_counter() - t0:.1f} s"
        )
    print(
        f"File: {path.name}, {args.rows:,} rows, {path.stat().st_size / 1e6:.0f} MB; 2 CPU cores;"
        f" load average {os.getloadavg()[0]:.1f} at the start (other work slows wall times;"
        " CPU seconds are what the work itself costs)\n"
    )
    results = {}
    for name in args.only.split(","):
        out = subprocess.run(
            [sys.executable, __file__, "--child", name, "--file", str(path)],
            check=True,
            capture_output=True,
            text=True,
        )
        results[name] = json.loads(out.stdout.strip().splitlines()[-1])
        r = results[name]
        print(
            f"{LABELS[name]:<45} {r['seconds']:7.1f} s  {r['rows'] / r['seconds']:>9,.0f} rows/s"
            f"  peak {r['peak_mb']:6.0f} MB  CPU {r['cpu']:5.1f} s client"
            f" + {r['server_cpu']:5.1f} s server  ({r['rows']:,} rows)"
        )
        if "reimport_seconds" in r:
            print(
                f"{'  re-import of the same file (unchanged)':<45} {r['reimport_seconds']:7.1f} s"
            )
    if "psql" in results:
        floor = results["psql"]["seconds"]
        for name, r in results.items():
            print(f"ratio {name} / psql floor: {r['seconds'] / floor:.2f}x")
    if "ours" in results and "orm" in results:
        print(f"ratio orm / ours: {results['orm']['seconds'] / results['ours']['seconds']:.2f}x")
    if "ours" in results:
        ok = results["ours"]["seconds"] < 60 and results["ours"]["peak_mb"] < 500
        print(f"target (1M rows < 60 s, < 500 MB): {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
