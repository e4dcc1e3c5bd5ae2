"""Who sees which team: partners only the teams they are on, staff all of their agency's."""

import datetime

from teams import services
from teams.models import Team
from tests.factories import ActionItemFactory, GoalFactory, MetricFactory, PersonFactory


def test_partner_sees_only_the_teams_they_are_on(client_for, riverton, alice, bob, pst_with_bob):
    other = services.create_team(
        agency=riverton,
        kind=Team.Kind.PROBLEM_SOLVING,
        name="Downtown Burglary PST",
        created_by=alice,
    )
    client = client_for(bob)
    listing = client.get("/a/riverton-pd/teams/").content.decode()
    assert "Green Street PST" in listing and "Downtown Burglary PST" not in listing
    for suffix in ["", "roster/", "sara/", "sara/print/", "catalogue/"]:
        assert client.get(f"/a/riverton-pd/teams/{other.pk}/{suffix}").status_code == 404, suffix
        assert client.get(f"/a/riverton-pd/teams/{pst_with_bob.pk}/{suffix}").status_code == 200
    metric = MetricFactory(goal=GoalFactory(team=other))
    assert client.get(metric.get_absolute_url()).status_code == 404


def test_partner_who_left_no_longer_sees_the_team(client_for, alice, bob, pst_with_bob):
    services.remove_member(member=pst_with_bob.members.get(), removed_by=alice)
    assert client_for(bob).get(pst_with_bob.get_absolute_url()).status_code == 404


def test_staff_see_every_team_of_their_agency_only(client_for, alice, erin, pst):
    assert client_for(alice).get(pst.get_absolute_url()).status_code == 200
    # erin is staff at State University: Riverton's team does not exist for her.
    assert client_for(erin).get(f"/a/state-u-pd/teams/{pst.pk}/").status_code == 404
    assert client_for(erin).get(pst.get_absolute_url()).status_code == 404


def test_jordan_sees_a_team_only_in_the_agency_whose_roster_has_him(
    client_for, riverton, state_u, alice, jordan
):
    person = PersonFactory(agency=state_u, user=jordan, full_name="Jordan Both")
    campus = services.create_team(
        agency=state_u, kind="advisory", name="Campus Advisory", created_by=None
    )
    services.add_member(team=campus, person=person, added_by=None, can_vote=True)
    client = client_for(jordan)
    assert client.get(f"/a/state-u-pd/teams/{campus.pk}/").status_code == 200
    assert client.get(f"/a/riverton-pd/teams/{campus.pk}/").status_code == 404
    assert "Campus Advisory" not in client.get("/a/riverton-pd/teams/").content.decode()


def test_partner_reads_but_does_not_edit(client_for, bob, pst_with_bob, url):
    client = client_for(bob)
    assert client.get(url(pst_with_bob, "edit/")).status_code == 403
    assert client.post(url(pst_with_bob, "goals/new/"), {"statement": "x"}).status_code == 403
    assert client.post(url(pst_with_bob, "sara/"), {"section": "scanning"}).status_code == 403
    assert "Add goal" not in client.get(url(pst_with_bob)).content.decode()


def test_my_actions_lists_the_persons_actions_and_lets_them_close_one(
    client_for, bob, bob_person, pst_with_bob, alice
):
    action = ActionItemFactory(
        team=pst_with_bob, owner=bob_person, description="Ask landlords about lighting"
    )
    ActionItemFactory(team=pst_with_bob, description="Someone else's job")
    client = client_for(bob)
    page = client.get("/a/riverton-pd/teams/my-actions/").content.decode()
    assert "Ask landlords about lighting" in page and "Someone else" not in page
    response = client.post(
        f"/a/riverton-pd/teams/{pst_with_bob.pk}/actions/{action.pk}/status/",
        {"status": "done", "next": "/a/riverton-pd/teams/my-actions/"},
    )
    assert (
        response.status_code == 302 and response["Location"] == "/a/riverton-pd/teams/my-actions/"
    )
    action.refresh_from_db()
    assert action.status == "done" and action.completed_on is not None
    assert action.history.latest().history_user == bob


def test_partner_cannot_change_someone_elses_action(client_for, bob, pst_with_bob):
    action = ActionItemFactory(team=pst_with_bob, description="Someone else's job")
    response = client_for(bob).post(
        f"/a/riverton-pd/teams/{pst_with_bob.pk}/actions/{action.pk}/status/", {"status": "done"}
    )
    assert response.status_code == 403


def test_home_page_flags_teams_without_a_recent_meeting_and_overdue_work(
    client_for, alice, pst, riverton
):
    pst.created_at = pst.created_at - datetime.timedelta(days=60)
    pst.save()
    ActionItemFactory(team=pst, due_on=datetime.date(2024, 1, 1))
    page = client_for(alice).get("/a/riverton-pd/").content.decode()
    assert "No meeting in over a month: Green Street PST" in page
    assert "Action items past their due date" in page


def test_home_page_counts_overdue_readings_and_actions_and_partners_see_only_their_own(
    alice, bob, bob_person, pst_with_bob, riverton
):
    from cs360.home import attention_items
    from cs360.models import Membership

    metric = MetricFactory(goal=GoalFactory(team=pst_with_bob), cadence="weekly")
    metric.baseline_date = datetime.date(2024, 1, 1)
    metric.save()
    late = datetime.date(2024, 1, 1)
    ActionItemFactory(team=pst_with_bob, due_on=late, owner=bob_person)
    ActionItemFactory(team=pst_with_bob, due_on=late)
    ActionItemFactory(team=pst_with_bob, due_on=late)
    ActionItemFactory(team=pst_with_bob)  # Not due yet.

    def counts(user):
        membership = Membership.objects.get(user=user, agency=riverton)
        items = attention_items(riverton, membership)
        return {item.text: item.count for item in items if item.area == "Teams"}

    staff = counts(alice)
    assert staff["Action items past their due date"] == 3
    assert staff["Metric readings overdue for their cadence"] == 1
    assert counts(bob)["Action items past their due date"] == 1
