import pytest
from django.urls import reverse

from cs360.models import Role


def home_url(agency):
    return reverse("agency-home", kwargs={"agency_slug": agency.slug})


def members_url(agency):
    return reverse("member-list", kwargs={"agency_slug": agency.slug})


def test_anonymous_visitor_is_sent_to_log_in(client, riverton):
    response = client.get(home_url(riverton))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/a/riverton-pd/")


def test_member_of_another_agency_gets_404_not_403(client_for, carol, riverton):
    response = client_for(carol).get(home_url(riverton))
    assert response.status_code == 404


def test_unknown_agency_slug_gets_the_same_404(client_for, carol):
    response = client_for(carol).get("/a/no-such-agency/")
    assert response.status_code == 404


def test_partner_cannot_open_admin_page(client_for, bob, riverton):
    response = client_for(bob).get(members_url(riverton))
    assert response.status_code == 403
    assert b"do not have access" in response.content


def test_admin_opens_member_page(client_for, dave, riverton):
    response = client_for(dave).get(members_url(riverton))
    assert response.status_code == 200
    assert b"dave@riverton.test" in response.content


def test_agency_home_shows_areas_for_role(client_for, alice, riverton):
    response = client_for(alice).get(home_url(riverton))
    assert response.status_code == 200
    assert response.context["current_agency"] == riverton
    assert response.context["membership"].role == Role.STAFF


def test_person_in_two_agencies_chooses_and_switches(client_for, jordan, riverton, state_u):
    client = client_for(jordan)
    response = client.get("/")
    assert response.status_code == 200
    assert b"Choose an agency" in response.content
    for agency in (riverton, state_u):
        assert client.get(home_url(agency)).status_code == 200
    page = client.get(home_url(riverton)).content.decode()
    assert "Switch agency" in page and state_u.name in page


def test_person_in_one_agency_goes_straight_there(client_for, alice, riverton):
    response = client_for(alice).get("/")
    assert response.status_code == 302
    assert response["Location"] == home_url(riverton)


def test_person_with_no_agency_gets_a_clear_page(client_for, nobody):
    response = client_for(nobody).get("/")
    assert response.status_code == 200
    assert b"not part of an agency yet" in response.content


def test_agency_pages_use_the_agency_time_zone(client_for, carol, state_u):
    state_u.time_zone = "America/Los_Angeles"
    state_u.save()
    response = client_for(carol).get(home_url(state_u))
    assert b"America/Los_Angeles" in response.content


@pytest.mark.parametrize("path", ["/healthz", "/accounts/login/", "/accounts/password_reset/"])
def test_a_few_pages_are_public(client, db, path):
    assert client.get(path).status_code == 200


def test_django_admin_is_for_superusers_only(client_for, dave):
    response = client_for(dave).get("/admin/")
    assert response.status_code == 302  # Even an agency admin is sent to the admin login.
