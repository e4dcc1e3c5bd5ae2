import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from teams.models import Metric, Reading
from tests.factories import (
    GoalFactory,
    MeetingFactory,
    MetricFactory,
    OrganizationFactory,
    ReadingFactory,
)

HTMX = {"HX-Request": "true"}


def metric_data(goal, **overrides):
    data = {
        "goal": goal.pk,
        "name": "Residents who feel safe on Green Street at night",
        "definition": "Share of residents surveyed who feel safe walking there after dark.",
        "unit": "% feel safe",
        "direction": "up",
        "kind": "outcome",
        "baseline_value": "41",
        "baseline_period": "autumn 2025 survey",
        "baseline_date": "2025-11-30",
        "target_value": "60",
        "target_date": "2026-11-30",
        "source": "department",
        "cadence": "quarterly",
    }
    data.update(overrides)
    return data


def test_staff_add_a_goal_then_a_metric(client_for, alice, pst, url):
    client = client_for(alice)
    response = client.post(
        url(pst, "goals/new/"),
        {"statement": "Make Green Street feel safe at night", "deadline": "2026-12-31"},
    )
    goal = pst.goals.get()
    assert response.status_code == 302 and f"?goal={goal.pk}" in response["Location"]
    response = client.post(url(pst, "metrics/new/"), metric_data(goal))
    metric = pst.metrics.get()
    assert response.status_code == 302 and response["Location"] == metric.get_absolute_url()
    assert metric.direction == Metric.Direction.UP and metric.baseline_value == 41


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"baseline_value": "forty"}, "Enter a number"),
        ({"target_date": "2025-06-30"}, "target date must come after"),
        ({"target_value": "30"}, "Higher is better for this metric, so the target must be above"),
        ({"target_value": "41"}, "must differ from the baseline"),
        ({"source": "partner"}, "Name the partner organization"),
    ],
)
def test_bad_metric_input_gets_a_clear_message(client_for, alice, pst, url, overrides, message):
    goal = GoalFactory(team=pst)
    response = client_for(alice).post(url(pst, "metrics/new/"), metric_data(goal, **overrides))
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "Residents who feel safe on Green Street at night" in page  # nothing typed is lost
    assert not pst.metrics.exists()


def test_catalogue_entry_prefills_the_metric_form(client_for, alice, pst, url):
    GoalFactory(team=pst)
    page = client_for(alice).get(url(pst, "metrics/new/?catalogue=fear-of-crime")).content.decode()
    assert "Residents who feel safe at night" in page
    catalogue = client_for(alice).get(url(pst, "catalogue/")).content.decode()
    assert "Use with officer wellness" not in catalogue
    for name in [
        "Trust in police",
        "Peer-support and wellness check-ins",
        "Clearance rate",
        "Use of force per 1,000 arrests",
        "Complaints against officers",
    ]:
        assert name in catalogue


def test_progress_is_computed_from_readings_in_either_direction(pst):
    down = MetricFactory(goal=GoalFactory(team=pst), baseline_value=30, target_value=20)
    assert down.progress_for(25) == pytest.approx(0.5)
    assert down.progress_for(35) == pytest.approx(-0.5)  # the wrong way
    up = MetricFactory(
        goal=GoalFactory(team=pst), direction="up", baseline_value=40, target_value=60
    )
    assert up.progress_for(65) == pytest.approx(1.25)
    ReadingFactory(metric=down, value=22, taken_on=datetime.date(2026, 3, 1))
    ReadingFactory(metric=down, value=28, taken_on=datetime.date(2026, 1, 1))
    latest = Metric.objects.with_latest().get(pk=down.pk)
    assert latest.latest_value == 22 and latest.progress_percent == 80


