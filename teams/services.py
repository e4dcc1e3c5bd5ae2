"""Writes on teams: rosters, goals and metrics, readings, meetings, actions and SARA records."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from communitymap.models import Affiliation, PartnerType
from cs360.models import Role
from teams.models import (
    CHECKPOINT_DAYS,
    ActionItem,
    AssessmentCheckpoint,
    Meeting,
    Metric,
    Reading,
    SaraRecord,
    SaraResponse,
    Team,
    TeamMember,
)

MEETING_AGENDA_TEMPLATE = """1. Welcome and attendance
2. Metric review: latest readings against baseline and target
3. Overdue and open action items
4. SARA updates: where the analysis and responses stand
5. Partner data: what partners bring this month
6. Decisions and new action items
7. Next meeting"""


def derive_sector(*, agency, person) -> str:
    """The sector a person sits in on a team, from who they are now.

    Police: the person logs in as staff or admin of this agency, or currently works for an
    organization on the map named like the agency itself. Government: a current affiliation
    with a government organization. Community: community groups, NGO chapters, informal
    leaders, and residents with no organization. Other: businesses only.
    """
    if (
        person.user_id
        and person.user.memberships.filter(agency=agency, role__gte=Role.STAFF).exists()
    ):
        return TeamMember.Sector.POLICE
    organizations = [
        a.organization
        for a in Affiliation.objects.current().filter(person=person).select_related("organization")
    ]
    if any(org.name.strip().lower() == agency.name.strip().lower() for org in organizations):
        return TeamMember.Sector.POLICE
    types = {org.partner_type for org in organizations}
    if PartnerType.GOVERNMENT in types:
        return TeamMember.Sector.GOVERNMENT
    if types & {PartnerType.COMMUNITY, PartnerType.NGO, PartnerType.INFORMAL} or not types:
        return TeamMember.Sector.COMMUNITY
    return TeamMember.Sector.OTHER


@transaction.atomic
def create_team(
    *,
    agency,
    kind,
    name,
    created_by,
    purpose="",
    scope="",
    decision_rules="",
    cadence="monthly",
    status=Team.Status.FORMING,
) -> Team:
    """Create a team; a problem-solving team gets its (empty) SARA record at once."""
    name = name.strip()
    if agency.teams.filter(name__iexact=name).exists():
        raise ValidationError(f"{agency} already has a team called “{name}”.")
    team = Team.objects.create(
        agency=agency,
        kind=kind,
        name=name,
        purpose=purpose,
        scope=scope,
        decision_rules=decision_rules,
        cadence=cadence,
        status=status,
        created_by=created_by,
    )
    if kind == Team.Kind.PROBLEM_SOLVING:
        SaraRecord.objects.create(agency=agency, team=team)
    return team


@transaction.atomic
def person_for_user(*, agency, user):
    """The Community Map person who is this login in the agency, created when missing (a
    staff member who starts a team belongs on its roster, even before anyone mapped them)."""
    from communitymap.models import Person

    person = agency.people.filter(user=user).first()
    if person is None:
        person = Person.objects.create(
            agency=agency, full_name=user.full_name or user.email, email=user.email, user=user
        )
    return person


def add_member(
    *,
    team,
    person,
    added_by,
    role="member",
    sector=None,
    can_vote=False,
    joined_on=None,
) -> TeamMember:
    """Put a Community Map person on the team's roster.

    The sector is derived from the person's organization unless given. Raises
    ValidationError when the person is already a current member.
    """
    if person.agency_id != team.agency_id:
        raise ValidationError("That person is not on this agency's Community Map.")
    if team.members.current().filter(person=person).exists():
        raise ValidationError(f"{person} is already on {team}.")
    try:
        with transaction.atomic():
            return TeamMember.objects.create(
                agency=team.agency,
                team=team,
                person=person,
                sector=sector or derive_sector(agency=team.agency, person=person),
                sector_was_set=bool(sector),
                role=role,
                can_vote=can_vote,
                joined_on=joined_on or timezone.localdate(),
            )
    except IntegrityError as error:
        # Two people adding the same person at once: the constraint catches the second.
        raise ValidationError(f"{person} is already on {team}.") from error


@transaction.atomic
def update_member(*, member, changed_by, role, can_vote, sector=None) -> TeamMember:
    member.role = role
    member.can_vote = can_vote
    if sector:
        member.sector, member.sector_was_set = sector, True
    member.save()
    return member


@transaction.atomic
def remove_member(*, member, removed_by, left_on=None) -> TeamMember:
    """End a membership. The row stays, so the roster's history is kept."""
    if member.left_on is not None:
        raise ValidationError(f"{member.person} already left {member.team}.")
    # Someone who joins and leaves on the same day (in any time zone) leaves that day.
    left_on = left_on or max(timezone.localdate(), member.joined_on)
    if left_on < member.joined_on:
        raise ValidationError("The leaving date cannot be before the joining date.")
    member.left_on = left_on
    member.save(update_fields=["left_on"])
    return member


