"""Server time of the public dashboard with 1,000,000 incidents, and its query count.

    .venv/bin/python bench/dashboard_render.py            # 1,000,000 rows (BENCH_ROWS to change)

Renders each page in-process through Django's test client (the whole stack: middleware,
view, queries, template) and prints median and p95 in milliseconds, with the number of
SQL queries. "warm" is a page whose aggregates are cached for the current data version
(the usual case: the cache only empties when an import finishes or settings change);
"cold" is the first view of a filter combination after the cache was emptied.
"""

import statistics
import time

from dashboard_data import SLUG, ensure_data, setup_django

setup_django()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

PAGES = {
    "overview": f"/p/{SLUG}/",
    "explorer": f"/p/{SLUG}/data/",
    "explorer, filtered (htmx)": f"/p/{SLUG}/data/?category=BURGLARY&district=7&interval=week",
    "chart CSV": f"/p/{SLUG}/data/by-category.csv",
}
WARM_RUNS = 200
COLD_FILTERS = ["THEFT", "BATTERY", "ROBBERY", "NARCOTICS", "ARSON", "BURGLARY", "ASSAULT"]


def ms(seconds):
    return seconds * 1000


def p95(values):
    return sorted(values)[max(0, int(len(values) * 0.95) - 1)]


def main():
    agency = ensure_data()
    print(f"agency {agency.slug}: {agency.police_records.count():,} incidents")
    client = Client(HTTP_HOST="localhost")
    print(
        f"{'page':32} {'cold ms':>8} {'warm median':>12} {'warm p95':>9} {'queries cold/warm':>18}"
    )
    for name, url in PAGES.items():
        headers = {"HX-Request": "true"} if "htmx" in name else {}
        cache.clear()
        with CaptureQueriesContext(connection) as cold_q:
            started = time.perf_counter()
            assert client.get(url, headers=headers).status_code == 200
            cold = time.perf_counter() - started
        times = []
        for _ in range(WARM_RUNS):
            with CaptureQueriesContext(connection) as warm_q:
                started = time.perf_counter()
                client.get(url, headers=headers)
                times.append(time.perf_counter() - started)
        print(
            f"{name:32} {ms(cold):8.0f} {ms(statistics.median(times)):12.1f} "
            f"{ms(p95(times)):9.1f} "
            f"{len(cold_q.captured_queries):>9}/{len(warm_q.captured_queries)}"
        )
    # A resident trying filters nobody tried since the last import: every one a cache miss.
    cold_times = []
    for category in COLD_FILTERS:
        url = f"/p/{SLUG}/data/?category={category}"
        started = time.perf_counter()
        client.get(url, headers={"HX-Request": "true"})
        cold_times.append(time.perf_counter() - started)
    print(
        f"new filter combinations (cache miss, n={len(cold_times)}): "
        f"median {ms(statistics.median(cold_times)):.0f} ms, max {ms(max(cold_times)):.0f} ms"
    )


if __name__ == "__main__":
    main()
