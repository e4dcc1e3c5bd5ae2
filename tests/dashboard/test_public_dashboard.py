"""The public dashboard at /p/<agency_slug>/: no login, published data only, fast."""

import csv
import datetime as dt
import io
import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.dashboard.public_data import finish_import, publish, records

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def published(riverton):
    publish(riverton)
    records(riverton, 400)
    finish_import(riverton)
    return riverton


def body(response):
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def rows_of(response):
    return list(csv.reader(io.StringIO(body(response))))


PAGES = ["", "data/", "open-data/"]
DOWNLOADS = [
    "data/over-time.csv",
    "data/by-category.csv",
    "data/by-district.csv",
    "data/time-of-day.csv",
    "data/map.csv",
    "open-data/incidents.csv",
    "open-data/incidents.json",
    "open-data/incidents-monthly.csv",
    "open-data/incidents-monthly.json",
]


@pytest.mark.parametrize("path", PAGES + DOWNLOADS)
def test_anyone_can_read_every_public_page_without_logging_in(client, published, path):
    response = client.get(f"/p/riverton-pd/{path}")
    assert response.status_code == 200, path


@pytest.mark.parametrize("path", PAGES + DOWNLOADS)
def test_unknown_agency_is_404(client, published, path):
    assert client.get(f"/p/no-such-pd/{path}").status_code == 404


def test_unknown_chart_or_dataset_is_404(client, published):
    assert client.get("/p/riverton-pd/data/nothing.csv").status_code == 404
    assert client.get("/p/riverton-pd/open-data/arrests.csv").status_code == 404
    assert client.get("/p/riverton-pd/open-data/incidents.xml").status_code == 404


def test_public_pages_show_no_staff_navigation(client, published, alice):
    client.force_login(alice)
    html = body(client.get("/p/riverton-pd/"))
    assert "Log out" not in html and "People and invitations" not in html
    assert 'aria-label="Dashboard"' in html


def test_police_data_stays_private_until_published(client, riverton):
    publish(riverton, police_data_public=False)
    records(riverton, 50)
    finish_import(riverton)
    html = body(client.get("/p/riverton-pd/data/"))
    assert "has not published police data" in html
    assert "THEFT" not in body(client.get("/p/riverton-pd/"))
    assert client.get("/p/riverton-pd/open-data/incidents.csv").status_code == 404
    assert client.get("/p/riverton-pd/data/by-category.csv").status_code == 404


def test_unpublished_categories_never_appear(client, riverton):
    publish(riverton, published_categories=["THEFT", "BATTERY"])
    records(riverton, 400)
    finish_import(riverton)
    everything = "".join(body(client.get(f"/p/riverton-pd/{p}")) for p in PAGES + DOWNLOADS)
    assert "THEFT" in everything
    assert "BURGLARY" not in everything and "CRIMINAL DAMAGE" not in everything
    # Not even through a hand-made URL.
    forced = body(client.get("/p/riverton-pd/data/by-category.csv?category=BURGLARY"))
    assert "BURGLARY" not in forced


def test_sensitive_records_are_never_points_or_rows_in_open_data(client, riverton):
    publish(riverton)
    records(riverton, 200)
    # Coded as an assault at the end, but it came in as a sexual assault (the Dallas case).
    records(
        riverton,
        6,
        prefix="S",
        category="ASSAULT",
        initial_type="SEXUAL ASSAULT",
        final_type="ASSAULT",
        block_address="48XX W SECRET AVE",
        public_latitude=40.111,
        public_longitude=-88.222,
    )
    finish_import(riverton)
    open_data = body(client.get("/p/riverton-pd/open-data/incidents.csv"))
    assert "SECRET AVE" not in open_data and "S3," not in open_data
    map_csv = body(client.get("/p/riverton-pd/data/map.csv"))
    assert "40.111" not in map_csv and "-88.222" not in map_csv
    # They are still counted, by category, at agency level.
    by_category = dict(rows_of(client.get("/p/riverton-pd/data/by-category.csv"))[1:])
    assert by_category["ASSAULT"] == "6"


def test_small_counts_are_suppressed_with_a_complementary_cell(client, riverton):
    publish(riverton)
    records(riverton, 100)
    records(riverton, 7, prefix="A", category="ARSON")
    records(riverton, 2, prefix="K", category="KIDNAPPING")
    finish_import(riverton)
    url = "/p/riverton-pd/data/by-category.csv?start=2025-01-01&end=2025-12-31"
    counts = dict(rows_of(client.get(url))[1:])
    # Two kidnappings are too few to be a category of their own (they are in "Other"),
    # and Other's count is hidden; what the chart leaves out of the total is never small.
    assert "KIDNAPPING" not in counts
    assert counts["Other"] == ""
    total = sum(
        int(n)
        for n in dict(rows_of(client.get(url.replace("by-category", "over-time")))[1:]).values()
        if n
    )
    left_out = total - sum(int(n) for n in counts.values() if n)
    assert left_out == 0 or left_out >= 5


def test_htmx_request_gets_the_fragment_and_a_link_gets_the_page(client, published):
    url = "/p/riverton-pd/data/?category=THEFT&interval=week"
    full = body(client.get(url))
    fragment = body(client.get(url, headers={"HX-Request": "true"}))
    assert full.startswith("<!doctype html>") and 'id="results"' in full
    assert "<html" not in fragment and 'id="results"' in fragment
    assert 'hx-push-url="true"' in fragment  # filters keep a shareable URL
    assert 'value="THEFT" selected' in fragment


