"""Form fields never accept another agency's objects: alice at Riverton posts State U ids."""

from communitymap.models import Affiliation, Organization, OutreachEntry
from tests.factories import OrganizationFactory, PersonFactory

MAP = "/a/riverton-pd/map"
INVALID = "Select a valid choice"


def test_representative_add_refuses_a_person_of_another_agency(
    client_for, alice, riverton, state_u
):
    organization = OrganizationFactory(agency=riverton, name="Northside Tenants Union")
    theirs = PersonFactory(agency=state_u, full_name="Dana Campus")
    response = client_for(alice).post(
        f"{MAP}/organizations/{organization.pk}/representatives/",
        {"person": theirs.pk, "role_title": "Chair"},
    )
    assert response.status_code == 200
    assert "person" in response.context["representative_form"].errors
    assert INVALID in response.content.decode()
    assert not Affiliation.objects.filter(person=theirs).exists()
    assert not Affiliation.objects.filter(organization=organization).exists()


def test_organization_form_refuses_a_recommender_or_owner_of_another_agency(
    client_for, alice, carol, riverton, state_u
):
    their_org = OrganizationFactory(agency=state_u, name="Student Senate")
    their_person = PersonFactory(agency=state_u, full_name="Dana Campus")
    before = Organization.objects.count()
    response = client_for(alice).post(
        f"{MAP}/organizations/new/",
        {
            "name": "Eastgate Block Club",
            "partner_type": "community",
            "areas": ["housing"],
            "stance": "unknown",
            "status": "identified",
            "owner": carol.pk,
            "recommended_by_organization": their_org.pk,
            "recommended_by_person": their_person.pk,
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"owner", "recommended_by_organization", "recommended_by_person"}
    assert Organization.objects.count() == before


def test_outreach_refuses_a_person_of_another_agency(client_for, alice, riverton, state_u):
    organization = OrganizationFactory(agency=riverton, name="Northside Tenants Union")
    theirs = PersonFactory(agency=state_u, full_name="Dana Campus")
    response = client_for(alice).post(
        f"{MAP}/organizations/{organization.pk}/outreach/",
        {"kind": "call", "happened_on": "2026-01-05", "person": theirs.pk, "notes": "Called"},
    )
    assert response.status_code == 200
    assert list(response.context["outreach_form"].errors) == ["person"]
    assert not OutreachEntry.objects.exists()


def test_person_form_refuses_a_login_of_another_agency(client_for, alice, erin, riverton):
    person = PersonFactory(agency=riverton, full_name="Pat Resident")
    response = client_for(alice).post(
        f"{MAP}/people/{person.pk}/", {"full_name": "Pat Resident", "user": erin.pk}
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["user"]
    person.refresh_from_db()
    assert person.user_id is None


def test_name_check_ignores_an_organization_id_of_another_agency(
    client_for, alice, riverton, state_u
):
    OrganizationFactory(agency=state_u, name="Student Senate")
    mine = OrganizationFactory(agency=riverton, name="Riverton Student Senate")
    response = client_for(alice).get(
        f"{MAP}/organizations/check-name/", {"name": "Student Senate", "organization_id": mine.pk}
    )
    assert response.status_code == 200
    assert "Student Senate" not in response.content.decode().replace("Riverton Student Senate", "")


HTMX = {"HTTP_HX_REQUEST": "true"}


def test_htmx_searches_find_only_the_agency_own_records(client_for, alice, riverton, state_u):
    OrganizationFactory(agency=state_u, name="Student Senate Campus")
    PersonFactory(agency=state_u, full_name="Dana Campus")
    OrganizationFactory(agency=riverton, name="Northside Campus Ministry")
    PersonFactory(agency=riverton, full_name="Pat Campus")
    client = client_for(alice)

    organizations = client.get(f"{MAP}/organizations/", {"q": "Campus"}, **HTMX)
    html = organizations.content.decode()
    assert "Northside Campus Ministry" in html and "Student Senate" not in html
    people = client.get(f"{MAP}/people/", {"q": "Campus"}, **HTMX)
    html = people.content.decode()
    assert "Pat Campus" in html and "Dana Campus" not in html
    export = client.get(f"{MAP}/organizations/export/", {"q": "Campus"})
    text = b"".join(export.streaming_content).decode()
    assert "Northside Campus Ministry" in text and "Student Senate" not in text
