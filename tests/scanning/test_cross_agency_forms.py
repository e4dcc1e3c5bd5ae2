"""Scanning forms never accept another agency's objects: alice at Riverton posts State U ids."""

from django.urls import reverse

from scanning.models import PriorityRound, ScanningActivity
from tests.factories import (
    CandidateProblemFactory,
    InputFactory,
    OrganizationFactory,
    ScanningActivityFactory,
    advisory_team,
)


def _url(name, agency, **kwargs):
    return reverse(f"scanning:{name}", kwargs={"agency_slug": agency.slug, **kwargs})


def test_grouping_refuses_inputs_and_candidates_of_another_agency(
    client_for, alice, riverton, state_u
):
    their_input = InputFactory(activity=ScanningActivityFactory(agency=state_u))
    their_candidate = CandidateProblemFactory(agency=state_u)
    my_input = InputFactory(activity=ScanningActivityFactory(agency=riverton))
    client = client_for(alice)

    response = client.post(
        _url("inputs-assign", riverton), {"inputs": [their_input.pk], "new_title": "Dark paths"}
    )
    assert response.status_code == 302
    response = client.post(
        _url("inputs-assign", riverton),
        {"inputs": [my_input.pk], "candidate": their_candidate.pk},
    )
    assert response.status_code == 302

    their_input.refresh_from_db()
    my_input.refresh_from_db()
    assert their_input.candidate is None and my_input.candidate is None
    assert not riverton.candidate_problems.exists()
    assert list(state_u.candidate_problems.all()) == [their_candidate]


def test_merge_refuses_a_target_of_another_agency(client_for, alice, riverton, state_u):
    mine = CandidateProblemFactory(agency=riverton)
    theirs = CandidateProblemFactory(agency=state_u)
    response = client_for(alice).post(
        _url("candidate-merge", riverton, candidate_id=mine.pk), {"target": theirs.pk}
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.merged_into is None and theirs.merged_into is None


def test_activity_refuses_organizations_of_another_agency(client_for, alice, riverton, state_u):
    theirs = OrganizationFactory(agency=state_u, name="Student Senate")
    response = client_for(alice).post(
        _url("activity-create", riverton),
        {
            "kind": "meeting",
            "title": "Northside listening session",
            "held_on": "2026-01-10",
            "participant_count": 12,
            "organizations": [theirs.pk],
            "anonymity": "auto",
        },
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["organizations"]
    assert not ScanningActivity.objects.exists()


def test_round_refuses_a_team_and_candidates_of_another_agency(
    client_for, alice, carol, riverton, state_u
):
    advisory_team(riverton, [(alice, "police")])
    their_team, _ = advisory_team(state_u, [(carol, "police")])
    their_candidate = CandidateProblemFactory(agency=state_u)
    data = {
        "title": "Spring priorities",
        "team": their_team.pk,
        "method": "approval",
        "dots_per_voter": 5,
        "quorum": 1,
        "closes_at": "2030-05-01T18:00",
        "candidates": [their_candidate.pk],
    }
    data.update({f"weight_{i}": 1 for i in range(10)})
    response = client_for(alice).post(_url("round-create", riverton), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "Select a valid choice" in errors["team"][0]
    assert "Select a valid choice" in errors["candidates"][0]
    assert not PriorityRound.objects.exists()


def test_input_edit_refuses_a_topic_candidate_or_organization_of_another_agency(
    client_for, alice, riverton, state_u
):
    from scanning.models import Topic

    item = InputFactory(activity=ScanningActivityFactory(agency=riverton))
    topic = Topic.objects.create(agency=state_u, name="Bike theft")
    candidate = CandidateProblemFactory(agency=state_u)
    organization = OrganizationFactory(agency=state_u, name="Student Senate")
    response = client_for(alice).post(
        _url("input-edit", riverton, input_id=item.pk),
        {
            "text": "Changed text",
            "theme": item.theme,
            "respondent_kind": item.respondent_kind,
            "place_kind": item.place_kind,
            "place_name": item.place_name,
            "strength": 2,
            "topics": [topic.pk],
            "candidate": candidate.pk,
            "organization": organization.pk,
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"topics", "candidate", "organization"} == set(errors)
    item.refresh_from_db()
    assert item.text != "Changed text" and item.candidate is None
    assert not item.topics.exists()


def test_starting_a_priority_team_refuses_people_of_another_agency(
    client_for, alice, riverton, state_u
):
    from teams.models import Team
    from tests.dashboard.public_data import public_priority
    from tests.factories import PersonFactory

    priority = public_priority(riverton, title="Thefts from parked cars")
    theirs = PersonFactory(agency=state_u, full_name="Dana Campus")
    before = set(Team.objects.values_list("pk", flat=True))
    response = client_for(alice).post(
        _url("priority-start-team", riverton, priority_id=priority.pk),
        {"name": "Parked cars team", "others": [theirs.pk], "lead": theirs.pk},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "Select a valid choice" in errors["others"][0]
    assert "Select a valid choice" in errors["lead"][0]
    assert set(Team.objects.values_list("pk", flat=True)) == before
    priority.refresh_from_db()
    assert priority.team_id is None
