"""The named people and agencies that tests talk about.

Tests read like sentences: "bob, a partner at Riverton, cannot edit Riverton's map".
"""

import pytest

from cs360.models import Agency, Role
from tests.factories import AgencyFactory, MembershipFactory, UserFactory


def member(email, agency, role, name):
    user = UserFactory(email=email, full_name=name)
    MembershipFactory(user=user, agency=agency, role=role)
    return user


@pytest.fixture
def riverton(db):
    """Riverton Police Department: the city."""
    return AgencyFactory(name="Riverton Police Department", slug="riverton-pd")


@pytest.fixture
def state_u(db):
    """State University Police Department: the campus inside Riverton."""
    return AgencyFactory(
        name="State University Police Department", slug="state-u-pd", kind=Agency.Kind.UNIVERSITY
    )


@pytest.fixture
def dave(riverton):
    """dave: admin at Riverton PD."""
    return member("dave@riverton.test", riverton, Role.ADMIN, "Dave Admin")


@pytest.fixture
def alice(riverton):
    """alice: staff at Riverton PD."""
    return member("alice@riverton.test", riverton, Role.STAFF, "Alice Staff")


@pytest.fixture
def bob(riverton):
    """bob: partner at Riverton PD."""
    return member("bob@riverton.test", riverton, Role.PARTNER, "Bob Partner")


@pytest.fixture
def carol(state_u):
    """carol: admin at State University PD."""
    return member("carol@stateu.test", state_u, Role.ADMIN, "Carol Campus")


@pytest.fixture
def erin(state_u):
    """erin: staff at State University PD."""
    return member("erin@stateu.test", state_u, Role.STAFF, "Erin Campus")


@pytest.fixture
def jordan(riverton, state_u):
    """jordan: partner at both Riverton PD and State University PD."""
    user = member("jordan@both.test", riverton, Role.PARTNER, "Jordan Both")
    MembershipFactory(user=user, agency=state_u, role=Role.PARTNER)
    return user


@pytest.fixture
def nobody(db):
    """nobody: has an account but belongs to no agency."""
    return UserFactory(email="nobody@example.test", full_name="No Body")


@pytest.fixture
def client_for(client):
    """Log `client` in as the given user and return it: `client_for(alice).get(...)`."""

    def login(user):
        client.force_login(user)
        return client

    return login
