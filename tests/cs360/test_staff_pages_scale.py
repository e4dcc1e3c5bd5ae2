"""The four busiest staff pages issue the same number of queries at any data size.

The worksheet, the agency home, a team's page and the scanning synthesis are measured at a
small and at a several-times-larger agency (organizations, contacts, members, metrics,
meetings, action items, activities, inputs, candidates); a query per row would show as a
difference. bench/staff_load.py measures the same pages under load.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communitymap.models import Area, PartnerType, Stance
from tests.factories import (
    ActionItemFactory,
    AffiliationFactory,
    CandidateProblemFactory,
    GoalFactory,
    InputFactory,
    MeetingFactory,
    MetricFactory,
    OrganizationFactory,
    ReadingFactory,
    ScanningActivityFactory,
    TeamFactory,
    TeamMemberFactory,
)

pytestmark = pytest.mark.django_db


def grow(agency, team, n):
    """Add n of everything the four pages show, in varied states."""
    today = datetime.date.today()
    areas, kinds, stances = list(Area), list(PartnerType), list(Stance)
    for i in range(n):
        organization = OrganizationFactory(
            agency=agency,
            areas=[areas[i % 6], areas[(i + 2) % 6]],
            partner_type=kinds[i % len(kinds)],
            stance=stances[i % len(stances)],
            next_follow_up=today - datetime.timedelta(days=i % 3),
        )
        AffiliationFactory(
            agency=agency,
            organization=organization,
            end_date=today + datetime.timedelta(days=10) if i % 2 else None,
        )
        TeamMemberFactory(team=team)
        metric = MetricFactory(goal=GoalFactory(team=team), name=f"Metric {team.pk}-{n}-{i}")
        ReadingFactory(metric=metric)
        MeetingFactory(team=team, held_on=today - datetime.timedelta(days=40 + i))
        ActionItemFactory(team=team, due_on=today - datetime.timedelta(days=i % 5))
        activity = ScanningActivityFactory(agency=agency)
        activity.organizations.set([organization])
        candidate = CandidateProblemFactory(agency=agency)
        for j in range(3):
            InputFactory(activity=activity, candidate=candidate if j else None)


def pages(agency, team):
    slug = {"agency_slug": agency.slug}
    return {
        "worksheet": reverse("communitymap:worksheet", kwargs=slug),
        "agency home": reverse("agency-home", kwargs=slug),
        "team page": reverse("teams:team-detail", kwargs={**slug, "team_id": team.pk}),
        "synthesis": reverse("scanning:synthesis", kwargs=slug),
    }


def query_counts(client, urls):
    counts = {}
    for name, url in urls.items():
        client.get(url)  # Anything computed once per process is not what is measured.
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200, name
        counts[name] = len(context)
    return counts


def test_staff_page_queries_do_not_grow_with_the_data(client_for, alice, riverton):
    team = TeamFactory(agency=riverton)
    client = client_for(alice)
    grow(riverton, team, 2)
    small = query_counts(client, pages(riverton, team))
    grow(riverton, team, 12)
    large = query_counts(client, pages(riverton, team))
    assert large == small


def test_the_one_pass_map_counts_agree_with_the_queryset_rules(riverton, state_u):
    from communitymap.worksheet import map_counts

    grow(riverton, TeamFactory(agency=riverton), 9)
    grow(state_u, TeamFactory(agency=state_u), 4)  # Another agency's map is not counted.
    organizations = riverton.organizations
    counts = map_counts(riverton)
    assert counts.total == organizations.count() == 9
    assert counts.needing_contact == organizations.needing_new_contact().count() > 0
    assert counts.follow_up_due == organizations.follow_up_due().count() > 0
    by_cell = {(r["area"], r["partner_type"]): r for r in organizations.cell_counts()}
    assert counts.cells == {
        key: {name: row[name] for name in counts.cells[key]} for key, row in by_cell.items()
    }
    totals = map_counts(riverton, cells=False)
    assert totals.cells == {} and totals.needing_contact == counts.needing_contact
