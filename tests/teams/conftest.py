"""A Riverton problem-solving team and the Community Map people around it."""

import pytest

from communitymap.models import Area, PartnerType, Stance
from teams import services
from teams.models import Team
from tests.factories import AffiliationFactory, OrganizationFactory, PersonFactory


@pytest.fixture
def northside(riverton):
    """Northside Neighborhood Association: a community group, critical of the department."""
    return OrganizationFactory(
        agency=riverton,
        name="Northside Neighborhood Association",
        partner_type=PartnerType.COMMUNITY,
        areas=[Area.HOUSING],
        stance=Stance.CRITIC,
    )


@pytest.fixture
def public_works(riverton):
    """Riverton Public Works: a government service."""
    return OrganizationFactory(
        agency=riverton,
        name="Riverton Public Works",
        partner_type=PartnerType.GOVERNMENT,
        areas=[Area.PUBLIC_WORKS],
        stance=Stance.SUPPORTER,
    )


@pytest.fixture
def bob_person(riverton, bob, northside):
    """bob's Community Map record: he is the Northside association's president."""
    person = PersonFactory(agency=riverton, full_name="Bob Partner", user=bob)
    AffiliationFactory(agency=riverton, person=person, organization=northside)
    return person


@pytest.fixture
def pst(riverton, alice):
    """Green Street PST at Riverton, active, with no members yet."""
    team = services.create_team(
        agency=riverton,
        kind=Team.Kind.PROBLEM_SOLVING,
        name="Green Street PST",
        created_by=alice,
        purpose="Late-night assaults on Green Street.",
    )
    team.status = Team.Status.ACTIVE
    team.save()
    return team


@pytest.fixture
def pst_with_bob(pst, bob_person, alice):
    services.add_member(team=pst, person=bob_person, added_by=alice)
    return pst


@pytest.fixture
def url():
    def make(team, suffix=""):
        return f"/a/{team.agency.slug}/teams/{team.pk}/{suffix}"

    return make
