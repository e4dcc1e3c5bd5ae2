"""The advisory team most scanning tests vote with.

bob and jordan (partners at Riverton) sit for the community; carl, a Riverton staff
member, sits for the police. All three have a vote.
"""

import pytest

from cs360.models import Role
from tests.conftest import member
from tests.factories import CandidateProblemFactory, advisory_team


@pytest.fixture
def carl(riverton):
    """carl: staff at Riverton PD, a police voter on the advisory team."""
    return member("carl@riverton.test", riverton, Role.STAFF, "Carl Police")


@pytest.fixture
def team_and_voters(riverton, bob, jordan, carl):
    return advisory_team(riverton, [(bob, "community"), (jordan, "community"), (carl, "police")])


@pytest.fixture
def candidates(riverton):
    return [
        CandidateProblemFactory(agency=riverton, title="Speeding on Main Street"),
        CandidateProblemFactory(agency=riverton, title="Car break-ins downtown"),
        CandidateProblemFactory(agency=riverton, title="Unlit paths in Northside Park"),
    ]
