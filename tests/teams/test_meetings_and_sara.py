import datetime
import zoneinfo

from django.utils import timezone

from teams import services
from teams.models import AssessmentCheckpoint, SaraResponse
from tests.factories import PersonFactory

HTMX = {"HX-Request": "true"}


def test_meeting_starts_from_the_agenda_template_and_records_attendance(
    client_for, alice, pst_with_bob, url
):
    client = client_for(alice)
    form = client.get(url(pst_with_bob, "meetings/new/")).content.decode()
    assert "Metric review" in form and "SARA updates" in form and "Partner data" in form
    response = client.post(
        url(pst_with_bob, "meetings/new/"),
        {
            "held_on": "2026-02-10",
            "location": "Green Street library",
            "agenda": services.MEETING_AGENDA_TEMPLATE,
        },
    )
    meeting = pst_with_bob.meetings.get()
    assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()
    bob_member = pst_with_bob.members.get()
    client.post(
        meeting.get_absolute_url(),
        {
            "form": "record",
            "held_on": "2026-02-10",
            "location": "Green Street library",
            "agenda": meeting.agenda,
            "attendees": [bob_member.pk],
            "minutes": "Reviewed January's assaults.",
            "decisions": "Ask Public Works for two more streetlights\nMeet again on 10 March",
        },
    )
    meeting.refresh_from_db()
    assert list(meeting.attendees.all()) == [bob_member]
    assert meeting.decision_lines == [
        "Ask Public Works for two more streetlights",
        "Meet again on 10 March",
    ]
    assert meeting.history.count() >= 2  # decisions keep their history


def test_action_items_are_added_at_the_meeting_with_htmx(
    client_for, alice, pst_with_bob, bob_person, northside
):
    meeting = services.schedule_meeting(
        team=pst_with_bob, held_on=datetime.date(2026, 2, 10), created_by=alice
    )
    fragment = (
        client_for(alice)
        .post(
            meeting.get_absolute_url(),
            {
                "form": "action",
                "action-description": "Count broken lights on the 600 block",
                "action-owner": bob_person.pk,
                "action-owner_organization": northside.pk,
                "action-due_on": "2026-03-01",
            },
            headers=HTMX,
        )
        .content.decode()
    )
    assert 'id="meeting-actions"' in fragment and "<html" not in fragment
    assert (
        "Count broken lights on the 600 block" in fragment
        and "Northside Neighborhood Association" in fragment
    )
    action = meeting.action_items.get()
    assert action.owner == bob_person and action.team == pst_with_bob


def test_action_owner_must_be_on_the_team(client_for, riverton, alice, pst_with_bob):
    meeting = services.schedule_meeting(
        team=pst_with_bob, held_on=datetime.date(2026, 2, 10), created_by=alice
    )
    outsider = PersonFactory(agency=riverton)
    response = client_for(alice).post(
        meeting.get_absolute_url(),
        {
            "form": "action",
            "action-description": "Something",
            "action-owner": outsider.pk,
            "action-due_on": "soon",
        },
        headers=HTMX,
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Select a valid choice" in page and "Enter a date" in page
    assert not meeting.action_items.exists()


def test_team_without_a_meeting_in_35_days_is_flagged(client_for, alice, pst_with_bob, url):
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(pst_with_bob.agency.time_zone))
    services.schedule_meeting(
        team=pst_with_bob, held_on=today - datetime.timedelta(days=40), created_by=alice
    )
    page = client_for(alice).get(url(pst_with_bob)).content.decode()
    assert "No meeting for 40 days" in page
    services.schedule_meeting(
        team=pst_with_bob, held_on=today - datetime.timedelta(days=3), created_by=alice
    )
    assert "No meeting for" not in client_for(alice).get(url(pst_with_bob)).content.decode()


def test_complete_the_sara_analysis(client_for, alice, pst, url):
    client = client_for(alice)
    data = {
        "section": "analysis",
        "analysis-offender": "Groups of young men leaving bars at closing time",
        "analysis-victim": "Students walking home alone",
        "analysis-place": "500-900 blocks of Green Street, 1-3 am Thursday to Saturday",
        "analysis-handler": "Friends, bar staff",
        "analysis-guardian": "Campus safety escorts, SafeRide",
        "analysis-manager": "Bar owners, the city's liquor licensing",
        "analysis-problem_type": "den",
        "analysis-hypotheses": "Closing-time crowds overflow\nPoor lighting mid-block",
    }
    fragment = client.post(url(pst, "sara/"), data, headers=HTMX).content.decode()
    assert 'id="sara-record"' in fragment and "Analysis complete" in fragment
    pst.sara.refresh_from_db()
    assert pst.sara.stage == "analysis"  # saving the analysis moves the record on
    assert pst.sara.analysis_complete and pst.sara.hypothesis_lines == [
        "Closing-time crowds overflow",
        "Poor lighting mid-block",
    ]
    print_page = client.get(url(pst, "sara/print/")).content.decode()
    assert "Students walking home alone" in print_page and "Poor lighting mid-block" in print_page


def test_responses_get_checkpoints_and_decisions(client_for, alice, pst, url, public_works):
    client = client_for(alice)
    services.update_sara(record=services.sara_record_for(pst), changed_by=alice, offender="Bars")
    client.post(
        url(pst, "sara/"),
        {
            "section": "response",
            "response-strategy": "Add lighting mid-block and stagger bar closing",
            "response-owner_organization": public_works.pk,
            "response-started_on": "2026-01-05",
            "response-status": "under_way",
        },
    )
    response = SaraResponse.objects.get(record__team=pst)
    checkpoints = list(response.checkpoints.order_by("days_after_start"))
    assert [c.days_after_start for c in checkpoints] == [30, 90, 180]
    assert checkpoints[0].due_on == datetime.date(2026, 2, 4)
    first = checkpoints[0]
    missing = client.post(
        url(pst, "sara/"),
        {"section": "checkpoint", "checkpoint": first.pk, f"cp{first.pk}-findings": "Too early"},
        headers=HTMX,
    ).content.decode()
    assert "Choose continue, modify or close." in missing and "Too early" in missing
    client.post(
        url(pst, "sara/"),
        {
            "section": "checkpoint",
            "checkpoint": first.pk,
            f"cp{first.pk}-decision": "modify",
            f"cp{first.pk}-findings": "Lights installed; closing times unchanged.",
        },
    )
    first.refresh_from_db()
    assert first.decision == AssessmentCheckpoint.Decision.MODIFY and first.decided_by == alice
    pst.sara.refresh_from_db()
    assert pst.sara.stage == "assessment"


def test_sara_stays_with_problem_solving_teams(client_for, riverton, alice):
    advisory = services.create_team(
        agency=riverton, kind="advisory", name="Advisory", created_by=alice
    )
    assert client_for(alice).get(f"/a/riverton-pd/teams/{advisory.pk}/sara/").status_code == 404


def test_bad_team_input_gets_a_clear_message(client_for, alice, pst):
    response = client_for(alice).post(
        "/a/riverton-pd/teams/new/",
        {"kind": "pst", "name": "green street pst", "status": "forming", "cadence": "monthly"},
    )
    assert response.status_code == 200
    assert "There is already a team called" in response.content.decode()


def test_a_response_before_any_analysis_does_not_jump_the_record_to_response(
    client_for, alice, pst, url
):
    client_for(alice).post(
        url(pst, "sara/"),
        {
            "section": "response",
            "response-strategy": "Foot patrol at closing time",
            "response-status": "planned",
        },
    )
    pst.sara.refresh_from_db()
    assert pst.sara.responses.count() == 1
    assert pst.sara.stage == "analysis"
