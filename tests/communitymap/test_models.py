"""Names, flags and stance history: the rules that sit on the models and services."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from communitymap import services
from communitymap.models import Organization, Stance, normalize_name
from communitymap.worksheet import build_worksheet
from tests.factories import AffiliationFactory, OrganizationFactory

TODAY = timezone.localdate


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("The Riverton Tenants Union", "riverton tenants union"),
        ("Boys & Girls Club, Inc.", "Boys and Girls Club"),
        ("NAACP State University Chapter", "naacp state university"),
        ("Riverton Branch NAACP", "Riverton Branch N.A.A.C.P."),
        ("YWCA of Riverton, Inc", "ywca of riverton"),
    ],
)
def test_names_that_differ_only_in_form_normalize_alike(a, b):
    assert normalize_name(a) == normalize_name(b)


def test_different_organizations_keep_different_names():
    assert normalize_name("Northside Neighborhood Association") != normalize_name(
        "Eastgate Neighborhood Association"
    )


def test_needs_new_contact_when_every_representative_leaves_within_30_days(riverton):
    organization = OrganizationFactory(agency=riverton)
    AffiliationFactory(agency=riverton, organization=organization, end_date=TODAY() - timedelta(1))
    leaving = AffiliationFactory(
        agency=riverton, organization=organization, end_date=TODAY() + timedelta(20)
    )
    flagged = riverton.organizations.with_contact_flags()
    assert flagged.get(pk=organization.pk).needs_new_contact
    assert list(riverton.organizations.needing_new_contact()) == [organization]

    leaving.end_date = TODAY() + timedelta(45)
    leaving.save()
    assert not riverton.organizations.with_contact_flags().get(pk=organization.pk).needs_new_contact
    assert not riverton.organizations.needing_new_contact().exists()


def test_an_organization_that_never_had_a_contact_is_not_flagged_as_needing_a_new_one(riverton):
    OrganizationFactory(agency=riverton)
    assert not riverton.organizations.needing_new_contact().exists()
    assert riverton.organizations.without_contacts().count() == 1


def test_stance_history_keeps_who_when_and_why_and_the_latest_wins(riverton, alice, dave):
    organization = services.create_organization(
        agency=riverton,
        created_by=alice,
        data={"name": "Riverton Tenants Union", "areas": ["housing"]},
        stance=Stance.NEUTRAL,
        stance_reason="Cordial first meeting.",
    )
    services.record_stance(
        organization=organization,
        stance=Stance.CRITIC,
        reason="Opposes police at evictions.",
        recorded_by=dave,
    )
    services.record_stance(
        organization=organization,
        stance=Stance.SUPPORTER,
        reason="Backdated note from last year.",
        recorded_by=dave,
        recorded_on=TODAY() - timedelta(days=365),
    )
    organization.refresh_from_db()
    assert organization.stance == Stance.CRITIC  # The backdated record does not win.
    records = list(organization.stance_records.values_list("stance", "recorded_by__email"))
    assert records == [
        ("critic", "dave@riverton.test"),
        ("neutral", "alice@riverton.test"),
        ("supporter", "dave@riverton.test"),
    ]
    assert organization.history.count() >= 2


def test_a_stance_needs_a_reason(riverton, alice):
    organization = OrganizationFactory(agency=riverton)
    with pytest.raises(ValidationError):
        services.record_stance(
            organization=organization, stance=Stance.CRITIC, reason="  ", recorded_by=alice
        )


def test_second_of_two_edits_from_the_same_version_is_refused(riverton, alice, dave):
    organization = OrganizationFactory(agency=riverton, name="Eastgate NA")
    version = organization.version
    services.update_organization(
        organization=organization,
        changed_by=alice,
        data={"name": "Eastgate Neighborhood Association"},
        expected_version=version,
    )
    with pytest.raises(services.StaleEditError) as error:
        services.update_organization(
            organization=organization,
            changed_by=dave,
            data={"name": "Eastgate Residents"},
            expected_version=version,
        )
    assert error.value.current.name == "Eastgate Neighborhood Association"
    assert Organization.objects.get(pk=organization.pk).name == "Eastgate Neighborhood Association"


def test_worksheet_counts_cells_balance_and_gaps(riverton, state_u):
    OrganizationFactory(agency=riverton, areas=["housing", "health"], stance="critic")
    OrganizationFactory(agency=riverton, areas=["housing"], stance="supporter", status="engaged")
    OrganizationFactory(agency=riverton, areas=["housing"], partner_type="government")
    OrganizationFactory(agency=state_u, areas=["labor"])  # Another agency's: not counted.
    rows = {row.area: row for row in build_worksheet(riverton)}
    housing = {cell.partner_type: cell for cell in rows["housing"].cells}
    assert (housing["community"].total, housing["government"].total, housing["ngo"].total) == (
        2,
        1,
        0,
    )
    assert housing["ngo"].is_gap
    assert (rows["housing"].supporters, rows["housing"].critics) == (1, 1)
    assert rows["housing"].gaps == []
    assert rows["health"].gaps == ["no engaged partner"]
    assert rows["labor"].total == 0
    assert rows["education"].cells[0].examples  # Defaults come from the domain notes.


def test_search_tolerates_typos_and_case(riverton):
    OrganizationFactory(agency=riverton, name="Graduate Employees' Organization")
    OrganizationFactory(agency=riverton, name="Riverton Housing Authority")
    names = lambda q: [o.name for o in riverton.organizations.search(q)]  # noqa: E731
    assert names("graduate employes") == ["Graduate Employees' Organization"]
    assert names("HOUSING") == ["Riverton Housing Authority"]
    assert names("Riverton Housng Authorty") == ["Riverton Housing Authority"]
    assert names("fire department") == []
