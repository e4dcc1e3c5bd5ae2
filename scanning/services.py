"""Writes for scanning and priorities: activities and inputs, candidate problems, priority
rounds, ballots, reminders, decisions, and starting a problem-solving team from a priority.
"""

import hashlib
import random
import secrets
import uuid
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format

from communitymap.models import Affiliation
from scanning import tally
from scanning.models import (
    DEFAULT_CRITERIA,
    DEFAULT_TOPICS,
    ActivityKind,
    Ballot,
    BallotReminder,
    CandidateProblem,
    Criterion,
    Decision,
    Input,
    Priority,
    PriorityRound,
    RoundCandidate,
    ScanningActivity,
    Topic,
    VoterRecord,
)
from scanning.queries import candidate_evidence, round_results
from teams import services as team_services
from teams.models import Team

# The automatic "closing soon" reminder goes out this long before a round closes.
REMINDER_LEAD = timedelta(hours=48)
# Staff can send a manual reminder to the same member at most this often.
MANUAL_REMINDER_GAP = timedelta(hours=1)


class BallotRefused(Exception):
    """The ballot was not recorded; the message tells the voter why and what to do."""


# --- Activities and inputs ---------------------------------------------------------------


@transaction.atomic
def ensure_default_topics(*, agency) -> None:
    """Give an agency the common topics the first time it needs its list."""
    if agency.scanning_topics.exists():
        return
    Topic.objects.bulk_create([Topic(agency=agency, name=name) for name in DEFAULT_TOPICS])


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
        activity.inputs.update(respondent_name="", anonymous=True)
        Input.history.filter(activity_id=activity.pk).update(respondent_name="", anonymous=True)
    elif "anonymous" in fields and not fields["anonymous"]:
        activity.inputs.update(anonymous=False)
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
    return agency.scanning_inputs.filter(pk__in=ids).update(candidate=candidate)


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
    source.inputs.update(candidate=target)
    for entry in source.round_entries.select_related("round"):
        if entry.round.entries.filter(candidate=target).exists():
            entry.delete()
        else:
            entry.candidate = target
            entry.save(update_fields=["candidate"])
    CandidateProblem.objects.filter(merged_into=source).update(merged_into=target)
    source.merged_into = target
    source.save(update_fields=["merged_into"])
    if not target.evidence_summary and source.evidence_summary:
        target.evidence_summary = source.evidence_summary
        target.save(update_fields=["evidence_summary"])
    return target


# --- Priority rounds ---------------------------------------------------------------------


def _check_round_settings(*, agency, team, method, dots_per_voter, candidates, closes_at):
    errors = {}
    if team.agency_id != agency.pk or team.kind != Team.Kind.ADVISORY:
        errors["team"] = "Choose this agency's advisory team."
    if len(candidates) < 2:
        errors["candidates"] = "Choose at least two candidate problems to vote on."
    if any(c.agency_id != agency.pk or c.merged_into_id for c in candidates):
        errors["candidates"] = "Choose open candidate problems of this agency."
    if method == tally.DOT and not dots_per_voter:
        errors["dots_per_voter"] = "Give each member at least one dot."
    if closes_at <= timezone.now():
        errors["closes_at"] = "The closing time must be in the future."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_round(
    *, agency, created_by, team, title, candidates, closes_at, criteria=None, **settings
) -> PriorityRound:
    """Draft a round. `criteria` is a list of (name, weight); the defaults when omitted."""
    _check_round_settings(
        agency=agency,
        team=team,
        method=settings.get("method", tally.RANKED),
        dots_per_voter=settings.get("dots_per_voter", 5),
        candidates=candidates,
        closes_at=closes_at,
    )
    round_ = PriorityRound.objects.create(
        agency=agency,
        created_by=created_by,
        team=team,
        title=title,
        closes_at=closes_at,
        **settings,
    )
    _set_candidates(round_, candidates)
    descriptions = dict(DEFAULT_CRITERIA)
    if criteria is None:
        criteria = [(name, 1) for name, _ in DEFAULT_CRITERIA]
    Criterion.objects.bulk_create(
        [
            Criterion(
                agency=agency,
                round=round_,
                name=name,
                weight=weight,
                position=i,
                description=descriptions.get(name, ""),
            )
            for i, (name, weight) in enumerate(criteria)
        ]
    )
    return round_