# --- Goals, metrics and readings --------------------------------------------------------


@transaction.atomic
def add_goal(*, team, statement, deadline, added_by):
    return team.goals.create(agency=team.agency, statement=statement.strip(), deadline=deadline)


@transaction.atomic
def add_metric(*, team, goal, added_by, **fields) -> Metric:
    """Add a success metric under one of the team's goals."""
    if goal.team_id != team.pk:
        raise ValidationError("That goal belongs to another team.")
    metric = Metric(agency=team.agency, team=team, goal=goal, **fields)
    metric.full_clean()
    metric.save()
    return metric


@transaction.atomic
def update_goal(*, goal, changed_by, statement, deadline):
    goal.statement, goal.deadline = statement.strip(), deadline
    goal.save()
    return goal


@transaction.atomic
def update_metric(*, metric, changed_by, goal, **fields) -> Metric:
    """Change a metric's definition, baseline or target; readings are kept as they are."""
    if goal.team_id != metric.team_id:
        raise ValidationError("That goal belongs to another team.")
    metric.goal = goal
    for name, value in fields.items():
        setattr(metric, name, value)
    metric.full_clean()
    metric.save()
    return metric


def can_enter_readings(*, metric, membership) -> bool:
    """Staff enter readings for any metric; a partner only for metrics their organization provides.

    A partner provides a metric when their Community Map person (linked to their login) has a
    current affiliation with the metric's source organization.
    """
    if membership.role >= Role.STAFF:
        return True
    if metric.source_organization_id is None:
        return False
    return (
        Affiliation.objects.current()
        .filter(
            agency=metric.agency_id,
            organization_id=metric.source_organization_id,
            person__user=membership.user,
        )
        .exists()
    )


@transaction.atomic
def record_reading(*, metric, value, taken_on, entered_by, membership, source_note="") -> Reading:
    """Record a metric's value at a date; a second reading for the same date replaces the first
    (the earlier value stays in the reading's history)."""
    if not can_enter_readings(metric=metric, membership=membership):
        raise PermissionDenied(
            "Only staff, or partners whose organization provides this metric, enter readings."
        )
    reading, _created = Reading.objects.update_or_create(
        metric=metric,
        taken_on=taken_on,
        defaults={
            "agency": metric.agency,
            "value": value,
            "entered_by": entered_by,
            "source_note": source_note,
        },
    )
    return reading


# --- Meetings and actions ---------------------------------------------------------------


@transaction.atomic
def schedule_meeting(*, team, held_on, created_by, location="", agenda=None) -> Meeting:
    return Meeting.objects.create(
        agency=team.agency,
        team=team,
        held_on=held_on,
        location=location,
        agenda=MEETING_AGENDA_TEMPLATE if agenda is None else agenda,
    )


@transaction.atomic
def record_meeting(
    *, meeting, recorded_by, attendees, minutes, decisions, agenda=None, location=None
):
    """Save what happened at a meeting: who came (current or former roster members), minutes,
    decisions."""
    if any(m.team_id != meeting.team_id for m in attendees):
        raise ValidationError("Attendance can only include members of this team.")
    meeting.minutes = minutes
    meeting.decisions = decisions
    if agenda is not None:
        meeting.agenda = agenda
    if location is not None:
        meeting.location = location
    meeting.save()
    meeting.attendees.set(attendees)
    return meeting


