"""Recording what was heard: fast entry, anonymity, places, topics, who may read it."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from scanning import services
from scanning.models import ActivityKind, Input, ScanningActivity
from tests.factories import (
    CandidateProblemFactory,
    InputFactory,
    OrganizationFactory,
    ScanningActivityFactory,
    advisory_team,
    open_round,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def focus_group(riverton, alice):
    return services.record_activity(
        agency=riverton,
        recorded_by=alice,
        kind=ActivityKind.FOCUS_GROUP,
        title="Northside residents focus group",
    )


def test_focus_groups_are_anonymous_by_default(client_for, alice, riverton):
    response = client_for(alice).post(
        reverse("scanning:activity-create", kwargs={"agency_slug": riverton.slug}),
        {
            "kind": "focus_group",
            "title": "Tenants at Riverside Court",
            "held_on": "2026-03-02",
            "anonymity": "auto",
        },
    )
    activity = ScanningActivity.objects.get(title="Tenants at Riverside Court")
    assert response.status_code == 302 and activity.anonymous
    meeting = services.record_activity(
        agency=riverton, recorded_by=alice, kind=ActivityKind.MEETING, title="Staff Senate"
    )
    assert not meeting.anonymous


def test_anonymous_activity_never_stores_a_name(alice, focus_group):
    with pytest.raises(ValidationError, match="anonymous"):
        services.record_input(
            activity=focus_group,
            recorded_by=alice,
            text="Cars race down Elm after midnight",
            theme="concern",
            respondent_kind="resident",
            respondent_name="Maria Lopez",
        )
    assert not Input.objects.exists()
    # Even a write that skips the service is refused by the database.
    with pytest.raises(IntegrityError), transaction.atomic():
        Input.objects.create(
            agency=focus_group.agency,
            activity=focus_group,
            text="x",
            anonymous=True,
            respondent_name="Maria Lopez",
        )


def test_making_an_activity_anonymous_erases_names_and_their_history(alice, riverton):
    meeting = ScanningActivityFactory(agency=riverton)
    item = services.record_input(
        activity=meeting,
        recorded_by=alice,
        text="More foot patrols on Green Street, please",
        theme="improvement",
        respondent_kind="business",
        respondent_name="Sam Ortiz",
    )
    services.update_activity(activity=meeting, changed_by=alice, anonymous=True)
    item.refresh_from_db()
    assert item.respondent_name == "" and item.anonymous
    assert not Input.history.filter(id=item.pk).exclude(respondent_name="").exists()


def test_a_home_address_is_refused_as_a_place(alice, riverton):
    meeting = ScanningActivityFactory(agency=riverton)
    with pytest.raises(ValidationError, match="street address"):
        services.record_input(
            activity=meeting,
            recorded_by=alice,
            text="Break-ins on our block",
            theme="concern",
            respondent_kind="resident",
            place_name="1412 Elm Street",
        )
    services.record_input(
        activity=meeting,
        recorded_by=alice,
        text="Break-ins on our block",
        theme="concern",
        respondent_kind="resident",
        place_name="Northside",
    )
    assert Input.objects.get().place_name == "Northside"


def test_fast_entry_saves_a_row_and_keeps_the_other_fields(client_for, alice, focus_group):
    client = client_for(alice)
    url = focus_group.get_absolute_url()
    services.ensure_default_topics(agency=focus_group.agency)
    response = client.post(
        url,
        {
            "text": "Nobody answers the non-emergency line at night",
            "theme": "relationship",
            "respondent_kind": "student",
            "place_kind": "neighborhood",
            "place_name": "Northside",
            "topics": "respon, communication",
            "strength": "3",
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    item = Input.objects.get()
    assert sorted(t.name for t in item.topics.all()) == ["Communication", "Response times"]
    assert item.strength == 3 and item.respondent_kind == "student"
    # The fragment: a fresh, empty text box with focus, the choices carried over, the new
    # row added to the list, and the count updated.
    assert 'id="entry-form"' in html and "autofocus" in html
    assert 'name="text" id="id_text" class="form-control form-control-lg" value=""' in html
    assert '<option value="student" selected>' in html
    assert 'value="Northside"' in html
    assert 'hx-swap-oob="afterbegin:#input-rows"' in html and "non-emergency line" in html
    assert (
        '<span id="input-total" hx-swap-oob="true"><span id="input-count">1</span> input heard'
        in html
    )
    assert "<html" not in html
    assert "respondent_name" not in html  # anonymous: there is no name field at all


def test_fast_entry_works_without_javascript(client_for, alice, focus_group):
    client = client_for(alice)
    response = client.post(
        focus_group.get_absolute_url(),
        {
            "text": "Scooters on the sidewalk",
            "theme": "concern",
            "respondent_kind": "youth",
            "strength": "2",
        },
    )
    assert response.status_code == 302 and "respondent_kind=youth" in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert '<option value="youth" selected>' in page and "Scooters on the sidewalk" in page


def test_a_bad_row_is_explained_and_nothing_typed_is_lost(client_for, alice, focus_group):
    response = client_for(alice).post(
        focus_group.get_absolute_url(),
        {
            "text": "Dark stairwell",
            "theme": "concern",
            "respondent_kind": "resident",
            "topics": "nonsense-topic",
            "strength": "2",
        },
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "No topic matches “nonsense-topic”" in html and "ask staff" not in html
    assert 'value="Dark stairwell"' in html
    assert not Input.objects.exists()


def test_partners_see_evidence_but_not_what_was_said_anonymously(client_for, riverton, bob, alice):
    team, _ = advisory_team(riverton, [(bob, "community")])
    candidate = CandidateProblemFactory(agency=riverton, title="Speeding on Main Street")
    anonymous = ScanningActivityFactory(agency=riverton, kind="focus_group", anonymous=True)
    named = ScanningActivityFactory(agency=riverton, kind="meeting")
    InputFactory(activity=anonymous, candidate=candidate, text="SECRET-WORDS from a tenant")
    InputFactory(
        activity=named,
        candidate=candidate,
        text="Said openly at the senate",
        respondent_name="Lee Park",
    )
    open_round(riverton, team, [candidate, CandidateProblemFactory(agency=riverton)])

    page = client_for(bob).get(candidate.get_absolute_url()).content.decode()
    assert "Heard twice" in page
    assert "Said openly at the senate" in page
    assert "SECRET-WORDS" not in page and "Lee Park" not in page
    assert "1 input from anonymous activities is counted above but not shown" in page
    staff_page = client_for(alice).get(candidate.get_absolute_url()).content.decode()
    assert "SECRET-WORDS" in staff_page and "Lee Park" in staff_page


def test_partners_do_not_see_candidates_outside_their_rounds(client_for, riverton, bob):
    candidate = CandidateProblemFactory(agency=riverton)
    assert client_for(bob).get(candidate.get_absolute_url()).status_code == 404


def test_partner_scanning_home_shows_rounds_not_activities(client_for, riverton, bob):
    ScanningActivityFactory(agency=riverton, title="Staff Senate, March")
    page = (
        client_for(bob)
        .get(reverse("scanning:activity-list", kwargs={"agency_slug": riverton.slug}))
        .content.decode()
    )
    assert "Priority rounds" in page and "Staff Senate, March" not in page


def test_inputs_of_another_agency_are_not_found(client_for, erin, riverton):
    item = InputFactory(activity=ScanningActivityFactory(agency=riverton))
    url = reverse(
        "scanning:input-edit",
        kwargs={"agency_slug": erin.memberships.get().agency.slug, "input_id": item.pk},
    )
    assert client_for(erin).get(url).status_code == 404


def test_organizations_offered_are_this_agencys_only(client_for, alice, riverton, state_u):
    OrganizationFactory(agency=riverton, name="Northside Neighborhood Association")
    OrganizationFactory(agency=state_u, name="Campus Greek Council")
    page = (
        client_for(alice)
        .get(reverse("scanning:activity-create", kwargs={"agency_slug": riverton.slug}))
        .content.decode()
    )
    assert "Northside Neighborhood Association" in page and "Campus Greek Council" not in page


def test_topics_are_found_by_any_unique_part_of_their_name():
    from types import SimpleNamespace

    from scanning.forms import TopicsField

    topics = [SimpleNamespace(name=n) for n in ("Traffic and speeding", "Lighting", "Littering")]
    field = TopicsField(topics=topics, required=False)
    assert [t.name for t in field.clean("speeding, light")] == ["Traffic and speeding", "Lighting"]
    assert [t.name for t in field.clean("speed")] == ["Traffic and speeding"]
    with pytest.raises(ValidationError, match="could be Lighting, Littering"):
        field.clean("li")
