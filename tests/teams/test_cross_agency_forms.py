"""Team forms never accept another agency's objects: alice at Riverton posts State U ids."""

from teams.models import ActionItem, Metric, SaraResponse, TeamMember
from tests.factories import (
    GoalFactory,
    MeetingFactory,
    OrganizationFactory,
    PersonFactory,
    TeamFactory,
    TeamMemberFactory,
)

TEAMS = "/a/riverton-pd/teams"


def test_roster_refuses_a_person_of_another_agency(client_for, alice, riverton, state_u):
    team = TeamFactory(agency=riverton)
    theirs = PersonFactory(agency=state_u, full_name="Dana Campus")
    response = client_for(alice).post(
        f"{TEAMS}/{team.pk}/roster/", {"person": theirs.pk, "role": "member"}
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["person"]
    assert not TeamMember.objects.filter(person=theirs).exists()
    assert not team.members.exists()


def test_metric_refuses_a_goal_or_source_organization_of_another_agency(
    client_for, alice, riverton, state_u
):
    team = TeamFactory(agency=riverton)
    GoalFactory(team=team)
    their_goal = GoalFactory(team=TeamFactory(agency=state_u))
    their_org = OrganizationFactory(agency=state_u, name="Campus Dining")
    response = client_for(alice).post(
        f"{TEAMS}/{team.pk}/metrics/new/",
        {
            "goal": their_goal.pk,
            "name": "Late-night assaults",
            "definition": "Assaults 10 pm to 4 am",
            "unit": "assaults per month",
            "direction": Metric.Direction.DOWN,
            "kind": Metric.Kind.OUTCOME,
            "source": Metric.Source.PARTNER,
            "source_organization": their_org.pk,
            "cadence": "monthly",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "Select a valid choice" in errors["goal"][0]
    assert "Select a valid choice" in errors["source_organization"][0]
    assert not Metric.objects.exists()


def test_meeting_action_refuses_an_organization_of_another_agency(
    client_for, alice, riverton, state_u
):
    team = TeamFactory(agency=riverton)
    meeting = MeetingFactory(team=team)
    mine = TeamMemberFactory(team=team)
    their_org = OrganizationFactory(agency=state_u, name="Campus Dining")
    response = client_for(alice).post(
        f"{TEAMS}/{team.pk}/meetings/{meeting.pk}/",
        {
            "form": "action",
            "action-description": "Count broken lights",
            "action-owner": mine.person.pk,
            "action-owner_organization": their_org.pk,
            "action-due_on": "2026-03-01",
        },
    )
    assert response.status_code == 200
    assert list(response.context["action_form"].errors) == ["owner_organization"]
    assert not ActionItem.objects.exists()


def test_sara_response_refuses_an_organization_of_another_agency(
    client_for, alice, riverton, state_u
):
    team = TeamFactory(agency=riverton)
    their_org = OrganizationFactory(agency=state_u, name="Campus Dining")
    response = client_for(alice).post(
        f"{TEAMS}/{team.pk}/sara/",
        {
            "section": "response",
            "response-strategy": "Better lighting",
            "response-owner_organization": their_org.pk,
            "response-status": SaraResponse.Status.PLANNED,
        },
    )
    assert response.status_code == 200
    assert "owner_organization" in response.context["response_form"].errors
    assert not SaraResponse.objects.exists()