def _set_candidates(round_, candidates):
    round_.entries.all().delete()
    RoundCandidate.objects.bulk_create(
        [
            RoundCandidate(agency=round_.agency, round=round_, candidate=c, position=i)
            for i, c in enumerate(candidates)
        ]
    )


@transaction.atomic
def update_round(*, round_, changed_by, candidates=None, weights=None, **settings) -> PriorityRound:
    """Change a draft round. Once voting opens its settings are locked."""
    round_ = PriorityRound.objects.select_for_update().get(pk=round_.pk)
    if round_.status != PriorityRound.Status.DRAFT:
        raise ValidationError(
            "Voting has started, so the settings are locked: everyone votes under the same rules."
        )
    for name, value in settings.items():
        setattr(round_, name, value)
    current = candidates if candidates is not None else [e.candidate for e in round_.entries.all()]
    _check_round_settings(
        agency=round_.agency,
        team=round_.team,
        method=round_.method,
        dots_per_voter=round_.dots_per_voter,
        candidates=current,
        closes_at=round_.closes_at,
    )
    round_.save()
    if candidates is not None:
        _set_candidates(round_, candidates)
    for criterion_id, weight in (weights or {}).items():
        round_.criteria.filter(pk=criterion_id).update(weight=weight)
    return round_


@transaction.atomic
def open_round(*, round_, opened_by) -> PriorityRound:
    round_ = PriorityRound.objects.select_for_update().get(pk=round_.pk)
    if round_.status != PriorityRound.Status.DRAFT:
        raise ValidationError("This round is already open or closed.")
    if round_.closes_at <= timezone.now():
        raise ValidationError("The closing time has passed; set a later one before opening.")
    if not eligible_voters(round_).exists():
        raise ValidationError(
            f"{round_.team} has no current voting members yet; give members a vote first."
        )
    round_.status = PriorityRound.Status.OPEN
    round_.opened_at = timezone.now()
    round_.save(update_fields=["status", "opened_at"])
    return round_


def eligible_voters(round_):
    return round_.team.members.current().filter(can_vote=True)


def voter_for(*, round_, user):
    """The user's current voting membership of the round's advisory team, or None."""
    if not user.is_authenticated:
        return None
    return eligible_voters(round_).filter(person__user=user).select_related("person").first()


def _hash(token: str) -> str:
    return hashlib.sha256(normalize_receipt(token).encode()).hexdigest()


def normalize_receipt(token: str) -> str:
    return "".join(ch for ch in (token or "").upper() if ch.isalnum())


def format_receipt(token: str) -> str:
    token = normalize_receipt(token)
    return "-".join(token[i : i + 4] for i in range(0, len(token), 4))


def _ballot_fields(data: tally.BallotData, reason: str) -> dict:
    return {
        "ranking": list(data.ranking),
        "scores": {str(c): {str(k): v for k, v in by.items()} for c, by in data.scores.items()},
        "dots": {str(c): n for c, n in data.dots.items() if n},
        "approvals": sorted(data.approvals),
        "recusals": sorted(data.recusals),
        "reason": reason.strip(),
    }


def _lock_round_for_voting(round_id):
    """Take a shared lock on the round: ballots go in side by side, but closing the round
    (which takes an exclusive lock) waits for them and no ballot can slip in after it."""
    rows = list(
        PriorityRound.objects.raw(
            "SELECT * FROM scanning_priorityround WHERE id = %s FOR SHARE", [round_id]
        )
    )
    return rows[0]


