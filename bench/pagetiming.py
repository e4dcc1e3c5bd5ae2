"""Server time of pages through Django's test client: the loop the page benchmarks share."""

import statistics
import time

from django.db import connection
from django.test.utils import CaptureQueriesContext


def ms(seconds):
    return seconds * 1000


def p95(values):
    return sorted(values)[max(0, int(len(values) * 0.95) - 1)]


def print_page_times(client, pages, *, runs, width=30):
    """Print median, p95 and query count for each page; `pages` maps a name to
    (url, htmx), and a page that does not answer 200 stops the benchmark."""
    print(f"{'page':{width}} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    for name, (url, htmx) in pages.items():
        headers = {"HX-Request": "true"} if htmx else {}
        assert client.get(url, headers=headers).status_code == 200, url  # Warm up.
        times = []
        for _ in range(runs):
            with CaptureQueriesContext(connection) as queries:
                begun = time.perf_counter()
                response = client.get(url, headers=headers)
                times.append(time.perf_counter() - begun)
            assert response.status_code == 200, url
        print(
            f"{name:{width}} {ms(statistics.median(times)):10.1f} {ms(p95(times)):8.1f} "
            f"{len(queries.captured_queries):8}"
        )
