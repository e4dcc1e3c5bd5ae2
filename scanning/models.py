"""Scanning and priorities: what the community said, the candidate problems drawn from it,
the advisory team's priority rounds (ballots, results, decisions) and adopted priorities.
"""

import re
import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from communitymap.models import Area
from cs360.models import Role
from scanning import tally

# --- Scanning activities and the inputs heard in them ------------------------------------


class ActivityKind(models.TextChoices):
    MEETING = "meeting", "Meeting"
    INTERVIEW = "interview", "Individual call or interview"
    FOCUS_GROUP = "focus_group", "Focus group"
    SURVEY = "survey", "Survey"
    SITE_VISIT = "site_visit", "Site visit"
    DATA_REVIEW = "data_review", "Data review"


class Theme(models.TextChoices):
    """The four CS360 scanning themes."""

    CONCERN = "concern", "Public safety concern"
    RELATIONSHIP = "relationship", "Police–community relationship"
    DATA = "data", "Data the person holds"
    IMPROVEMENT = "improvement", "Area needing improvement"


class RespondentKind(models.TextChoices):
    STUDENT = "student", "Student"
    FACULTY = "faculty", "Faculty"
    STAFF = "staff", "University or city staff"
    RESIDENT = "resident", "Resident"
    BUSINESS = "business", "Business owner"
    YOUTH = "youth", "Youth"
    PARTNER = "partner", "Partner organization"
    OFFICER = "officer", "Officer"
    OTHER = "other", "Other"


class PlaceKind(models.TextChoices):
    CAMPUS_AREA = "campus_area", "Campus area"
    NEIGHBORHOOD = "neighborhood", "Neighborhood"
    DISTRICT = "district", "District"
    CITYWIDE = "citywide", "Whole jurisdiction"


class Strength(models.IntegerChoices):
    MENTIONED = 1, "Mentioned"
    CONCERNED = 2, "Concerned"
    STRONG = 3, "Strongly felt"


# "1400 Elm Street", "22 W. Green St", "apt 4": a home address has no place in scanning.
_ADDRESS = re.compile(
    r"\b\d{1,6}\s+(?:[nsew]\.?\s+)?[a-z0-9'.-]+(?:\s+[a-z0-9'.-]+)?\s+"
    r"(?:st|street|ave|avenue|rd|road|dr|drive|ln|lane|blvd|boulevard|ct|court|way|pl|place|"
    r"ter|terrace|cir|circle)\b\.?"
    r"|\b(?:apt|apartment|unit|suite)\s*#?\s*\d+",
    re.IGNORECASE,
)


def validate_not_an_address(value: str) -> None:
    if value and _ADDRESS.search(value):
        raise ValidationError(
            "This looks like a street address. Record the area instead (a neighborhood, "
            "campus area or district): scanning never stores where someone lives."
        )


class ScanningActivityQuerySet(models.QuerySet):
    def with_input_counts(self):
        return self.annotate(input_count=Count("inputs", distinct=True))


class ScanningActivity(models.Model):
    """One occasion of listening: a meeting, a call, a focus group, a survey..."""

    agency = models.ForeignKey(
        "cs360.Agency", on_delete=models.CASCADE, related_name="scanning_activities"
    )
    kind = models.CharField(max_length=20, choices=ActivityKind.choices)
    title = models.CharField(max_length=200)
    held_on = models.DateField("date", default=timezone.localdate)
    facilitator = models.CharField("facilitated by", max_length=150, blank=True)
    place = models.CharField(
        "where", max_length=200, blank=True, help_text="A venue or “by phone”; never a home."
    )
    participant_count = models.PositiveIntegerField("how many took part", null=True, blank=True)
    organizations = models.ManyToManyField(
        "communitymap.Organization",
        blank=True,
        related_name="scanning_activities",
        verbose_name="organizations represented",
    )
    anonymous = models.BooleanField(
        default=False,
        help_text="Inputs never record who said them. Focus groups are anonymous by default.",
    )
    consent_obtained = models.BooleanField(
        "participants agreed to their input being recorded", default=False
    )
    consent_note = models.CharField(max_length=250, blank=True)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScanningActivityQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name_plural = "scanning activities"
        indexes = [models.Index(fields=["agency", "held_on"], name="activity_agency_date")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse(
            "scanning:activity-detail",
            kwargs={"agency_slug": self.agency.slug, "activity_id": self.pk},
        )


class Topic(models.Model):
    """A tag for inputs; each agency keeps its own list, seeded with common ones."""

    agency = models.ForeignKey(
        "cs360.Agency", on_delete=models.CASCADE, related_name="scanning_topics"
    )
    name = models.CharField(max_length=80)
    is_active = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                models.functions.Lower("name"), "agency", name="topic_name_unique_in_agency"
            )
        ]

    def __str__(self):
        return self.name


