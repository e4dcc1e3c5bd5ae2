"""The demo maps: believable, with gaps and turnover to show, and safe to seed twice."""

from communitymap import demo
from communitymap.worksheet import build_worksheet
from cs360 import demo as core_demo


def test_demo_fills_both_maps_with_gaps_turnover_and_referrals(db):
    world = core_demo.DemoWorld()
    core_demo.seed(world)
    demo.seed(world)
    counts = {key: a.organizations.count() for key, a in world.agencies.items()}
    demo.seed(world)
    assert {key: a.organizations.count() for key, a in world.agencies.items()} == counts

    for agency in world.agencies.values():
        rows = build_worksheet(agency)
        assert all(row.total for row in rows), "every area has someone"
        assert any(cell.is_gap for row in rows for cell in row.cells), "some gaps remain"
        assert agency.organizations.filter(stance="critic").exists()
        assert agency.organizations.needing_new_contact().exists()
        assert agency.organizations.filter(recommended_by_organization__isnull=False).exists()
        assert agency.outreach_entries.exists()
    university = world.agencies["university"]
    priya = university.people.get(user=world.users["priya"])
    assert priya.affiliations.get().organization.name == "Student Senate"
    assert world.agencies["city"].people.filter(user=world.users["rosa"]).exists()
