"""Writes for scanning: activities and inputs, candidate problems, adopted priorities and
starting a problem-solving team from one. Rounds, ballots and decisions are in
`scanning/voting.py`.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import date_format
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from communitymap.models import Affiliation
from scanning.models import (
    DEFAULT_TOPICS,
    ActivityKind,
    CandidateProblem,
    Input,
    Priority,
    PriorityRound,
    ScanningActivity,
    Topic,
)
from scanning.queries import candidate_evidence
from teams import services as team_services
from teams.models import Team

# --- Activities and inputs ---------------------------------------------------------------


@transaction.atomic
def ensure_default_topics(*, agency, created_by=None) -> None:
    """Give an agency the common topics the first time it needs its list."""
    if agency.scanning_topics.exists():
        return
    bulk_create_with_history(
        [Topic(agency=agency, name=name) for name in DEFAULT_TOPICS], Topic, default_user=created_by
    )


@transaction.atomic
def record_activity(*, agency, recorded_by, organizations=(), **fields) -> ScanningActivity:
    """Record a scanning activity. Focus groups are anonymous unless said otherwise."""
    fields.setdefault("anonymous", fields.get("kind") == ActivityKind.FOCUS_GROUP)
    _check_organizations(agency, organizations)
    activity = ScanningActivity.objects.create(agency=agency, recorded_by=recorded_by, **fields)
    activity.organizations.set(organizations)
    return activity


@transaction.atomic
def update_activity(*, activity, changed_by, organizations=None, **fields) -> ScanningActivity:
    """Change an activity. Making it anonymous erases every name recorded with its inputs,
    including from their history, so the names are gone rather than hidden."""
    became_anonymous = fields.get("anonymous") and not activity.anonymous
    for name, value in fields.items():
        setattr(activity, name, value)
    activity.save()
    if organizations is not None:
        _check_organizations(activity.agency, organizations)
        activity.organizations.set(organizations)
    if became_anonymous:
        # Erased from the earlier history rows too, so the names are gone, not hidden.
        Input.history.filter(activity_id=activity.pk).update(respondent_name="", anonymous=True)
    if "anonymous" in fields:
        items = list(activity.inputs.all())
        for item in items:
            item.anonymous = activity.anonymous
            if activity.anonymous:
                item.respondent_name = ""
        bulk_update_with_history(
            items, Input, ["anonymous", "respondent_name"], default_user=changed_by
        )
    return activity


def _check_organizations(agency, organizations):
    if any(org.agency_id != agency.pk for org in organizations):
        raise ValidationError("Choose organizations from this agency's Community Map.")


def _check_input(activity, respondent_name, organization):
    if activity.anonymous and respondent_name.strip():
        raise ValidationError(
            {
                "respondent_name": "This activity is anonymous: who said what is never recorded. "
                "Leave the name empty."
            }
        )
    if organization is not None and organization.agency_id != activity.agency_id:
        raise ValidationError({"organization": "Choose an organization from this agency."})


@transaction.atomic
def record_input(
    *,
    activity,
    recorded_by,
    text,
    theme,
    respondent_kind,
    topics=(),
    place_kind="",
    place_name="",
    respondent_name="",
    organization=None,
    strength=2,
) -> Input:
    """Record one thing heard at `activity`. Refuses a name when the activity is anonymous."""
    _check_input(activity, respondent_name, organization)
    item = Input(
        agency=activity.agency,
        activity=activity,
        text=text.strip(),
        theme=theme,
        respondent_kind=respondent_kind,
        place_kind=place_kind,
        place_name=place_name.strip(),
        respondent_name=respondent_name.strip(),
        organization=organization,
        strength=strength,
        anonymous=activity.anonymous,
        recorded_by=recorded_by,
    )
    item.full_clean(exclude=["candidate", "topics"])
    item.save()
    if topics:
        item.topics.set(topics)
    return item


@transaction.atomic
def update_input(*, item, changed_by, topics=None, **fields) -> Input:
    _check_input(item.activity, fields.get("respondent_name", ""), fields.get("organization"))
    for name, value in fields.items():
        setattr(item, name, value)
    item.anonymous = item.activity.anonymous
    item.full_clean(exclude=["candidate", "topics"])
    item.save()
    if topics is not None:
        item.topics.set(topics)
    return item


# --- Candidate problems ------------------------------------------------------------------


@transaction.atomic
def create_candidate(*, agency, created_by, inputs=(), **fields) -> CandidateProblem:
    candidate = CandidateProblem.objects.create(agency=agency, created_by=created_by, **fields)
    if inputs:
        assign_inputs(agency=agency, inputs=inputs, candidate=candidate, assigned_by=created_by)
    return candidate


@transaction.atomic
def update_candidate(*, candidate, changed_by, **fields) -> CandidateProblem:
    for name, value in fields.items():
        setattr(candidate, name, value)
    candidate.save()
    return candidate


@transaction.atomic
def assign_inputs(*, agency, inputs, candidate, assigned_by) -> int:
    """Group inputs under a candidate (or none). Returns how many moved."""
    if candidate is not None and (candidate.agency_id != agency.pk or candidate.merged_into_id):
        raise ValidationError("Choose one of this agency's open candidate problems.")
    ids = [i.pk for i in inputs if i.agency_id == agency.pk]
    moved = list(agency.scanning_inputs.filter(pk__in=ids))
    for item in moved:
        item.candidate = candidate
    bulk_update_with_history(moved, Input, ["candidate"], default_user=assigned_by)
    return len(moved)


@transaction.atomic
def merge_candidates(*, agency, source, target, merged_by) -> CandidateProblem:
    """Fold `source` into `target`: its inputs (and so its counts) move across, and it is
    kept, marked as merged, so links to it still explain where it went."""
    if source.pk == target.pk:
        raise ValidationError("Choose a different candidate to merge into.")
    if source.agency_id != agency.pk or target.agency_id != agency.pk:
        raise ValidationError("Both candidates must belong to this agency.")
    if target.merged_into_id:
        raise ValidationError(f"“{target}” was itself merged; merge into “{target.merged_into}”.")
    if source.round_entries.exclude(round__status=PriorityRound.Status.DRAFT).exists():
        raise ValidationError(
            f"“{source}” is on a ballot that has opened, so it cannot be merged away."
        )
    assign_inputs(
        agency=agency, inputs=source.inputs.all(), candidate=target, assigned_by=merged_by
    )
    for entry in source.round_entries.select_related("round"):
        entry._history_user = merged_by
        if entry.round.entries.filter(candidate=target).exists():
            entry.delete()
        else:
            entry.candidate = target
            entry.save(update_fields=["candidate"])
    earlier = list(agency.candidate_problems.filter(merged_into=source))
    for candidate in earlier:
        candidate.merged_into = target
    bulk_update_with_history(earlier, CandidateProblem, ["merged_into"], default_user=merged_by)
    source.merged_into = target
    source._history_user = merged_by
    source.save(update_fields=["merged_into"])
    if not target.evidence_summary and source.evidence_summary:
        target.evidence_summary = source.evidence_summary
        target._history_user = merged_by
        target.save(update_fields=["evidence_summary"])
    return target


@transaction.atomic
def update_priority(*, priority, changed_by, **fields) -> Priority:
    for name, value in fields.items():
        setattr(priority, name, value)
    if priority.is_public and not priority.public_summary.strip():
        raise ValidationError(
            {"public_summary": "Write the public summary before showing it on the dashboard."}
        )
    priority.save()
    return priority


# --- From priority to problem-solving team -----------------------------------------------


def suggested_members(priority):
    """People currently representing organizations that raised the priority or work in its
    Community Map areas: [(person, organization, reason)], those who raised it first."""
    candidate = priority.candidate
    agency = priority.agency
    raised = set()
    if candidate is not None:
        raised |= set(
            candidate.inputs.exclude(organization=None).values_list("organization", flat=True)
        )
        raised |= set(
            agency.scanning_activities.filter(inputs__candidate=candidate)
            .exclude(organizations=None)
            .values_list("organizations", flat=True)
        )
    areas = candidate.areas if candidate is not None else []
    in_areas = set(
        agency.organizations.filter(areas__overlap=areas).values_list("pk", flat=True)
        if areas
        else []
    )
    affiliations = (
        Affiliation.objects.current()
        .filter(agency=agency, organization__in=raised | in_areas)
        .select_related("person", "organization")
        .order_by("organization__name", "person__full_name")
    )
    seen = {}
    for affiliation in affiliations:
        org = affiliation.organization
        reason = "raised it in scanning" if org.pk in raised else "works in its area"
        current = seen.get(affiliation.person_id)
        if current is None or (reason == "raised it in scanning" and current[2] != reason):
            seen[affiliation.person_id] = (affiliation.person, org, reason)
    return sorted(seen.values(), key=lambda s: (s[2] != "raised it in scanning", s[1].name))


def evidence_text(candidate) -> str:
    if candidate is None:
        return ""
    evidence = candidate_evidence(candidate.agency, [candidate.pk]).get(candidate.pk)
    lines = []
    if evidence:
        lines.append(evidence.sentence)
    if candidate.evidence_summary:
        lines.append(candidate.evidence_summary)
    return "\n\n".join(lines)


@transaction.atomic
def start_problem_solving_team(*, priority, started_by, name, people=(), lead=None) -> Team:
    """Create the PST for an adopted priority, prefilled with the priority and its evidence,
    with the chosen people on its roster."""
    priority = Priority.objects.select_for_update().get(pk=priority.pk)
    if priority.withdrawn_by_id:
        raise ValidationError("This priority was withdrawn.")
    if priority.team_id:
        raise ValidationError(f"“{priority}” already has a team: {priority.team}.")
    evidence = evidence_text(priority.candidate)
    team = team_services.create_team(
        agency=priority.agency,
        kind=Team.Kind.PROBLEM_SOLVING,
        name=name,
        created_by=started_by,
        purpose=f"Work on the public safety priority “{priority.title}”, adopted by "
        f"{priority.decision.round.team} on {date_format(priority.adopted_on, 'j F Y')}.",
        scope=priority.definition,
    )
    team_services.update_sara(
        record=team_services.sara_record_for(team),
        changed_by=started_by,
        problem_statement=priority.definition,
        scanning_summary=evidence,
    )
    for person in people:
        team_services.add_member(
            team=team,
            person=person,
            added_by=started_by,
            role="lead" if lead is not None and person.pk == lead.pk else "member",
        )
    starter = team_services.person_for_user(agency=priority.agency, user=started_by)
    if all(person.pk != starter.pk for person in people):
        role = "lead" if lead is None or lead.pk == starter.pk else "member"
        team_services.add_member(team=team, person=starter, added_by=started_by, role=role)
    priority.team = team
    priority.save(update_fields=["team"])
    return team