DEFAULT_TOPICS = [
    "Lighting",
    "Traffic and speeding",
    "Pedestrian safety",
    "Bike theft",
    "Car break-ins",
    "Burglary",
    "Drugs and overdoses",
    "Alcohol and parties",
    "Gun violence",
    "Sexual assault and harassment",
    "Mental health",
    "Homelessness",
    "Youth",
    "Noise",
    "Trust in police",
    "Response times",
    "Communication",
    "Racial profiling",
    "Graffiti and vandalism",
    "Fear of crime",
]


class InputQuerySet(models.QuerySet):
    def visible_to(self, membership):
        """Partners never see what was said at anonymous activities, only counts."""
        if membership.role >= Role.STAFF:
            return self
        return self.filter(anonymous=False)

    def publishable(self):
        return self.filter(quote_approved=True)


class Input(models.Model):
    """One concern or comment heard during a scanning activity."""

    agency = models.ForeignKey(
        "cs360.Agency", on_delete=models.CASCADE, related_name="scanning_inputs"
    )
    activity = models.ForeignKey(ScanningActivity, on_delete=models.CASCADE, related_name="inputs")
    text = models.TextField("what was said")
    theme = models.CharField(max_length=20, choices=Theme.choices, default=Theme.CONCERN)
    topics = models.ManyToManyField(Topic, blank=True, related_name="inputs")
    place_kind = models.CharField(
        "kind of place", max_length=20, choices=PlaceKind.choices, blank=True
    )
    place_name = models.CharField(
        "place", max_length=120, blank=True, validators=[validate_not_an_address]
    )
    respondent_kind = models.CharField(
        "who said it",
        max_length=20,
        choices=RespondentKind.choices,
        default=RespondentKind.RESIDENT,
    )
    respondent_name = models.CharField(max_length=150, blank=True)
    organization = models.ForeignKey(
        "communitymap.Organization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="scanning_inputs",
        help_text="The organization the person spoke for, if any.",
    )
    strength = models.PositiveSmallIntegerField(
        "how strongly felt", choices=Strength.choices, default=Strength.CONCERNED
    )
    # Copied from the activity so the database itself refuses a name on an anonymous input.
    anonymous = models.BooleanField(default=False, editable=False)
    candidate = models.ForeignKey(
        "CandidateProblem",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inputs",
    )
    quote_approved = models.BooleanField(
        "approved as a public quote",
        default=False,
        help_text="Staff checked the words name no one and may appear on public pages.",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = InputQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        indexes = [
            models.Index(fields=["agency", "candidate"], name="input_agency_candidate"),
            models.Index(fields=["activity"], name="input_activity"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(anonymous=False) | Q(respondent_name=""),
                name="anonymous_input_has_no_name",
            )
        ]

    def __str__(self):
        return self.text[:80]


# --- Candidate problems ------------------------------------------------------------------


class CandidateQuerySet(models.QuerySet):
    def open(self):
        return self.filter(merged_into__isnull=True)

    def visible_to(self, membership):
        """Staff see all; partners see candidates in rounds of teams they sit on."""
        if membership.role >= Role.STAFF:
            return self
        return self.filter(
            Exists(
                RoundCandidate.objects.filter(
                    candidate=OuterRef("pk"),
                    round__status__in=[PriorityRound.Status.OPEN, PriorityRound.Status.CLOSED],
                    round__team__members__left_on__isnull=True,
                    round__team__members__person__user=membership.user,
                )
            )
        )


class CandidateProblem(models.Model):
    """A problem specific enough to act on: behavior, people, place, time (POP)."""

    agency = models.ForeignKey(
        "cs360.Agency", on_delete=models.CASCADE, related_name="candidate_problems"
    )
    title = models.CharField(max_length=200)
    behavior = models.TextField(blank=True, help_text="What happens: the harmful behavior.")
    people = models.TextField(blank=True, help_text="Who is harmed and who is involved.")
    place = models.TextField(blank=True, help_text="Where: area, campus zone, district.")
    time = models.TextField(blank=True, help_text="When: times of day, days, seasons.")
    areas = ArrayField(
        models.CharField(max_length=20, choices=Area.choices),
        default=list,
        blank=True,
        help_text="Community Map areas whose partners could act on it.",
    )
    evidence_summary = models.TextField(
        blank=True,
        help_text="What was heard, in words advisory team partners can read. No names.",
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = CandidateQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse(
            "scanning:candidate-detail",
            kwargs={"agency_slug": self.agency.slug, "candidate_id": self.pk},
        )

    def get_areas_display(self):
        labels = dict(Area.choices)
        return [labels.get(a, a) for a in self.areas]

    @property
    def definition(self):
        parts = [
            ("Behavior", self.behavior),
            ("People", self.people),
            ("Place", self.place),
            ("Time", self.time),
        ]
        return "\n".join(f"{label}: {text}" for label, text in parts if text)


# --- Priority rounds ---------------------------------------------------------------------


class VotingMethod(models.TextChoices):
    RANKED = tally.RANKED, "Ranked choice (instant runoff)"
    SCORE = tally.SCORE, "Score on the criteria"
    DOT = tally.DOT, "Dot voting"
    APPROVAL = tally.APPROVAL, "Approval"


DEFAULT_CRITERIA = [
    ("Frequency", "How often it happens: calls, incidents, reports per month."),
    ("Seriousness and harm", "Injury, loss and fear it causes."),
    ("Community concern", "How many people raised it, and how strongly."),
    ("Equity impact", "Whether it falls harder on one group or area."),
    ("Feasibility", "Responses that work exist and could be put in place."),
    ("Partner capacity", "Community Map partners able and willing to act on it."),
    ("Data availability", "Whether success could be measured."),
]


class RoundQuerySet(models.QuerySet):
    def visible_to(self, membership):
        """Staff see every round; partners only rounds of teams they currently sit on."""
        if membership.role >= Role.STAFF:
            return self
        return self.filter(
            status__in=[PriorityRound.Status.OPEN, PriorityRound.Status.CLOSED],
            team__members__left_on__isnull=True,
            team__members__person__user=membership.user,
        ).distinct()

    def open(self):
        return self.filter(status=PriorityRound.Status.OPEN)


class PriorityRound(models.Model):
    """The public safety priority worksheet: the advisory team scores or votes on candidates.

    Settings are chosen while the round is a draft and locked when voting opens (the
    services refuse changes; a database trigger refuses any change to a closed round).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Voting open"
        CLOSED = "closed", "Closed"

    agency = models.ForeignKey(
        "cs360.Agency", on_delete=models.CASCADE, related_name="priority_rounds"
    )
    team = models.ForeignKey(
        "teams.Team",
        on_delete=models.PROTECT,
        related_name="priority_rounds",
        help_text="The advisory team whose voting members vote.",
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    method = models.CharField(
        "voting method", max_length=10, choices=VotingMethod.choices, default=VotingMethod.RANKED
    )
    dots_per_voter = models.PositiveSmallIntegerField(
        "dots per member", default=5, help_text="Dot voting only."
    )
    secret = models.BooleanField(
        "secret ballot",
        default=True,
        help_text="No one, admins included, can see how anyone voted. While voting is open "
        "only the number of ballots shows, and results stay hidden until close.",
    )
    hide_results_until_close = models.BooleanField(default=True)
    quorum = models.PositiveSmallIntegerField(
        default=0, help_text="Ballots needed for the result to stand (0 = none)."
    )
    closes_at = models.DateTimeField("voting closes")
    reason_required = models.BooleanField("a reason is required with each ballot", default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = RoundQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(method=tally.DOT) | Q(dots_per_voter__gte=1),
                name="dot_round_has_dots",
            ),
            # A running tally of a secret round, read after each vote, tells who voted how.
            models.CheckConstraint(
                condition=Q(secret=False) | Q(hide_results_until_close=True) | Q(status="closed"),
                name="secret_round_hides_results",
                violation_error_message="A secret round always hides its results until it "
                "closes: a running tally, read after each vote, would show how each member voted.",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse(
            "scanning:round-detail", kwargs={"agency_slug": self.agency.slug, "round_id": self.pk}
        )

    @property
    def is_open(self):
        return self.status == self.Status.OPEN and self.closes_at > timezone.now()

    @property
    def is_closed(self):
        return self.status == self.Status.CLOSED

    @property
    def results_visible(self):
        return self.is_closed or (
            self.status == self.Status.OPEN and not self.hide_results_until_close
        )


class Criterion(models.Model):
    agency = models.ForeignKey(
        "cs360.Agency", on_delete=models.CASCADE, related_name="priority_criteria"
    )
    round = models.ForeignKey(PriorityRound, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(max_length=80)
    description = models.CharField(max_length=250, blank=True)
    weight = models.DecimalField(max_digits=4, decimal_places=1, default=1)
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gte=0), name="criterion_weight_not_negative")
        ]

    def __str__(self):
        return self.name


class RoundCandidate(models.Model):
    agency = models.ForeignKey(
        "cs360.Agency", on_delete=models.CASCADE, related_name="round_candidates"
    )
    round = models.ForeignKey(PriorityRound, on_delete=models.CASCADE, related_name="entries")
    candidate = models.ForeignKey(
        CandidateProblem, on_delete=models.PROTECT, related_name="round_entries"
    )
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "candidate"], name="candidate_once_per_round")
        ]

    def __str__(self):
        return f"{self.candidate} in {self.round}"


class VoterRecord(models.Model):
    """That a member has voted in a round, and when; never how.

    One per (round, member), guaranteed by the database even when two ballots arrive at
    the same moment. `version` counts changes, so a stale form cannot overwrite a newer
    ballot.
    """

    agency = models.ForeignKey(
        "cs360.Agency", on_delete=models.CASCADE, related_name="voter_records"
    )
    round = models.ForeignKey(PriorityRound, on_delete=models.CASCADE, related_name="voters")
    member = models.ForeignKey(
        "teams.TeamMember", on_delete=models.PROTECT, related_name="voter_records"
    )
    first_voted_at = models.DateTimeField(default=timezone.now)
    changed_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)
    # Secret rounds: HMAC of (round, member) keyed with the voter's receipt code. Binds the
    # code to this member (nobody else can use it to change the ballot) and, without the
    # code, says nothing about which ballot is theirs.
    receipt_check = models.CharField(max_length=64, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["receipt_check"])

    class Meta:
        ordering = ["first_voted_at"]
        constraints = [
            models.UniqueConstraint(fields=["round", "member"], name="one_voter_record_per_member")
        ]

    def __str__(self):
        return f"{self.member} voted in {self.round}"


class Ballot(models.Model):
    """How one member voted.

    In a named round `member` is set. In a secret round it is empty, and nothing else links
    the ballot to its voter: a random primary key (no insertion order), no timestamps, no
    row history, and the only key back is the hash of a receipt code the voter alone holds
    (docs/voting.md, "Secret ballots"). `sector` is kept so results can show dissent by
    sector; sectors with a single voter are not broken out in secret rounds.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agency = models.ForeignKey("cs360.Agency", on_delete=models.CASCADE, related_name="ballots")
    round = models.ForeignKey(PriorityRound, on_delete=models.CASCADE, related_name="ballots")
    member = models.ForeignKey(
        "teams.TeamMember",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="named_ballots",
    )
    token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    sector = models.CharField(max_length=12)
    ranking = models.JSONField(default=list, blank=True)
    scores = models.JSONField(default=dict, blank=True)
    dots = models.JSONField(default=dict, blank=True)
    approvals = models.JSONField(default=list, blank=True)
    recusals = models.JSONField(default=list, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "member"],
                condition=Q(member__isnull=False),
                name="one_named_ballot_per_member",
            ),
            models.CheckConstraint(
                condition=Q(member__isnull=True, token_hash__isnull=False)
                | Q(member__isnull=False, token_hash__isnull=True),
                name="ballot_is_named_or_secret",
            ),
        ]

    def __str__(self):
        return f"Ballot in {self.round_id}"

    def as_data(self) -> tally.BallotData:
        return tally.BallotData(
            sector=self.sector,
            ranking=[int(c) for c in self.ranking],
            scores={
                int(c): {int(k): int(v) for k, v in by.items()} for c, by in self.scores.items()
            },
            dots={int(c): int(n) for c, n in self.dots.items()},
            approvals={int(c) for c in self.approvals},
            recusals={int(c) for c in self.recusals},
        )


