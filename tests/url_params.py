"""How the permission matrix fills in URL parameters other than the agency slug.

Every agency URL is checked automatically. A URL with extra parameters needs a way to make
an object of the right agency: add it here by parameter name, or by URL name when one URL
needs several related values. A missing entry fails the matrix with a message naming it.
Each callable receives (agency, user) — `user` is the member the request will run as,
so an object that only its own members may open (a team) can include them.
"""

from tests.factories import MembershipFactory, UserFactory

BY_PARAM = {
    "membership_id": lambda agency, user: MembershipFactory(agency=agency, user=UserFactory()).pk,
    "invitation_id": lambda agency, user: _invitation(agency).pk,
    # communitymap
    "organization_id": lambda agency, user: _organization(agency).pk,
    "affiliation_id": lambda agency, user: _affiliation(agency).pk,
    "person_id": lambda agency, user: _person(agency).pk,
    "batch_id": lambda agency, user: _import_batch(agency).pk,
    "job_id": lambda agency, user: _import_job(agency).pk,
    "mapping_id": lambda agency, user: _column_mapping(agency).pk,
    # teams: every object hangs off one problem-solving team that `user` is on.
    "team_id": lambda agency, user: _team(agency, user).pk,
    "member_id": lambda agency, user: _team(agency, user).members.first().pk,
    "metric_id": lambda agency, user: _metric(agency, user).pk,
    "meeting_id": lambda agency, user: _meeting(agency, user).pk,
    "goal_id": lambda agency, user: _metric(agency, user).goal_id,
    "action_id": lambda agency, user: _action(agency, user).pk,
    # scanning: rounds and candidates hang off an advisory team `user` votes on.
    "activity_id": lambda agency, user: _scanning_input(agency).activity_id,
    "input_id": lambda agency, user: _scanning_input(agency).pk,
    "topic_id": lambda agency, user: _scanning_topic(agency).pk,
    "candidate_id": lambda agency, user: _scanning_round(agency, user).entries.first().candidate_id,
    "round_id": lambda agency, user: _scanning_round(agency, user).pk,
    "priority_id": lambda agency, user: _scanning_priority(agency, user).pk,
}

BY_URL_NAME = {
    "object-history": lambda agency, user: {
        "app_label": "cs360",
        "model_name": "membership",
        "object_id": MembershipFactory(agency=agency, user=UserFactory()).pk,
    },
    # communitymap: one worksheet cell (area x partner type).
    "communitymap:cell-add": lambda agency, user: {"area": "housing", "partner_type": "ngo"},
    "communitymap:cell-examples": lambda agency, user: {"area": "health", "partner_type": "ngo"},
    # scanning: a round's published record exists once voting has closed.
    "scanning:round-record": lambda agency, user: {"round_id": _closed_round(agency, user).pk},
    "scanning:round-record-download": lambda agency, user: {
        "round_id": _closed_round(agency, user).pk
    },
}

# URLs whose extra parameters name no object of an agency (the object-level matrix skips them).
NOT_OBJECTS = {"communitymap:cell-add", "communitymap:cell-examples"}


def _invitation(agency):
    from datetime import timedelta

    from django.utils import timezone

    from cs360.models import Invitation

    return Invitation.objects.create(
        agency=agency,
        email="invitee@example.org",
        token_hash=Invitation.hash_token(str(timezone.now().timestamp())),
        expires_at=timezone.now() + timedelta(days=3),
    )


def _team(agency, user):
    """A problem-solving team with `user` on it (as a community member with a login)."""
    from communitymap.models import Person
    from teams import services
    from teams.models import Team
    from tests.factories import PersonFactory

    team = agency.teams.filter(name="Matrix PST").first()
    if team is None:
        team = services.create_team(
            agency=agency, kind=Team.Kind.PROBLEM_SOLVING, name="Matrix PST", created_by=None
        )
        team.status = Team.Status.ACTIVE
        team.save()
        person = Person.objects.filter(agency=agency, user=user).first() or PersonFactory(
            agency=agency, user=user
        )
        services.add_member(team=team, person=person, added_by=None, role="member")
    return team


def _metric(agency, user):
    """A metric provided by an organization `user` works for, so a partner may enter readings."""
    from tests.factories import AffiliationFactory, GoalFactory, MetricFactory

    team = _team(agency, user)
    person = team.members.first().person
    affiliation = AffiliationFactory(agency=agency, person=person)
    goal = GoalFactory(team=team)
    return MetricFactory(goal=goal, source="partner", source_organization=affiliation.organization)


def _meeting(agency, user):
    from tests.factories import MeetingFactory

    return MeetingFactory(team=_team(agency, user))


def _action(agency, user):
    """An action item owned by `user`'s own person, so they may update it."""
    from datetime import date

    from teams.models import ActionItem

    team = _team(agency, user)
    person = team.members.first().person
    return ActionItem.objects.create(
        agency=agency, team=team, description="Walk Green St", owner=person, due_on=date(2026, 1, 1)
    )


def _organization(agency):
    from tests.factories import OrganizationFactory

    return OrganizationFactory(agency=agency)


def _affiliation(agency):
    from tests.factories import AffiliationFactory

    return AffiliationFactory(agency=agency)


def _person(agency):
    from tests.factories import PersonFactory

    return PersonFactory(agency=agency)


def _import_batch(agency):
    from communitymap.models import ImportBatch

    return ImportBatch.objects.create(agency=agency, filename="partners.csv", rows=[])


def _import_job(agency):
    from tests.factories import ImportJobFactory

    return ImportJobFactory(agency=agency)


def _column_mapping(agency):
    from tests.factories import ColumnMappingFactory

    return ColumnMappingFactory(agency=agency)


def _scanning_input(agency):
    from tests.factories import InputFactory, ScanningActivityFactory

    return InputFactory(activity=ScanningActivityFactory(agency=agency))


def _scanning_topic(agency):
    return agency.scanning_topics.get_or_create(name="Lighting")[0]


def _scanning_round(agency, user):
    """An open round of an advisory team on which `user` has a vote."""
    from tests.factories import advisory_team, open_round

    existing = agency.priority_rounds.filter(title="Matrix round").first()
    if existing:
        return existing
    team, _ = advisory_team(agency, [(user, "community")], name="Matrix advisory team")
    return open_round(agency, team, title="Matrix round")


def _closed_round(agency, user):
    from scanning import voting

    round_ = _scanning_round(agency, user)
    if not round_.is_closed:
        round_ = voting.close_round(round_=round_, closed_by=None)
    return round_


def _scanning_priority(agency, user):
    from scanning import voting

    existing = agency.priorities.first()
    if existing:
        return existing
    round_ = _closed_round(agency, user)
    decision = voting.record_decision(
        round_=round_,
        decided_by=None,
        adopt=[round_.entries.first().candidate],
        rationale="Heard most often, and partners are ready to act.",
    )
    return decision.adopted.get()
