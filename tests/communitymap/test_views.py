"""The Community Map through the client: pages, htmx fragments, roles and agencies."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from communitymap.models import Affiliation, Organization, Person, normalize_name, trigrams
from tests.factories import AffiliationFactory, OrganizationFactory, PersonFactory

MAP = "/a/riverton-pd/map"
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_worksheet_shows_counts_gaps_and_the_new_contact_flag(client_for, alice, riverton):
    OrganizationFactory(agency=riverton, name="Riverton Tenants Union", stance="critic")
    gone = OrganizationFactory(agency=riverton, name="Eastgate Neighborhood Association")
    AffiliationFactory(
        agency=riverton, organization=gone, end_date=timezone.localdate() - timedelta(days=3)
    )
    page = client_for(alice).get(f"{MAP}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Community Map" in html and "<html" in html
    assert 'id="cell-housing-community"' in html
    assert "2 critic" not in html and "1 critic" in html
    assert "Gap: nobody yet" in html  # 17 of 18 cells are empty.
    assert "17</span><span" in html.replace("\n", "")  # The count of empty cells.
    assert "1 needs a new contact" in html
    assert "No engaged partner" in html

    fragment = client_for(alice).get(f"{MAP}/", **HTMX)
    assert fragment.status_code == 200
    assert b"<html" not in fragment.content and b'id="worksheet-grid"' in fragment.content


def test_quick_add_opens_in_the_cell_and_adds_into_it(client_for, alice, riverton):
    client = client_for(alice)
    url = f"{MAP}/cell/health/ngo/add/"
    form = client.get(url, **HTMX)
    assert form.status_code == 200
    assert b'id="add-health-ngo"' in form.content and b"<html" not in form.content

    added = client.post(url, {"name": "NAMI Riverton", "stance": "unknown"}, **HTMX)
    assert added.status_code == 200
    assert added["HX-Retarget"] == "#worksheet-grid"
    assert b"NAMI Riverton</a> was added to the map" in added.content
    organization = riverton.organizations.get()
    assert (organization.areas, organization.partner_type) == (["health"], "ngo")
    assert organization.history.first().history_user == alice

    again = client.post(url, {"name": "the NAMI Riverton, Inc.", "stance": "unknown"}, **HTMX)
    assert again.status_code == 200
    assert again["HX-Retarget"] == "#add-health-ngo"
    assert "“NAMI Riverton” is already on the map." in again.content.decode()
    assert riverton.organizations.count() == 1


def test_quick_add_works_without_javascript(client_for, alice, riverton):
    client = client_for(alice)
    assert b"<html" in client.get(f"{MAP}/cell/housing/government/add/").content
    response = client.post(
        f"{MAP}/cell/housing/government/add/",
        {"name": "Riverton Housing Authority", "stance": "critic", "stance_reason": ""},
    )
    assert response.status_code == 200
    assert "Say why you record this stance." in response.content.decode()
    response = client.post(
        f"{MAP}/cell/housing/government/add/",
        {"name": "Riverton Housing Authority", "stance": "critic", "stance_reason": "Evictions."},
    )
    assert response.status_code == 302
    organization = riverton.organizations.get()
    assert organization.stance == "critic"
    assert organization.stance_records.get().reason == "Evictions."


def test_unknown_worksheet_cell_is_not_found(client_for, alice, riverton):
    assert client_for(alice).get(f"{MAP}/cell/housing/business/add/").status_code == 404
    assert client_for(alice).get(f"{MAP}/cell/space/ngo/add/").status_code == 404


def test_partners_do_not_see_the_map_or_its_contacts(client_for, bob, riverton):
    organization = OrganizationFactory(agency=riverton, email="chair@northside.example")
    client = client_for(bob)
    for url in (
        f"{MAP}/",
        f"{MAP}/organizations/",
        f"{MAP}/organizations/{organization.pk}/",
        f"{MAP}/organizations/export/",
        f"{MAP}/people/",
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert b"chair@northside.example" not in response.content
    home = client.get("/a/riverton-pd/")
    assert b"Community Map" not in home.content


def test_another_agencys_organization_is_not_found(client_for, alice, erin, riverton, state_u):
    campus = OrganizationFactory(agency=state_u, name="Student Senate")
    person = PersonFactory(agency=state_u)
    client = client_for(alice)
    assert client.get(f"{MAP}/organizations/{campus.pk}/").status_code == 404
    assert client.get(f"{MAP}/organizations/{campus.pk}/edit/").status_code == 404
    assert client.post(f"{MAP}/organizations/{campus.pk}/stance/", {}).status_code == 404
    assert client.get(f"{MAP}/people/{person.pk}/").status_code == 404
    assert b"Student Senate" not in client.get(f"{MAP}/organizations/?q=senate").content
    # Choosing another agency's person as a representative is refused by the form.
    own = OrganizationFactory(agency=riverton)
    response = client.post(f"{MAP}/organizations/{own.pk}/representatives/", {"person": person.pk})
    assert response.status_code == 200
    assert not own.affiliations.exists()


def test_list_filters_search_and_sort_keep_a_shareable_url(client_for, alice, riverton):
    OrganizationFactory(agency=riverton, name="Riverton Tenants Union", stance="critic")
    OrganizationFactory(
        agency=riverton, name="Riverton Public Works", areas=["public_works"], stance="supporter"
    )
    OrganizationFactory(agency=riverton, name="Northside Neighborhood Association")
    client = client_for(alice)
    page = client.get(f"{MAP}/organizations/?stance=critic")
    html = page.content.decode()
    assert "<html" in html and "Riverton Tenants Union" in html
    assert "Riverton Public Works" not in html and "1 organization match" in html
    assert 'href="/a/riverton-pd/map/organizations/export/?stance=critic"' in html

    fragment = client.get(f"{MAP}/organizations/?q=tenant+unoin", **HTMX).content.decode()
    assert "<html" not in fragment and "Riverton Tenants Union" in fragment
    assert "Northside" not in fragment

    fragment = client.get(f"{MAP}/organizations/?area=public_works", **HTMX).content.decode()
    assert "Riverton Public Works" in fragment and "Tenants" not in fragment

    names = client.get(f"{MAP}/organizations/?sort=stance").context["organizations"]
    assert [o.stance for o in names] == ["critic", "supporter", "unknown"]


def test_list_flags_organizations_needing_a_new_contact(client_for, alice, riverton):
    soon = timezone.localdate() + timedelta(days=10)
    leaving = AffiliationFactory(agency=riverton, end_date=soon).organization
    staying = AffiliationFactory(agency=riverton).organization
    html = client_for(alice).get(f"{MAP}/organizations/?flag=needs_new_contact").content.decode()
    assert leaving.name in html and staying.name not in html
    assert "Needs a new contact" in html


def _bulk_organizations(agency, count):
    organizations = Organization.objects.bulk_create(
        Organization(
            agency=agency,
            name=f"Block Club {n}",
            normalized_name=normalize_name(f"Block Club {n}"),
            name_trigrams=trigrams(f"Block Club {n}"),
            areas=["housing", "justice"] if n % 2 else ["health"],
            partner_type=["community", "ngo", "government"][n % 3],
            stance=["supporter", "critic", "neutral"][n % 3],
        )
        for n in range(count)
    )
    person = PersonFactory(agency=agency)
    Affiliation.objects.bulk_create(
        Affiliation(agency=agency, organization=o, person=person, role_title="Chair")
        for o in organizations
    )


@pytest.mark.parametrize("size", [10, 1000])
def test_list_and_worksheet_queries_do_not_grow_with_the_map(
    client_for, alice, riverton, size, django_assert_max_num_queries
):
    _bulk_organizations(riverton, size)
    client = client_for(alice)
    client.get(f"{MAP}/")  # Warm the session.
    with django_assert_max_num_queries(10):
        assert client.get(f"{MAP}/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(f"{MAP}/organizations/?area=housing&sort=stance").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(f"{MAP}/organizations/?q=block+clb", **HTMX).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(f"{MAP}/people/").status_code == 200


def test_add_form_warns_of_a_possible_duplicate_until_confirmed(client_for, alice, riverton):
    OrganizationFactory(agency=riverton, name="Boys & Girls Club of Riverton")
    client = client_for(alice)
    check = client.get(f"{MAP}/organizations/check-name/?name=boys+and+girls+club+of+riverton")
    assert "Possible duplicate" in check.content.decode()
    data = {"name": "The Boys and Girls Club of Riverton, Inc.", "areas": ["education"],
            "partner_type": "ngo", "status": "identified", "stance": "unknown"}  # fmt: skip
    response = client.post(f"{MAP}/organizations/new/", data)
    assert response.status_code == 200
    assert "already on the map" in response.content.decode()
    assert riverton.organizations.count() == 1
    response = client.post(f"{MAP}/organizations/new/", data | {"not_a_duplicate": "on"})
    assert response.status_code == 302
    assert riverton.organizations.count() == 2


def test_the_second_of_two_simultaneous_edits_is_told_and_nothing_is_overwritten(
    client_for, alice, dave, riverton
):
    organization = OrganizationFactory(agency=riverton, name="Eastgate NA", notes="")
    form = {"name": "Eastgate NA", "areas": ["housing"], "partner_type": "community",
            "status": "identified", "version": organization.version}  # fmt: skip
    first = client_for(dave).post(
        f"{MAP}/organizations/{organization.pk}/edit/", form | {"notes": "Board meets quarterly."}
    )
    assert first.status_code == 302
    second = client_for(alice).post(
        f"{MAP}/organizations/{organization.pk}/edit/", form | {"notes": "Call the chair."}
    )
    assert second.status_code == 200
    html = second.content.decode()
    assert "Dave Admin changed this organization" in html and "were not saved" in html
    assert "Board meets quarterly." in html  # What the other person saved is shown.
    organization.refresh_from_db()
    assert organization.notes == "Board meets quarterly."
    # Saving again on purpose, from the version now shown, keeps alice's notes.
    third = client_for(alice).post(
        f"{MAP}/organizations/{organization.pk}/edit/",
        form | {"notes": "Call the chair.", "version": organization.version},
    )
    assert third.status_code == 302
    organization.refresh_from_db()
    assert organization.notes == "Call the chair."


def test_recording_a_critic_stance_through_htmx(client_for, alice, riverton):
    organization = OrganizationFactory(agency=riverton)
    url = f"{MAP}/organizations/{organization.pk}/stance/"
    today = timezone.localdate().isoformat()
    missing = client_for(alice).post(url, {"stance": "critic", "recorded_on": today}, **HTMX)
    assert missing.status_code == 200 and b"This field is required" in missing.content
    response = client_for(alice).post(
        url, {"stance": "critic", "recorded_on": today, "reason": "Opposes the curfew."}, **HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and 'id="stance-section"' in html
    assert "Opposes the curfew." in html and "Alice Staff" in html
    organization.refresh_from_db()
    assert organization.stance == "critic"


def test_a_representative_whose_term_ends_next_month_raises_the_flag(client_for, alice, riverton):
    organization = OrganizationFactory(agency=riverton, name="Student Senate")
    ends = timezone.localdate() + timedelta(days=25)
    response = client_for(alice).post(
        f"{MAP}/organizations/{organization.pk}/representatives/",
        {"full_name": "Priya Shah", "role_title": "President", "end_date": ends.isoformat()},
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Priya Shah" in html and 'id="needs-new-contact"' in html
    assert "1 needs a new contact" in client_for(alice).get(f"{MAP}/").content.decode()
    home = client_for(alice).get("/a/riverton-pd/").content.decode()
    assert "1 organization on the map needs a new contact" in home


def test_outreach_log_and_affiliation_end(client_for, alice, riverton):
    affiliation = AffiliationFactory(agency=riverton)
    organization = affiliation.organization
    client = client_for(alice)
    response = client.post(
        f"{MAP}/organizations/{organization.pk}/outreach/",
        {
            "kind": "meeting",
            "happened_on": "2026-10-01",
            "staff": alice.pk,
            "notes": "Walked Green Street together.",
        },  # fmt: skip
        **HTMX,
    )
    assert b"Walked Green Street together." in response.content
    assert organization.outreach_entries.get().staff == alice
    response = client.post(
        f"{MAP}/affiliations/{affiliation.pk}/",
        {"role_title": "Past president", "start_date": "2025-08-20", "end_date": "2025-01-01"},
    )
    assert "cannot end before it starts" in response.content.decode()
    response = client.post(
        f"{MAP}/affiliations/{affiliation.pk}/",
        {"role_title": "Past president", "start_date": "2025-08-20", "end_date": "2026-05-15"},
    )
    assert response.status_code == 302
    affiliation.refresh_from_db()
    assert not affiliation.is_current


def test_export_contains_exactly_the_filtered_list(client_for, alice, riverton):
    OrganizationFactory(
        agency=riverton, name="Riverton Tenants Union", stance="critic", owner=alice,
        areas=["housing", "justice"], email="info@tenants.example",
    )  # fmt: skip
    OrganizationFactory(agency=riverton, name="Riverton Public Works", stance="supporter")
    client = client_for(alice)
    response = client.get(f"{MAP}/organizations/export/?stance=critic")
    assert response["Content-Disposition"].endswith('.csv"')
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["Name"] for r in rows] == ["Riverton Tenants Union"]
    assert rows[0]["Areas"] == "Justice and crime; Housing" or rows[0]["Areas"] == (
        "Housing; Justice and crime"
    )
    assert rows[0]["Stance"] == "Critic" and rows[0]["Owner e-mail"] == alice.email

    response = client.get(f"{MAP}/organizations/export/?as=xlsx&q=public+works")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert values[0][0] == "Name" and [v[0] for v in values[1:]] == ["Riverton Public Works"]


def test_referrals_view_shows_who_brought_in_whom(client_for, alice, riverton):
    northside = OrganizationFactory(agency=riverton, name="Northside Neighborhood Association")
    OrganizationFactory(
        agency=riverton, name="Riverton Tenants Union", recommended_by_organization=northside
    )
    rosa = PersonFactory(agency=riverton, full_name="Rosa Martinez")
    OrganizationFactory(agency=riverton, name="St. Brigid's Pantry", recommended_by_person=rosa)
    html = client_for(alice).get(f"{MAP}/referrals/").content.decode()
    assert "2 organizations came to the map" in html
    assert html.index("Northside") < html.index("Riverton Tenants Union")
    assert "Rosa Martinez" in html and "St. Brigid" in html


def test_agency_examples_replace_the_defaults_in_one_cell(client_for, alice, riverton):
    client = client_for(alice)
    response = client.post(
        f"{MAP}/cell/housing/ngo/examples/", {"text": "Habitat for Humanity of Riverton\n\n"}
    )
    assert response.status_code == 302
    html = client.get(f"{MAP}/").content.decode()
    assert "Habitat for Humanity of Riverton" in html
    assert "NeighborWorks member organization" not in html
    assert "Police Athletic League" in html  # Other cells keep their defaults.


def test_print_version_lists_names_per_cell(client_for, alice, riverton):
    OrganizationFactory(agency=riverton, name="Riverton Tenants Union", stance="critic")
    html = client_for(alice).get(f"{MAP}/print/").content.decode()
    assert "Riverton Tenants Union (C)" in html and "data-print" in html


def test_person_page_edits_and_links_a_login(client_for, alice, bob, riverton):
    person = PersonFactory(agency=riverton, full_name="Bob Partner")
    response = client_for(alice).post(
        f"{MAP}/people/{person.pk}/",
        {"full_name": "Bob Partner", "email": "bob@riverton.test", "user": bob.pk},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.user == bob
    assert Person.objects.get(pk=person.pk).history.first().history_user == alice