class BallotReminder(models.Model):
    """An e-mail reminding a member who had not voted; keeps the reminders idempotent."""

    class Trigger(models.TextChoices):
        CLOSING_SOON = "closing_soon", "Closing soon (automatic)"
        STAFF = "staff", "Sent by staff"

    agency = models.ForeignKey(
        "cs360.Agency", on_delete=models.CASCADE, related_name="ballot_reminders"
    )
    round = models.ForeignKey(PriorityRound, on_delete=models.CASCADE, related_name="reminders")
    member = models.ForeignKey("teams.TeamMember", on_delete=models.CASCADE, related_name="+")
    trigger = models.CharField(max_length=20, choices=Trigger.choices)
    sent_at = models.DateTimeField(default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "member"],
                condition=Q(trigger="closing_soon"),
                name="one_automatic_reminder_per_member",
            )
        ]

    def __str__(self):
        return f"Reminder to {self.member_id} about {self.round_id}"


# --- Decisions and adopted priorities ----------------------------------------------------


class Decision(models.Model):
    """What the advisory team decided when a round closed. Never edited: an amendment is a
    new Decision pointing at the one it amends (a database trigger refuses updates)."""

    agency = models.ForeignKey(
        "cs360.Agency", on_delete=models.CASCADE, related_name="priority_decisions"
    )
    round = models.ForeignKey(PriorityRound, on_delete=models.PROTECT, related_name="decisions")
    amends = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="amendments"
    )
    rationale = models.TextField()
    dissent_notes = models.TextField(blank=True)
    quorum_met = models.BooleanField(default=True)
    ballots_counted = models.PositiveIntegerField(default=0)
    results_snapshot = models.JSONField(default=dict, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["decided_at", "pk"]

    def __str__(self):
        kind = "Amendment" if self.amends_id else "Decision"
        return f"{kind} on {self.round}"


class PriorityQuerySet(models.QuerySet):
    def active(self):
        return self.filter(withdrawn_by__isnull=True)

    def public(self):
        return self.active().filter(is_public=True).exclude(public_summary="")


class Priority(models.Model):
    """An adopted public safety priority, and the problem-solving team working on it."""

    agency = models.ForeignKey("cs360.Agency", on_delete=models.CASCADE, related_name="priorities")
    title = models.CharField(max_length=200)
    definition = models.TextField(blank=True)
    candidate = models.ForeignKey(
        CandidateProblem,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="priorities",
    )
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="adopted")
    withdrawn_by = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="withdrawn"
    )
    rank = models.PositiveSmallIntegerField(null=True, blank=True)
    team = models.OneToOneField(
        "teams.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="priority",
        help_text="The problem-solving team working on it.",
    )
    is_public = models.BooleanField("shown on the public dashboard", default=False)
    public_summary = models.TextField(
        blank=True, help_text="Staff-approved text for the public dashboard. No names."
    )
    adopted_on = models.DateField(default=timezone.localdate)

    objects = PriorityQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["rank", "title"]
        verbose_name_plural = "priorities"

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse(
            "scanning:priority-detail",
            kwargs={"agency_slug": self.agency.slug, "priority_id": self.pk},
        )