@transaction.atomic
def cast_ballot(
    *, round_, user, data: tally.BallotData, reason="", based_on=0, receipt=""
) -> tuple[VoterRecord, str]:
    """Record or change the user's ballot. Returns (voter record, receipt code or "").

    `based_on` is the version of the voter's ballot the form was filled in from (0 for a
    first ballot); a ballot changed meanwhile (another tab, a double click) is refused
    rather than silently overwritten. In a secret round a first ballot returns a new
    receipt code; changing it needs that code, because nothing else links voter and ballot.
    Raises BallotRefused with a message for the voter; nothing is changed then.
    """
    round_ = _lock_round_for_voting(round_.pk)
    now = timezone.now()
    if round_.status != PriorityRound.Status.OPEN or round_.closes_at <= now:
        when = round_.closed_at or round_.closes_at
        raise BallotRefused(
            f"Voting in “{round_.title}” closed on "
            f"{date_format(timezone.localtime(when), 'j F Y, H:i')}. Your ballot was not recorded."
        )
    member = voter_for(round_=round_, user=user)
    if member is None:
        raise BallotRefused(
            f"Only voting members of {round_.team} can vote in this round. "
            "Nothing was recorded. Ask staff if you think you should have a vote."
        )
    candidates = list(round_.entries.values_list("candidate_id", flat=True))
    criteria = list(round_.criteria.values_list("pk", flat=True))
    try:
        tally.check_ballot(
            data,
            method=round_.method,
            candidates=candidates,
            criteria=criteria,
            dots_per_voter=round_.dots_per_voter,
        )
    except tally.BallotProblem as problem:
        raise BallotRefused(f"{problem} Your ballot was not recorded.") from problem
    if round_.reason_required and not reason.strip():
        raise BallotRefused("This round asks for a reason with each ballot. Please add one.")
    fields = _ballot_fields(data, reason)
    record = VoterRecord.objects.select_for_update().filter(round=round_, member=member).first()
    token = ""
    if record is None:
        if based_on:
            raise BallotRefused("Your earlier ballot could not be found. Reload the page.")
        try:
            with transaction.atomic():
                record = VoterRecord.objects.create(
                    agency=round_.agency, round=round_, member=member, first_voted_at=now
                )
        except IntegrityError as error:
            raise BallotRefused(
                "Another ballot from you arrived at the same moment and was recorded; this one "
                "was not. Reload the page to see the ballot on record and change it if needed."
            ) from error
        if round_.secret:
            token = secrets.token_hex(10).upper()
            Ballot.objects.create(
                agency=round_.agency,
                round=round_,
                token_hash=_hash(token),
                sector=member.sector,
                **fields,
            )
        else:
            Ballot.objects.create(
                agency=round_.agency, round=round_, member=member, sector=member.sector, **fields
            )
        return record, token
    if based_on != record.version:
        raise BallotRefused(
            "Your ballot was changed after you opened this page (perhaps in another tab, or by "
            "a double click). Nothing was changed: reload the page to see the ballot on record."
        )
    if round_.secret:
        ballot = round_.ballots.filter(token_hash=_hash(receipt)).first() if receipt else None
        if ballot is None:
            raise BallotRefused(
                "To change a secret ballot, enter the receipt code you were given when you "
                "voted. Nothing else links you to your ballot, so without it no one, admins "
                "included, can find it. Your ballot on record still counts."
            )
        fields["sector"] = member.sector
    else:
        ballot = round_.ballots.get(member=member)
    for name, value in fields.items():
        setattr(ballot, name, value)
    ballot.save()
    record.version += 1
    record.changed_at = now
    record.save(update_fields=["version", "changed_at"])
    return record, ""


def ballot_for(*, round_, member, receipt=""):
    """The member's own ballot, to fill in the form for a change (None when unknown)."""
    if round_.secret:
        if not receipt:
            return None
        return round_.ballots.filter(token_hash=_hash(receipt)).first()
    return round_.ballots.filter(member=member).first()


