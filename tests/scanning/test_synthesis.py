"""Evidence counts, grouping and merging, the under-heard panel, and page query counts."""

import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from cs360.home import attention_items
from scanning import queries, services, voting
from scanning.models import BallotReminder
from scanning.tally import BallotData
from tests.factories import (
    AffiliationFactory,
    CandidateProblemFactory,
    InputFactory,
    OrganizationFactory,
    ScanningActivityFactory,
    open_round,
)

pytestmark = pytest.mark.django_db


def test_evidence_counts_times_kinds_channels_and_organizations(riverton):
    candidate = CandidateProblemFactory(agency=riverton)
    north = OrganizationFactory(agency=riverton, name="Northside Neighborhood Association")
    church = OrganizationFactory(agency=riverton, name="First Baptist Church")
    youth = OrganizationFactory(agency=riverton, name="Riverton Youth Alliance")
    meeting = ScanningActivityFactory(agency=riverton, kind="meeting")
    meeting.organizations.set([north, church])
    call = ScanningActivityFactory(agency=riverton, kind="interview")
    InputFactory(activity=meeting, candidate=candidate, respondent_kind="resident")
    InputFactory(activity=meeting, candidate=candidate, respondent_kind="resident")
    InputFactory(activity=call, candidate=candidate, respondent_kind="youth", organization=youth)
    InputFactory(activity=call, candidate=None)  # not grouped: does not count
    evidence = queries.candidate_evidence(riverton)[candidate.pk]
    assert (evidence.inputs, evidence.kinds, evidence.channels, evidence.organizations) == (
        3,
        2,
        2,
        3,
    )
    assert evidence.sentence == (
        "Heard 3 times from 2 kinds of respondent through 2 channels, with 3 organizations."
    )


def test_grouping_inputs_into_a_new_candidate_from_the_synthesis_page(client_for, alice, riverton):
    activity = ScanningActivityFactory(agency=riverton)
    items = [InputFactory(activity=activity) for _ in range(3)]
    response = client_for(alice).post(
        reverse("scanning:inputs-assign", kwargs={"agency_slug": riverton.slug}),
        {"inputs": [items[0].pk, items[1].pk], "new_title": "Dark paths near the library"},
    )
    assert response.status_code == 302
    candidate = riverton.candidate_problems.get(title="Dark paths near the library")
    assert candidate.inputs.count() == 2
    page = client_for(alice).get(response["Location"]).content.decode()
    assert "Dark paths near the library" in page and "Heard twice" in page


def test_grouping_needs_a_candidate_or_a_name(client_for, alice, riverton):
    item = InputFactory(activity=ScanningActivityFactory(agency=riverton))
    response = client_for(alice).post(
        reverse("scanning:inputs-assign", kwargs={"agency_slug": riverton.slug}),
        {"inputs": [item.pk]},
        follow=True,
    )
    assert "Choose a candidate problem or name a new one." in response.content.decode()
    item.refresh_from_db()
    assert item.candidate is None


def test_merging_near_duplicates_keeps_the_counts(client_for, alice, riverton):
    speeding = CandidateProblemFactory(agency=riverton, title="Speeding on Main Street")
    racing = CandidateProblemFactory(agency=riverton, title="Street racing on Main")
    activity = ScanningActivityFactory(agency=riverton)
    for _ in range(3):
        InputFactory(activity=activity, candidate=speeding)
    for _ in range(2):
        InputFactory(activity=activity, candidate=racing)
    response = client_for(alice).post(
        reverse(
            "scanning:candidate-merge",
            kwargs={"agency_slug": riverton.slug, "candidate_id": racing.pk},
        ),
        {"target": speeding.pk},
    )
    assert response.status_code == 302
    racing.refresh_from_db()
    assert racing.merged_into == speeding
    assert queries.candidate_evidence(riverton)[speeding.pk].inputs == 5
    assert list(riverton.candidate_problems.open()) == [speeding]


def test_a_candidate_on_an_open_ballot_cannot_be_merged_away(riverton, alice, team_and_voters):
    a, b = CandidateProblemFactory(agency=riverton), CandidateProblemFactory(agency=riverton)
    open_round(riverton, team_and_voters[0], [a, b])
    with pytest.raises(Exception, match="on a ballot"):
        services.merge_candidates(agency=riverton, source=a, target=b, merged_by=alice)