def test_staff_enter_a_reading_and_see_progress_and_chart(client_for, alice, pst, url):
    metric = MetricFactory(goal=GoalFactory(team=pst))
    client = client_for(alice)
    fragment = client.post(
        metric.get_absolute_url(),
        {"value": "25", "taken_on": "2026-01-31", "source_note": "RMS export"},
        headers=HTMX,
    ).content.decode()
    assert 'id="metric-panel"' in fragment and "<html" not in fragment
    assert "50% of the way" in fragment
    assert '"Readings"' in fragment  # the plotly figure's readings trace
    reading = metric.readings.get()
    assert reading.entered_by == alice and reading.source_note == "RMS export"
    page = client.get(metric.get_absolute_url()).content.decode()
    assert "vendor/plotly/plotly-strict.min.js" in page and "31 Jan 2026" in page


def test_reading_with_text_for_a_number_is_refused_clearly(client_for, alice, pst):
    metric = MetricFactory(goal=GoalFactory(team=pst))
    response = client_for(alice).post(
        metric.get_absolute_url(),
        {"value": "about twenty", "taken_on": "2026-01-31", "source_note": "from memory"},
        headers=HTMX,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter a number, e.g. 42 or 3.5" in page
    assert "from memory" in page
    assert not metric.readings.exists()


def test_same_date_replaces_the_reading_and_keeps_history(client_for, alice, pst):
    metric = MetricFactory(goal=GoalFactory(team=pst))
    client = client_for(alice)
    client.post(metric.get_absolute_url(), {"value": "25", "taken_on": "2026-01-31"})
    client.post(metric.get_absolute_url(), {"value": "24", "taken_on": "2026-01-31"})
    reading = metric.readings.get()
    assert reading.value == 24
    assert [h.value for h in reading.history.order_by("history_date")] == [25, 24]
    history = client.get(f"/a/riverton-pd/history/teams/reading/{reading.pk}/")
    assert history.status_code == 200 and "Alice Staff" in history.content.decode()


def test_partner_enters_readings_only_for_their_organizations_metrics(
    client_for, riverton, bob, pst_with_bob, bob_person, northside
):
    theirs = MetricFactory(
        goal=GoalFactory(team=pst_with_bob), source="partner", source_organization=northside
    )
    other_org = OrganizationFactory(agency=riverton, name="Riverton Hospital")
    someone_elses = MetricFactory(
        goal=GoalFactory(team=pst_with_bob), source="partner", source_organization=other_org
    )
    departments = MetricFactory(goal=GoalFactory(team=pst_with_bob))
    client = client_for(bob)

    page = client.get(theirs.get_absolute_url()).content.decode()
    assert "Enter a reading" in page
    assert (
        client.post(
            theirs.get_absolute_url(), {"value": "12", "taken_on": "2026-02-01"}
        ).status_code
        == 302
    )
    assert theirs.readings.get().entered_by == bob

    for metric in (someone_elses, departments):
        assert "Enter a reading" not in client.get(metric.get_absolute_url()).content.decode()
        response = client.post(metric.get_absolute_url(), {"value": "12", "taken_on": "2026-02-01"})
        assert response.status_code == 403
        assert not metric.readings.exists()


def test_partner_whose_affiliation_ended_can_no_longer_enter_readings(
    client_for, riverton, bob, pst_with_bob, bob_person, northside
):
    bob_person.affiliations.update(end_date=datetime.date(2025, 12, 31))
    metric = MetricFactory(
        goal=GoalFactory(team=pst_with_bob), source="partner", source_organization=northside
    )
    response = client_for(bob).post(
        metric.get_absolute_url(), {"value": "3", "taken_on": "2026-02-01"}
    )
    assert response.status_code == 403


def test_overdue_readings_are_flagged_by_cadence(client_for, alice, pst, url):
    goal = GoalFactory(team=pst)
    today = datetime.date.today()
    late = MetricFactory(goal=goal, name="Late metric", cadence="monthly")
    ReadingFactory(metric=late, taken_on=today - datetime.timedelta(days=60))
    on_time = MetricFactory(goal=goal, name="On-time metric", cadence="quarterly")
    ReadingFactory(metric=on_time, taken_on=today - datetime.timedelta(days=60))
    assert list(Metric.objects.overdue().values_list("name", flat=True)) == ["Late metric"]
    page = client_for(alice).get(url(pst)).content.decode()
    assert page.count("Reading overdue") == 1


def test_team_warns_when_all_metrics_are_outputs_or_crime_counts(client_for, alice, pst, url):
    goal = GoalFactory(team=pst)
    MetricFactory(goal=goal, kind="output", is_crime_count=True)
    page = client_for(alice).get(url(pst)).content.decode()
    assert "All of this team&#x27;s metrics are outputs" in page
    assert "are crime or call counts" in page
    MetricFactory(goal=goal, kind="outcome", is_crime_count=False)
    page = client_for(alice).get(url(pst)).content.decode()
    assert "metrics are outputs" not in page and "crime or call counts" not in page


def _add_weekly_readings(metric, count, start=datetime.date(2015, 1, 1)):
    Reading.objects.bulk_create(
        Reading(
            agency=metric.agency,
            metric=metric,
            value=20 + i % 7,
            taken_on=start + datetime.timedelta(days=7 * i),
        )
        for i in range(count)
    )


def test_team_page_and_chart_queries_do_not_grow_with_readings(
    client_for, alice, pst, url, django_assert_max_num_queries
):
    goal = GoalFactory(team=pst)
    metrics = [MetricFactory(goal=goal, name=f"Metric {m}") for m in range(3)]
    pages = [url(pst), metrics[0].get_absolute_url(), url(pst, "sara/print/")]
    client = client_for(alice)

    def counts():
        found = []
        for page in pages:
            with CaptureQueriesContext(connection) as context:
                assert client.get(page).status_code == 200
            found.append(len(context))
        return found

    for metric in metrics:
        _add_weekly_readings(metric, 12)
    at_12 = counts()
    for metric in metrics:
        _add_weekly_readings(metric, 588, start=datetime.date(2016, 1, 1))
    # More metrics and meetings must not add queries either (no per-row lookups).
    for m in range(3):
        _add_weekly_readings(MetricFactory(goal=GoalFactory(team=pst), name=f"More {m}"), 600)
        MeetingFactory(team=pst)
    assert Reading.objects.filter(metric=metrics[0]).count() == 600
    at_600 = counts()
    assert at_12 == at_600
    with django_assert_max_num_queries(15):
        client.get(pages[0])


def test_staff_edit_a_goal_and_a_metric_and_history_keeps_the_old_values(
    client_for, alice, pst, url
):
    metric = MetricFactory(goal=GoalFactory(team=pst))
    ReadingFactory(metric=metric, value=25, taken_on=datetime.date(2026, 1, 31))
    client = client_for(alice)
    data = {
        "goal": metric.goal_id,
        "name": metric.name,
        "definition": metric.definition,
        "unit": metric.unit,
        "direction": "down",
        "kind": "outcome",
        "baseline_value": "30",
        "baseline_period": "monthly average, 2025",
        "baseline_date": "2025-12-31",
        "target_value": "15",
        "target_date": "2026-12-31",
        "source": "department",
        "cadence": "monthly",
    }
    response = client.post(url(pst, f"metrics/{metric.pk}/edit/"), data)
    assert response.status_code == 302
    metric.refresh_from_db()
    assert metric.target_value == 15 and metric.readings.count() == 1
    assert [h.target_value for h in metric.history.order_by("history_date")] == [20, 15]
    page = client.get(metric.get_absolute_url()).content.decode()
    assert "33% of the way" in page  # (25 - 30) / (15 - 30)

    client.post(
        url(pst, f"goals/{metric.goal_id}/edit/"),
        {"statement": "Fewer assaults on Green Street", "deadline": "2027-06-30"},
    )
    metric.goal.refresh_from_db()
    assert metric.goal.statement == "Fewer assaults on Green Street"
    assert metric.goal.history.count() == 2