def test_chart_csv_is_exactly_what_the_filtered_chart_shows(client, published):
    rows = rows_of(client.get("/p/riverton-pd/data/by-district.csv?category=THEFT&district=2"))
    assert rows[0] == ["district", "count"]
    assert [r[0] for r in rows[1:]] == ["2"]
    page = body(client.get("/p/riverton-pd/data/?category=THEFT&district=2"))
    assert f"<td>{rows[1][1]}</td>" in page


def test_unreadable_filters_are_explained_and_defaults_shown(client, published):
    response = client.get("/p/riverton-pd/data/?start=yesterday&end=2025-02-01")
    html = body(response)
    assert response.status_code == 200
    assert "Enter a month as YYYY-MM" in html and "We are showing" in html


def test_end_before_start_is_explained(client, published):
    html = body(client.get("/p/riverton-pd/data/?start=2025-03-01&end=2025-02-01"))
    assert "The end month is before the start month" in html


def test_year_over_year_comparison(client, riverton):
    publish(riverton)
    records(riverton, 120, prefix="A")  # from January 2025
    records(riverton, 60, prefix="B", start=dt.datetime(2024, 1, 6, tzinfo=dt.UTC))
    finish_import(riverton)
    rows = rows_of(client.get("/p/riverton-pd/data/over-time.csv?start=2025-01-01&end=2025-02-28"))
    assert rows[0] == ["month_starting", "count", "count_year_earlier"]
    totals = [sum(int(r[i] or 0) for r in rows[1:]) for i in (1, 2)]
    assert totals == [120, 60]


def test_open_data_json_lists_fields_and_generalized_records(client, published):
    data = json.loads(body(client.get("/p/riverton-pd/open-data/incidents.json")))
    assert set(data["fields"]) >= {"record_id", "category", "block", "latitude"}
    assert len(data["records"]) == 400
    assert data["records"][0]["block"] == "1200 block of N MAIN ST"


def test_new_import_shows_new_data(client, published):
    before = dict(rows_of(client.get("/p/riverton-pd/data/by-category.csv"))[1:])
    records(published, 40, prefix="N", category="ROBBERY")
    cached = dict(rows_of(client.get("/p/riverton-pd/data/by-category.csv"))[1:])
    assert cached == before  # served from the cache until the import finishes
    finish_import(published)
    after = dict(rows_of(client.get("/p/riverton-pd/data/by-category.csv"))[1:])
    assert after.get("ROBBERY") == "40"


def _queries(client, url):
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    cold = len(ctx.captured_queries)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return cold, len(ctx.captured_queries)


@pytest.mark.parametrize("path", ["", "data/", "data/?interval=week&district=1"])
def test_query_count_does_not_grow_with_the_data(client, riverton, path, settings):
    from tests.factories import BoundaryFactory

    # Count the dashboard's own queries, not the shared cache table's (a process-local
    # cache here; tests/dashboard/test_shared_cache.py covers the shared one).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    publish(riverton)
    BoundaryFactory(agency=riverton, code="1")
    records(riverton, 30)
    finish_import(riverton)
    small = _queries(client, f"/p/riverton-pd/{path}")
    records(riverton, 3000, prefix="X")
    finish_import(riverton)
    large = _queries(client, f"/p/riverton-pd/{path}")
    assert small == large
    cold, warm = large
    # Cold: agency, data version, then each aggregate in its own transaction (SAVEPOINT,
    # SET LOCAL work_mem, query, RELEASE). Warm: the agency and the data version.
    assert cold <= 18 and warm <= 3


def test_no_comparison_when_the_data_does_not_reach_back_a_year(client, published):
    rows = rows_of(client.get("/p/riverton-pd/data/over-time.csv"))
    assert rows[0] == ["month_starting", "count"]
    html = body(client.get("/p/riverton-pd/data/"))
    assert "no records from a year earlier to compare with" in html


def _figure(html, key):
    start = html.index(f'<script type="application/json" id="figure-{key}">') + len(
        f'<script type="application/json" id="figure-{key}">'
    )
    return json.loads(html[start : html.index("</script>", start)])


def test_the_map_is_a_maplibre_map_with_the_boundaries_and_no_tile_server(client, published):
    from tests.factories import BoundaryFactory

    ring = [[-87.64, 41.87], [-87.62, 41.87], [-87.62, 41.89], [-87.64, 41.89], [-87.64, 41.87]]
    BoundaryFactory(
        agency=published,
        code="1",
        join_key="1",
        geometry={"type": "Polygon", "coordinates": [ring]},
    )
    finish_import(published)
    response = client.get("/p/riverton-pd/data/")
    figure = _figure(body(response), "map")
    assert figure["data"][0]["type"] == "scattermap"
    style = figure["layout"]["map"]["style"]
    assert style["sources"] == {}  # offline: no tiles to fetch
    assert [layer["type"] for layer in figure["layout"]["map"]["layers"]] == ["fill", "line"]
    assert not getattr(response.wsgi_request, "csp_map_origins", None)


def test_an_agency_tile_source_is_used_with_its_credit_and_allowed_by_csp(client, published):
    publish(
        published,
        map_tile_url="https://gis.riverton.example/tiles/{z}/{x}/{y}.png",
        map_tile_attribution="© Riverton GIS",
    )
    finish_import(published)
    response = client.get("/p/riverton-pd/data/")
    style = _figure(body(response), "map")["layout"]["map"]["style"]
    assert style["sources"]["tiles"]["attribution"] == "© Riverton GIS"
    assert response.wsgi_request.csp_map_origins == ["https://gis.riverton.example"]
    cached = client.get("/p/riverton-pd/data/")  # served from the shared cache
    assert cached.wsgi_request.csp_map_origins == ["https://gis.riverton.example"]