def test_under_heard_names_who_and_where_gave_little_or_nothing(riverton):
    housing = OrganizationFactory(
        agency=riverton, areas=["housing"], neighborhoods="Northside, Riverside Court"
    )
    meeting = ScanningActivityFactory(agency=riverton)
    meeting.organizations.set([housing])
    for _ in range(20):
        InputFactory(activity=meeting, respondent_kind="resident", place_name="Northside")
    InputFactory(activity=meeting, respondent_kind="youth", place_name="Downtown")
    gaps = queries.under_heard(riverton).gaps
    kinds = {c.label: c.count for c in gaps["Kinds of respondent"]}
    assert kinds["Youth"] == 1 and kinds["Business owner"] == 0 and "Resident" not in kinds
    areas = {c.label: c.count for c in gaps["Community Map areas"]}
    assert "Housing" not in areas and areas["Health"] == 0
    places = {c.label: c.count for c in gaps["Places"]}
    assert places == {"Downtown": 1, "Riverside Court": 0}


@pytest.mark.parametrize("size", [3, 30])
def test_scanning_pages_use_a_constant_number_of_queries(
    client_for, alice, riverton, team_and_voters, django_assert_max_num_queries, size
):
    activity = ScanningActivityFactory(agency=riverton)
    activity.organizations.set([OrganizationFactory(agency=riverton)])
    candidates = [CandidateProblemFactory(agency=riverton) for _ in range(size)]
    for i in range(size * 3):
        InputFactory(activity=activity, candidate=candidates[i % size] if i % 2 else None)
        ScanningActivityFactory(agency=riverton) if i < size else None
    round_ = open_round(
        riverton, team_and_voters[0], candidates, secret=False, hide_results_until_close=False
    )
    for user in [m.person.user for m in team_and_voters[1]]:
        voting.cast_ballot(
            round_=round_, user=user, data=BallotData(ranking=[c.pk for c in candidates[:3]])
        )
    client = client_for(alice)
    slug = riverton.slug
    pages = [
        reverse("scanning:activity-list", kwargs={"agency_slug": slug}),
        reverse("scanning:synthesis", kwargs={"agency_slug": slug}),
        activity.get_absolute_url(),
        round_.get_absolute_url(),
        reverse("scanning:round-list", kwargs={"agency_slug": slug}),
        candidates[1].get_absolute_url(),
    ]
    for url in pages:
        with django_assert_max_num_queries(30):
            assert client.get(url).status_code == 200


def test_reminders_go_once_to_members_who_have_not_voted(
    riverton, bob, jordan, carl, alice, team_and_voters
):
    from datetime import timedelta

    from django.utils import timezone

    round_ = open_round(
        riverton, team_and_voters[0], closes_at=timezone.now() + timedelta(hours=20)
    )
    voting.cast_ballot(
        round_=round_, user=bob, data=BallotData(ranking=[round_.entries.first().candidate_id])
    )
    call_command("send_ballot_reminders", stdout=io.StringIO())
    call_command("send_ballot_reminders", stdout=io.StringIO())
    recipients = sorted(m.to[0] for m in mail.outbox)
    people = {m.person.email for m in team_and_voters[1] if m.person.user != bob}
    assert recipients == sorted(people)
    assert "Your vote is needed" in mail.outbox[0].subject
    assert round_.get_absolute_url() in mail.outbox[0].body

    # Staff can remind by hand, but not twice within the hour (a double click, or just
    # after the automatic reminder).
    mail.outbox.clear()
    assert voting.send_reminders(round_=round_, trigger="staff", sent_by=alice) == 0
    BallotReminder.objects.update(sent_at=timezone.now() - timedelta(hours=2))
    assert voting.send_reminders(round_=round_, trigger="staff", sent_by=alice) == 2
    assert voting.send_reminders(round_=round_, trigger="staff", sent_by=alice) == 0
    assert BallotReminder.objects.filter(trigger="closing_soon").count() == 2


def test_rounds_far_from_closing_get_no_automatic_reminder(riverton, team_and_voters):
    open_round(riverton, team_and_voters[0])  # closes in a week
    call_command("send_ballot_reminders", stdout=io.StringIO())
    assert mail.outbox == []


