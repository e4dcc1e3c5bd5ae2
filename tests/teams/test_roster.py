import pytest
from django.db import IntegrityError

from teams import services
from teams.models import TeamMember
from tests.factories import AffiliationFactory, PersonFactory, TeamMemberFactory


def test_staff_add_a_member_from_the_community_map(client_for, alice, pst, bob_person, url):
    response = client_for(alice).post(
        url(pst, "roster/"), {"person": bob_person.pk, "role": "member", "sector": ""}
    )
    assert response.status_code == 302
    member = pst.members.get()
    assert member.person == bob_person
    assert member.sector == TeamMember.Sector.COMMUNITY  # from Northside, a community group


def test_adding_a_member_twice_says_so_and_keeps_one(
    client_for, alice, pst_with_bob, bob_person, url
):
    # The person is no longer offered, and a forced second post gets a clear message.
    response = client_for(alice).post(
        url(pst_with_bob, "roster/"),
        {"person": bob_person.pk, "role": "lead"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert (
        "Select a valid choice" in response.content.decode()
        or "already on" in response.content.decode()
    )
    assert pst_with_bob.members.count() == 1
    with pytest.raises(Exception, match="already on"):
        services.add_member(team=pst_with_bob, person=bob_person, added_by=alice)


def test_database_refuses_two_current_memberships(pst_with_bob, bob_person):
    with pytest.raises(IntegrityError):
        TeamMemberFactory(team=pst_with_bob, person=bob_person)


def test_leaving_keeps_the_record_and_allows_rejoining(
    client_for, alice, pst_with_bob, bob_person, url
):
    member = pst_with_bob.members.get()
    client = client_for(alice)
    client.post(url(pst_with_bob, f"roster/{member.pk}/remove/"))
    member.refresh_from_db()
    assert member.left_on is not None
    page = client.get(url(pst_with_bob, "roster/")).content.decode()
    assert "Former members (1)" in page
    services.add_member(team=pst_with_bob, person=bob_person, added_by=alice)
    assert pst_with_bob.members.count() == 2
    assert pst_with_bob.members.current().count() == 1


def test_sector_comes_from_the_organization_or_the_login(riverton, alice, pst, public_works):
    official = PersonFactory(agency=riverton, full_name="Pat Works")
    AffiliationFactory(agency=riverton, person=official, organization=public_works)
    officer = PersonFactory(agency=riverton, full_name="Alice Staff", user=alice)
    resident = PersonFactory(agency=riverton, full_name="Resident Without Group")
    assert services.add_member(team=pst, person=official, added_by=alice).sector == "government"
    assert services.add_member(team=pst, person=officer, added_by=alice).sector == "police"
    assert services.add_member(team=pst, person=resident, added_by=alice).sector == "community"
    chosen = PersonFactory(agency=riverton)
    member = services.add_member(team=pst, person=chosen, added_by=alice, sector="other")
    assert member.sector == "other" and member.sector_was_set


def test_composition_warnings_change_as_members_join(
    client_for, riverton, alice, pst, bob_person, public_works, url
):
    client = client_for(alice)
    htmx = {"HX-Request": "true"}
    page = client.get(url(pst, "roster/")).content.decode()
    for gap in [
        "No community member",
        "No government partner",
        "No crime analyst",
        "No critic voice",
    ]:
        assert gap in page

    # Bob (Northside: community, critic) joins through the htmx form: two gaps close.
    fragment = client.post(
        url(pst, "roster/"), {"person": bob_person.pk, "role": "member"}, headers=htmx
    ).content.decode()
    assert 'id="roster-panel"' in fragment and "<html" not in fragment
    assert "No community member" not in fragment and "No critic voice" not in fragment
    assert "No government partner" in fragment
    # Public Works is suggested, because nobody covers Public works and traffic yet.
    assert "Riverton Public Works" in fragment

    official = PersonFactory(agency=riverton, full_name="Pat Works")
    AffiliationFactory(agency=riverton, person=official, organization=public_works)
    analyst = PersonFactory(agency=riverton, full_name="Marcus Analyst")
    client.post(url(pst, "roster/"), {"person": official.pk, "role": "member"}, headers=htmx)
    fragment = client.post(
        url(pst, "roster/"),
        {"person": analyst.pk, "role": "crime_analyst", "sector": "police"},
        headers=htmx,
    ).content.decode()
    assert "The roster covers every group CS360 asks for" in fragment


def test_advisory_team_needs_a_community_co_chair(client_for, riverton, alice, bob_person):
    team = services.create_team(agency=riverton, kind="advisory", name="Advisory", created_by=alice)
    page = client_for(alice).get(f"/a/riverton-pd/teams/{team.pk}/roster/").content.decode()
    assert "No community co-chair" in page
    services.add_member(
        team=team, person=bob_person, added_by=alice, role="co_chair", can_vote=True
    )
    page = client_for(alice).get(f"/a/riverton-pd/teams/{team.pk}/roster/").content.decode()
    assert "No community co-chair" not in page


def test_partner_cannot_change_the_roster(client_for, bob, pst_with_bob, url):
    assert client_for(bob).get(url(pst_with_bob, "roster/")).status_code == 200
    assert client_for(bob).post(url(pst_with_bob, "roster/"), {}).status_code == 403


def test_roster_picker_leaves_out_representatives_whose_term_ended(riverton, pst, public_works):
    import datetime

    from teams.forms import MemberAddForm

    former = AffiliationFactory(
        agency=riverton,
        organization=public_works,
        start_date=datetime.date(2020, 1, 1),
        end_date=datetime.date(2023, 6, 30),
    ).person
    serving = AffiliationFactory(agency=riverton, organization=public_works).person
    resident = PersonFactory(agency=riverton)
    offered = set(MemberAddForm(team=pst).fields["person"].queryset)
    assert serving in offered and resident in offered
    assert former not in offered
