"""The optional read replica: public pages and downloads read from it, nothing else does."""

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from cs360.dbrouter import REPLICA, ReplicaRouter, read_alias, replica_reads
from cs360.models import Agency
from tests.dashboard.public_data import finish_import, publish, records


@pytest.fixture(scope="module", autouse=True)
def replica_alias(django_db_setup):
    """A second alias on the test database, as DATABASE_REPLICA_URL would configure.

    Module-scoped so it exists before each test's database access is set up; the data is
    committed (transaction=True), so the second connection sees it as a real standby would.
    """
    connections.settings[REPLICA] = dict(connections.settings["default"])
    yield
    connections[REPLICA].close()
    del connections.settings[REPLICA]
    del connections[REPLICA]


pytestmark = pytest.mark.django_db(transaction=True, databases=["default", REPLICA])


@pytest.fixture
def published(riverton):
    publish(riverton)
    records(riverton, 60)
    finish_import(riverton)
    return riverton


def sql_on(alias, run):
    with CaptureQueriesContext(connections[alias]) as queries:
        run()
    return [q["sql"] for q in queries.captured_queries]


def test_outside_public_views_reads_use_the_primary():
    assert read_alias() == "default"
    assert ReplicaRouter().db_for_read(Agency) == "default"
    with replica_reads():
        assert read_alias() == REPLICA


def test_writes_and_migrations_never_go_to_the_replica():
    router = ReplicaRouter()
    with replica_reads():
        assert router.db_for_read(Agency) == REPLICA
        assert router.db_for_write(Agency) == "default"
    assert router.allow_migrate(REPLICA, "cs360") is False
    assert router.allow_migrate("default", "cs360") is True


@pytest.mark.parametrize(
    "path", ["", "data/", "data/by-category.csv", "open-data/", "open-data/incidents.csv"]
)
def test_public_pages_and_downloads_read_from_the_replica(client, published, path):
    def get():
        response = client.get(f"/p/riverton-pd/{path}")
        assert response.status_code == 200
        if response.streaming:
            assert b"".join(response.streaming_content)

    on_primary_queries = []
    on_replica = sql_on(REPLICA, lambda: on_primary_queries.extend(sql_on("default", get)))
    assert any("dashboard_policerecord" in sql for sql in on_replica), path
    # The primary still holds the shared cache table, and nothing else.
    bookkeeping = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT")
    assert [
        sql
        for sql in on_primary_queries
        if "cs360_cache" not in sql and not sql.startswith(bookkeeping)
    ] == []


def test_staff_pages_and_saves_stay_on_the_primary(client_for, published, alice):
    client = client_for(alice)
    on_replica = sql_on(
        REPLICA,
        lambda: (
            client.get("/a/riverton-pd/"),
            client.get("/a/riverton-pd/map/"),
            client.post("/a/riverton-pd/map/organizations/new/", {"name": "Eastgate Block Club"}),
        ),
    )
    assert on_replica == []
