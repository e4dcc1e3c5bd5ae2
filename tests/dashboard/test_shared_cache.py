"""The shared cache: one computation per data version for every process, warmed by imports."""

import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dashboard import services
from tests.dashboard.public_data import publish
from tests.dashboard.test_import_pipeline import GOOD, HEADER, MAPPING, write

pytestmark = pytest.mark.django_db

RECORDS_TABLE = "dashboard_policerecord"


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def record_reads(queries):
    return [q["sql"] for q in queries.captured_queries if RECORDS_TABLE in q["sql"]]


def test_the_default_cache_is_shared_through_the_database_not_per_process():
    backend = settings.CACHES["default"]["BACKEND"]
    assert backend in {
        "django.core.cache.backends.db.DatabaseCache",
        "django.core.cache.backends.redis.RedisCache",
    }
    # A second handle on the cache (as another worker process would open) sees the value.
    cache.set("cs360:test:shared", {"n": 1})
    assert caches.create_connection("default").get("cs360:test:shared") == {"n": 1}


def test_an_import_pre_renders_the_public_pages_so_no_visitor_reads_the_records(
    client, riverton, tmp_path
):
    publish(riverton)
    services.import_file(agency=riverton, path=write(tmp_path, [HEADER, *GOOD]), mapping=MAPPING)
    for path in ("/p/riverton-pd/", "/p/riverton-pd/data/"):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200
        assert record_reads(queries) == [], path


def test_without_the_warm_up_the_first_visitor_computes_the_aggregates(client, riverton, tmp_path):
    """The opposite case, so the test above cannot pass by accident."""
    publish(riverton)
    services.import_file(agency=riverton, path=write(tmp_path, [HEADER, *GOOD]), mapping=MAPPING)
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/p/riverton-pd/data/").status_code == 200
    assert record_reads(queries)


def test_a_new_import_changes_every_key_so_no_process_serves_the_old_numbers(
    client, riverton, tmp_path
):
    publish(riverton)
    services.import_file(agency=riverton, path=write(tmp_path, [HEADER, *GOOD]), mapping=MAPPING)
    before = client.get("/p/riverton-pd/data/").content.decode()
    more = [*GOOD, *(f"B{i},02/0{1 + i % 5}/2024 10:00,THEFT,006,,," for i in range(40))]
    services.import_file(agency=riverton, path=write(tmp_path, [HEADER, *more]), mapping=MAPPING)
    after = client.get("/p/riverton-pd/data/").content.decode()
    # 40 new thefts in one month; the three older records sit in cells under the threshold,
    # so the published total is "40+" (whole-month cells, see docs/public-dashboard.md).
    assert "40+ incidents" in after and "40+ incidents" not in before


def test_a_failing_warm_up_does_not_fail_the_import(riverton, tmp_path, monkeypatch):
    from dashboard.views import public

    def broken(*args, **kwargs):
        raise RuntimeError("renderer down")

    monkeypatch.setattr(public, "overview", broken)
    publish(riverton)
    job = services.import_file(
        agency=riverton, path=write(tmp_path, [HEADER, *GOOD]), mapping=MAPPING
    )
    assert job.status == "succeeded"