def send_reminders(*, round_, trigger, sent_by=None, base_url="") -> int:
    """E-mail voting members who have not voted. Returns how many were sent.

    Automatic reminders go once per member per round; a staff reminder skips members
    reminded within the last hour, so a double click does not send two e-mails.
    """
    if round_.status != PriorityRound.Status.OPEN or round_.closes_at <= timezone.now():
        return 0
    not_voted = (
        eligible_voters(round_)
        .exclude(voter_records__round=round_)
        .select_related("person", "person__user")
    )
    sent = 0
    for member in not_voted:
        address = member.person.email or (member.person.user.email if member.person.user else "")
        if not address:
            continue
        with transaction.atomic():
            if trigger == BallotReminder.Trigger.STAFF:
                recent = round_.reminders.filter(
                    member=member, sent_at__gte=timezone.now() - MANUAL_REMINDER_GAP
                )
                if recent.exists():
                    continue
            try:
                with transaction.atomic():
                    BallotReminder.objects.create(
                        agency=round_.agency,
                        round=round_,
                        member=member,
                        trigger=trigger,
                        sent_by=sent_by,
                    )
            except IntegrityError:
                continue  # Already reminded automatically (e.g. two scheduler runs at once).
            context = {
                "round": round_,
                "member": member,
                "link": base_url.rstrip("/") + round_.get_absolute_url() + "ballot/",
            }
            send_mail(
                subject=f"Your vote is needed: {round_.title}",
                message=render_to_string("scanning/email/ballot_reminder.txt", context),
                from_email=None,
                recipient_list=[address],
            )
        sent += 1
    return sent


def rounds_closing_soon(now=None):
    now = now or timezone.now()
    return PriorityRound.objects.filter(
        status=PriorityRound.Status.OPEN, closes_at__gt=now, closes_at__lte=now + REMINDER_LEAD
    ).select_related("agency", "team")


@transaction.atomic
def close_round(*, round_, closed_by) -> PriorityRound:
    """Close voting. Waits for ballots being cast, then stores secret ballots afresh in a
    random order so even their physical order in the database says nothing about voters."""
    round_ = PriorityRound.objects.select_for_update().get(pk=round_.pk)
    if round_.status != PriorityRound.Status.OPEN:
        raise ValidationError("Only an open round can be closed.")
    if round_.secret:
        ballots = list(round_.ballots.all())
        round_.ballots.all().delete()
        random.SystemRandom().shuffle(ballots)
        for ballot in ballots:
            ballot.id = uuid.uuid4()
        Ballot.objects.bulk_create(ballots)
    round_.status = PriorityRound.Status.CLOSED
    round_.closed_at = timezone.now()
    round_.save(update_fields=["status", "closed_at"])
    return round_


@transaction.atomic
def record_decision(
    *, round_, decided_by, adopt=(), rationale, dissent_notes="", withdraw=()
) -> Decision:
    """Record what the advisory team decided on a closed round.

    The first decision adopts priorities; any later one is an amendment of the latest
    decision (it may adopt more candidates or withdraw adopted priorities). Decisions are
    never edited.
    """
    round_ = PriorityRound.objects.select_for_update().get(pk=round_.pk)
    if round_.status != PriorityRound.Status.CLOSED:
        raise ValidationError("Close the round before recording its decision.")
    if not rationale.strip():
        raise ValidationError({"rationale": "Say why: the rationale is part of the record."})
    in_round = {e.candidate_id: e.candidate for e in round_.entries.select_related("candidate")}
    adopt = list(adopt)
    if any(c.pk not in in_round for c in adopt):
        raise ValidationError({"adopt": "Adopt candidates from this round only."})
    already = set(
        Priority.objects.active()
        .filter(decision__round=round_, candidate__in=adopt)
        .values_list("candidate_id", flat=True)
    )
    if already:
        raise ValidationError({"adopt": "Some of these are already adopted priorities."})
    results = round_results(round_)
    latest = round_.decisions.order_by("-decided_at", "-pk").first()
    decision = Decision.objects.create(
        agency=round_.agency,
        round=round_,
        amends=latest,
        rationale=rationale.strip(),
        dissent_notes=dissent_notes.strip(),
        quorum_met=results.quorum_met,
        ballots_counted=results.tally.ballots,
        results_snapshot=results.snapshot(),
        decided_by=decided_by,
    )
    ranks = {row.candidate: row.rank for row in results.tally.rows}
    for candidate in adopt:
        Priority.objects.create(
            agency=round_.agency,
            title=candidate.title,
            definition=candidate.definition,
            candidate=candidate,
            decision=decision,
            rank=ranks.get(candidate.pk),
        )
    for priority in withdraw:
        if priority.decision.round_id != round_.pk or priority.withdrawn_by_id:
            raise ValidationError({"withdraw": "Withdraw active priorities of this round only."})
        priority.withdrawn_by = decision
        priority.save(update_fields=["withdrawn_by"])
    return decision


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
