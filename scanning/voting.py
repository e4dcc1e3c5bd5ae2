"""Priority rounds: drafting and opening them, casting ballots, reminders, closing, and
recording the decision. Counting itself is `scanning/tally.py` (pure functions); a new
voting method goes there (the count) and here (what a ballot stores), and nowhere else.
See docs/voting.md.
"""

import hashlib
import hmac
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
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from scanning import tally
from scanning.forms import SECRET_SHOWS_RESULTS
from scanning.models import (
    DEFAULT_CRITERIA,
    Ballot,
    BallotReminder,
    Criterion,
    Decision,
    Priority,
    PriorityRound,
    RoundCandidate,
    VoterRecord,
)
from scanning.queries import round_results
from teams.models import Team

# The automatic "closing soon" reminder goes out this long before a round closes.
REMINDER_LEAD = timedelta(hours=48)
# Staff can send a manual reminder to the same member at most this often.
MANUAL_REMINDER_GAP = timedelta(hours=1)


class BallotRefused(Exception):
    """The ballot was not recorded; the message tells the voter why and what to do."""


# --- Priority rounds ---------------------------------------------------------------------


def _check_round_settings(
    *, agency, team, method, dots_per_voter, candidates, closes_at, secret, hide_results
):
    errors = {}
    if secret and not hide_results:
        errors["hide_results_until_close"] = SECRET_SHOWS_RESULTS
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
        secret=settings.get("secret", True),
        hide_results=settings.get("hide_results_until_close", True),
    )
    round_ = PriorityRound.objects.create(
        agency=agency,
        created_by=created_by,
        team=team,
        title=title,
        closes_at=closes_at,
        **settings,
    )
    _set_candidates(round_, candidates, changed_by=created_by)
    descriptions = dict(DEFAULT_CRITERIA)
    if criteria is None:
        criteria = [(name, 1) for name, _ in DEFAULT_CRITERIA]
    bulk_create_with_history(
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
        ],
        Criterion,
        default_user=created_by,
    )
    return round_


def _set_candidates(round_, candidates, *, changed_by):
    for entry in round_.entries.all():
        entry._history_user = changed_by
        entry.delete()
    bulk_create_with_history(
        [
            RoundCandidate(agency=round_.agency, round=round_, candidate=c, position=i)
            for i, c in enumerate(candidates)
        ],
        RoundCandidate,
        default_user=changed_by,
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
        secret=round_.secret,
        hide_results=round_.hide_results_until_close,
    )
    round_._history_user = changed_by
    round_.save()
    if candidates is not None:
        _set_candidates(round_, candidates, changed_by=changed_by)
    weights = weights or {}
    changed = [c for c in round_.criteria.filter(pk__in=weights) if c.weight != weights[c.pk]]
    for criterion in changed:
        criterion.weight = weights[criterion.pk]
    bulk_update_with_history(changed, Criterion, ["weight"], default_user=changed_by)
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
    round_._history_user = opened_by
    round_.save(update_fields=["status", "opened_at"])
    return round_


def eligible_voters(round_):
    return round_.team.members.current().filter(can_vote=True)


def voter_for(*, round_, user):
    """The user's current voting membership of the round's advisory team, or None."""
    if not user.is_authenticated:
        return None
    return eligible_voters(round_).filter(person__user=user).select_related("person").first()


def receipt_fingerprint(token: str) -> str:
    """What the published record lists for a secret ballot: the SHA-256 of its receipt code.
    It identifies the ballot to the one person who holds the code, and to nobody else."""
    return hashlib.sha256(normalize_receipt(token).encode()).hexdigest()


def _receipt_check(token: str, *, round_id, member_id) -> str:
    """Binds a receipt code to the member it was given to, without revealing either."""
    key = normalize_receipt(token).encode()
    return hmac.new(key, f"{round_id}:{member_id}".encode(), hashlib.sha256).hexdigest()


def receipt_is_theirs(record, token: str) -> bool:
    return bool(token and record.receipt_check) and hmac.compare_digest(
        record.receipt_check,
        _receipt_check(token, round_id=record.round_id, member_id=record.member_id),
    )


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
            if round_.secret:
                token = secrets.token_hex(10).upper()
            with transaction.atomic():
                record = VoterRecord.objects.create(
                    agency=round_.agency,
                    round=round_,
                    member=member,
                    first_voted_at=now,
                    receipt_check=_receipt_check(token, round_id=round_.pk, member_id=member.pk)
                    if token
                    else "",
                )
        except IntegrityError as error:
            raise BallotRefused(
                "Another ballot from you arrived at the same moment and was recorded; this one "
                "was not. Reload the page to see the ballot on record and change it if needed."
            ) from error
        if round_.secret:
            Ballot.objects.create(
                agency=round_.agency,
                round=round_,
                token_hash=receipt_fingerprint(token),
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
    ballot = ballot_for(round_=round_, record=record, receipt=receipt)
    if ballot is None:
        raise BallotRefused(
            "To change a secret ballot, enter the receipt code you were given when you "
            "voted. Nothing else links you to your ballot, so without it no one, admins "
            "included, can find it. Your ballot on record still counts."
        )
    fields["sector"] = member.sector
    for name, value in fields.items():
        setattr(ballot, name, value)
    ballot.save()
    record.version += 1
    record.changed_at = now
    record.save(update_fields=["version", "changed_at"])
    return record, ""


def ballot_for(*, round_, record, receipt=""):
    """The ballot behind a member's voter record, or None when it cannot be theirs.

    Named rounds: the ballot bearing the member. Secret rounds: the ballot whose receipt
    code was given to this very member (checked against the record), so a code left behind
    in a shared browser, or told to someone, never opens another member's ballot.
    """
    if record is None:
        return None
    if not round_.secret:
        return round_.ballots.filter(member_id=record.member_id).first()
    if not receipt_is_theirs(record, receipt):
        return None
    return round_.ballots.filter(token_hash=receipt_fingerprint(receipt)).first()


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
    round_._history_user = closed_by
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