@transaction.atomic
def add_action(
    *, team, description, owner, due_on, added_by, owner_organization=None, meeting=None
) -> ActionItem:
    if owner.agency_id != team.agency_id:
        raise ValidationError("The owner must be on this agency's Community Map.")
    return ActionItem.objects.create(
        agency=team.agency,
        team=team,
        meeting=meeting,
        description=description.strip(),
        owner=owner,
        owner_organization=owner_organization,
        due_on=due_on,
    )


@transaction.atomic
def set_action_status(*, action, status, changed_by) -> ActionItem:
    action.status = status
    action.completed_on = timezone.localdate() if status == ActionItem.Status.DONE else None
    action.save(update_fields=["status", "completed_on"])
    return action


# --- SARA -------------------------------------------------------------------------------


def sara_record_for(team) -> SaraRecord:
    record, _ = SaraRecord.objects.get_or_create(team=team, defaults={"agency": team.agency})
    return record


STAGE_ORDER = [stage for stage, _label in SaraRecord.Stage.choices]


def _advance(record, stage):
    """Move the record forward to `stage` when work on that stage starts; never backward.
    A record whose analysis is still blank goes no further than "Analysis": a response
    added first does not make the team look as if it had analysed the problem."""
    analysed = any((getattr(record, name) or "").strip() for name in SaraRecord.TRIANGLE_FIELDS)
    if not analysed and STAGE_ORDER.index(stage) > STAGE_ORDER.index(SaraRecord.Stage.ANALYSIS):
        stage = SaraRecord.Stage.ANALYSIS
    if STAGE_ORDER.index(record.stage) < STAGE_ORDER.index(stage):
        record.stage = stage
        record.save(update_fields=["stage", "updated_at"])


@transaction.atomic
def update_sara(*, record, changed_by, **fields) -> SaraRecord:
    """Save part of the SARA record. Saving analysis moves a record still at scanning on."""
    for name, value in fields.items():
        setattr(record, name, value)
    record.save()
    if "stage" not in fields and any(fields.get(name) for name in SaraRecord.TRIANGLE_FIELDS):
        _advance(record, SaraRecord.Stage.ANALYSIS)
    return record


def _ensure_checkpoints(response):
    if response.started_on is None:
        return
    for days in CHECKPOINT_DAYS:
        checkpoint, created = AssessmentCheckpoint.objects.get_or_create(
            response=response,
            days_after_start=days,
            defaults={
                "agency": response.agency,
                "due_on": response.started_on + timedelta(days=days),
            },
        )
        if not created and not checkpoint.decision:
            checkpoint.due_on = response.started_on + timedelta(days=days)
            checkpoint.save(update_fields=["due_on"])


@transaction.atomic
def add_response(
    *,
    record,
    strategy,
    added_by,
    owner_organization=None,
    started_on=None,
    status=SaraResponse.Status.PLANNED,
) -> SaraResponse:
    """Add a response; once it has a start date it gets 30/90/180-day assessment checkpoints."""
    response = SaraResponse.objects.create(
        agency=record.agency,
        record=record,
        strategy=strategy.strip(),
        owner_organization=owner_organization,
        started_on=started_on,
        status=status,
    )
    _ensure_checkpoints(response)
    _advance(record, SaraRecord.Stage.RESPONSE)
    return response


@transaction.atomic
def update_response(*, response, changed_by, **fields) -> SaraResponse:
    for name, value in fields.items():
        setattr(response, name, value)
    response.save()
    _ensure_checkpoints(response)
    return response


@transaction.atomic
def decide_checkpoint(*, checkpoint, decision, findings, decided_by, decided_on=None):
    """Record an assessment decision: continue, modify or close the response."""
    if decision not in {c for c, _ in AssessmentCheckpoint.Decision.choices if c}:
        raise ValidationError("Choose continue, modify or close.")
    checkpoint.decision = decision
    checkpoint.findings = findings
    checkpoint.decided_on = decided_on or timezone.localdate()
    checkpoint.decided_by = decided_by
    checkpoint.save()
    _advance(checkpoint.response.record, SaraRecord.Stage.ASSESSMENT)
    if decision == AssessmentCheckpoint.Decision.CLOSE:
        response = checkpoint.response
        response.status = SaraResponse.Status.COMPLETED
        response.save(update_fields=["status"])
    return checkpoint
