"""Dashboard forms and public pages never reach another agency's data."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dashboard.models import ImportJob
from tests.dashboard.public_data import finish_import, public_priority, publish, records
from tests.factories import ColumnMappingFactory


@pytest.fixture(autouse=True)
def media_and_cache(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    yield
    cache.clear()


def test_upload_refuses_a_saved_mapping_of_another_agency(client_for, alice, riverton, state_u):
    theirs = ColumnMappingFactory(agency=state_u, name="Campus CAD export")
    response = client_for(alice).post(
        reverse("dashboard:import-new", args=[riverton.slug]),
        {
            "file": SimpleUploadedFile("cad.csv", b"ID,Date\n1,01/02/2024 10:00:00 AM\n"),
            "source": "incidents",
            "saved_mapping": theirs.pk,
        },
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["saved_mapping"]
    assert not ImportJob.objects.exists()


def test_public_pages_show_only_the_slug_agency_and_only_published_data(client, riverton, state_u):
    publish(riverton)
    records(riverton, 40, category="THEFT")
    finish_import(riverton)
    publish(state_u)
    records(state_u, 40, category="BICYCLE THEFT ON CAMPUS", prefix="S")
    finish_import(state_u)
    public_priority(riverton, title="Thefts from parked cars")
    hidden = public_priority(riverton, title="Noise from the quarry")
    hidden.is_public = False
    hidden.save(update_fields=["is_public"])
    public_priority(state_u, title="Bike thefts at the library")

    pages = ["", "data/", "open-data/", "open-data/incidents.csv", "data/by-category.csv"]
    for path in pages:
        response = client.get(f"/p/{riverton.slug}/{path}")
        assert response.status_code == 200, path
        content = (
            b"".join(response.streaming_content) if response.streaming else response.content
        ).decode()
        assert "BICYCLE THEFT ON CAMPUS" not in content, path
        assert "Bike thefts at the library" not in content, path
        assert "Noise from the quarry" not in content, path
    overview = client.get(f"/p/{riverton.slug}/").content.decode()
    assert "Thefts from parked cars" in overview
    assert "THEFT" in client.get(f"/p/{riverton.slug}/data/by-category.csv").content.decode()