def test_home_page_tells_a_voter_they_have_not_voted(riverton, bob, alice, team_and_voters):
    round_ = open_round(riverton, team_and_voters[0], title="Spring priorities")
    texts = [i.text for i in attention_items(riverton, bob.memberships.get(agency=riverton))]
    assert any("You have not voted in “Spring priorities”" in t for t in texts)
    voting.cast_ballot(
        round_=round_, user=bob, data=BallotData(ranking=[round_.entries.first().candidate_id])
    )
    texts = [i.text for i in attention_items(riverton, bob.memberships.get(agency=riverton))]
    assert not any("Spring priorities" in t for t in texts)


def test_adopted_priority_starts_a_prefilled_problem_solving_team(
    client_for, alice, riverton, team_and_voters
):
    candidate = CandidateProblemFactory(
        agency=riverton, title="Speeding on Main Street", areas=["public_works"]
    )
    raised_by = OrganizationFactory(agency=riverton, name="Main Street Merchants", areas=["labor"])
    works_in = OrganizationFactory(
        agency=riverton, name="Riverton Public Works", areas=["public_works"]
    )
    unrelated = OrganizationFactory(agency=riverton, name="Garden Club", areas=["health"])
    merchant = AffiliationFactory(agency=riverton, organization=raised_by).person
    engineer = AffiliationFactory(agency=riverton, organization=works_in).person
    gardener = AffiliationFactory(agency=riverton, organization=unrelated).person
    meeting = ScanningActivityFactory(agency=riverton)
    meeting.organizations.set([raised_by])
    InputFactory(activity=meeting, candidate=candidate)
    round_ = open_round(
        riverton, team_and_voters[0], [candidate, CandidateProblemFactory(agency=riverton)]
    )
    voting.close_round(round_=round_, closed_by=alice)
    priority = voting.record_decision(
        round_=round_, decided_by=alice, adopt=[candidate], rationale="Most heard."
    ).adopted.get()

    url = reverse(
        "scanning:priority-start-team",
        kwargs={"agency_slug": riverton.slug, "priority_id": priority.pk},
    )
    client = client_for(alice)
    page = client.get(url).content.decode()
    assert merchant.full_name in page and "raised it in scanning" in page
    assert engineer.full_name in page and "works in its area" in page
    assert gardener.full_name not in page.split("Anyone else")[0]

    response = client.post(
        url,
        {
            "name": "Main Street speeding PST",
            "people": [merchant.pk, engineer.pk],
            "lead": engineer.pk,
        },
    )
    assert response.status_code == 302
    priority.refresh_from_db()
    team = priority.team
    assert team.name == "Main Street speeding PST" and team.kind == "pst"
    # Whoever started the team is on it too (it used to start with nobody from the police).
    assert {m.person.full_name for m in team.members.all()} == {
        merchant.full_name,
        engineer.full_name,
        alice.full_name,
    }
    assert team.members.get(person=engineer).role == "lead"
    assert team.members.get(person__user=alice).role == "member"
    assert "Speeding on Main Street" in team.purpose
    assert team.sara.problem_statement == priority.definition
    assert team.sara.scanning_summary.startswith("Heard once from 1 kind of respondent")
    with pytest.raises(Exception, match="already has a team"):
        services.start_problem_solving_team(priority=priority, started_by=alice, name="Again")


def test_public_summary_needed_before_a_priority_is_public(alice, riverton, team_and_voters):
    round_ = open_round(riverton, team_and_voters[0])
    voting.close_round(round_=round_, closed_by=alice)
    priority = voting.record_decision(
        round_=round_, decided_by=alice, adopt=[round_.entries.first().candidate], rationale="x"
    ).adopted.get()
    with pytest.raises(Exception, match="public summary"):
        services.update_priority(priority=priority, changed_by=alice, is_public=True)
    assert not riverton.priorities.public().exists()
    services.update_priority(
        priority=priority,
        changed_by=alice,
        is_public=True,
        public_summary="Residents asked us to slow traffic on Main Street.",
    )
    assert list(riverton.priorities.public()) == [priority]


def test_evidence_sentence_reads_well_for_one_and_none():
    from scanning.queries import Evidence

    sentence = Evidence(inputs=1, kinds=1, channels=1, organizations=0).sentence
    assert (
        sentence
        == "Heard once from 1 kind of respondent through 1 channel, with no organization named."
    )
