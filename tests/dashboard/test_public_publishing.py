"""Staff choose what the public dashboard shows, and preview it before publishing."""

import pytest
from django.core.cache import cache

from dashboard.models import PublicationSettings
from tests.dashboard.public_data import finish_import, publish, records

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


def test_admin_publishes_police_data_and_residents_see_it(client_for, dave, riverton, client):
    publish(riverton, police_data_public=False)
    records(riverton, 200)
    finish_import(riverton)
    assert "has not published police data" in client.get("/p/riverton-pd/data/").content.decode()
    response = client_for(dave).post(
        "/a/riverton-pd/dashboard/publication/",
        {
            "police_data_public": "on",
            "suppression_threshold": "10",
            "sensitive_categories": "sex\nDomestic\n\n",
            "published_categories": ["THEFT"],
            "data_note": "Incidents from our records system since 2025.",
        },
    )
    assert response.status_code == 302
    settings = PublicationSettings.objects.get(agency=riverton)
    assert settings.sensitive_categories == ["sex", "domestic"]
    client.logout()
    html = client.get("/p/riverton-pd/data/").content.decode()
    assert "Incidents from our records system since 2025." in html
    assert "Counts under 10 are hidden" in html
    assert "BURGLARY" not in html


def test_bad_threshold_is_explained_and_nothing_is_lost(client_for, dave, riverton):
    publish(riverton, data_note="Keep me")
    response = client_for(dave).post(
        "/a/riverton-pd/dashboard/publication/",
        {"suppression_threshold": "0", "data_note": "A new note", "sensitive_categories": "sex"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Choose a number from 1 to 100" in html or "greater than or equal to 1" in html
    assert "A new note" in html  # what was typed is still in the form
    assert PublicationSettings.objects.get(agency=riverton).data_note == "Keep me"


def test_staff_may_look_but_only_admins_change(client_for, alice, riverton):
    publish(riverton)
    client = client_for(alice)
    html = client.get("/a/riverton-pd/dashboard/publication/").content.decode()
    assert "Only an admin can change these settings" in html
    response = client.post("/a/riverton-pd/dashboard/publication/", {"suppression_threshold": "1"})
    assert response.status_code == 403


def test_preview_shows_unpublished_police_data_to_staff_only(client_for, alice, riverton, client):
    publish(riverton, police_data_public=False)
    records(riverton, 200)
    finish_import(riverton)
    html = client_for(alice).get("/a/riverton-pd/dashboard/publication/preview/").content.decode()
    assert "Preview." in html and "THEFT" in html and "By category" in html
    client.logout()
    assert "THEFT" not in client.get("/p/riverton-pd/").content.decode()
    other = client.get("/a/riverton-pd/dashboard/publication/preview/")
    assert other.status_code == 302  # anonymous: sent to log in


def test_priority_shows_the_trend_of_the_police_categories_staff_link(
    client_for, dave, riverton, client
):
    from tests.dashboard.public_data import public_priority

    publish(riverton)
    records(riverton, 400)
    finish_import(riverton)
    priority = public_priority(riverton)
    response = client_for(dave).post(
        "/a/riverton-pd/dashboard/publication/",
        {
            "police_data_public": "on",
            "suppression_threshold": "5",
            "sensitive_categories": "sex",
            f"priority_{priority.pk}": ["THEFT"],
        },
    )
    assert response.status_code == 302
    settings = PublicationSettings.objects.get(agency=riverton)
    assert settings.priority_categories == {str(priority.pk): ["THEFT"]}
    client.logout()
    html = client.get("/p/riverton-pd/").content.decode()
    assert "Police data: Theft" in html
    assert "100 records of theft from" in html
    assert "?category=THEFT" in html
