"""Teams: the advisory team and problem-solving teams (PSTs), their rosters, goals,
success metrics and readings, meetings and action items, and the SARA record of each PST.
"""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cs360.models import Role

# A reading counts as late this many days after the cadence says the next one was due.
READING_GRACE_DAYS = 7
# A monthly team with no meeting in this many days is flagged (CS360: monthly PST meetings).
MEETING_GRACE_DAYS = 5


class Cadence(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    YEARLY = "yearly", "Yearly"


CADENCE_DAYS = {
    Cadence.WEEKLY: 7,
    Cadence.MONTHLY: 30,
    Cadence.QUARTERLY: 91,
    Cadence.YEARLY: 365,
}


def _cadence_deadline(date_expr, extra_days):
    """A database expression: `date_expr` plus the cadence period plus `extra_days`."""
    return models.Case(
        *[
            models.When(cadence=value, then=date_expr + timedelta(days=days + extra_days))
            for value, days in CADENCE_DAYS.items()
        ],
        output_field=models.DateField(),
    )


def plain_number(value) -> str:
    """12.700 -> "12.7", 10.000 -> "10": no trailing zeros and never an exponent."""
    if value is None:
        return ""
    return f"{Decimal(value).normalize():f}"


# --- Teams and rosters -------------------------------------------------------------------


class TeamQuerySet(models.QuerySet):
    def visible_to(self, membership):
        """Staff and admins see every team of the agency; partners only the teams they are on."""
        if membership.role >= Role.STAFF:
            return self
        return self.filter(
            Exists(
                TeamMember.objects.current().filter(
                    team=OuterRef("pk"), person__user=membership.user
                )
            )
        )

    def with_last_meeting(self):
        return self.annotate(last_meeting_on=models.Max("meetings__held_on"))

    def meeting_overdue(self, today=None):
        """Active teams whose last meeting (or start, if none yet) is older than cadence allows."""
        today = today or timezone.localdate()
        return (
            self.filter(status=Team.Status.ACTIVE)
            .with_last_meeting()
            .annotate(
                meeting_due_by=_cadence_deadline(
                    models.functions.Coalesce(
                        F("last_meeting_on"), models.functions.TruncDate("created_at")
                    ),
                    MEETING_GRACE_DAYS,
                )
            )
            .filter(meeting_due_by__lt=today)
        )


class Team(models.Model):
    class Kind(models.TextChoices):
        ADVISORY = "advisory", "Advisory team"
        PROBLEM_SOLVING = "pst", "Problem-solving team"

    class Status(models.TextChoices):
        FORMING = "forming", "Forming"
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        CLOSED = "closed", "Closed"

    agency = models.ForeignKey("cs360.Agency", on_delete=models.CASCADE, related_name="teams")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PROBLEM_SOLVING)
    name = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.FORMING)
    purpose = models.TextField(blank=True, help_text="Why the team exists, in a sentence or two.")
    scope = models.TextField(
        blank=True, help_text="What the team works on and what it leaves to others."
    )
    decision_rules = models.TextField(
        blank=True, help_text="How the team decides: quorum, consensus or vote, who votes."
    )
    cadence = models.CharField(
        "meeting cadence", max_length=10, choices=Cadence.choices, default=Cadence.MONTHLY
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = TeamQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="team_name_unique_in_agency")
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse(
            "teams:team-detail", kwargs={"agency_slug": self.agency.slug, "team_id": self.pk}
        )

    @property
    def is_advisory(self):
        return self.kind == self.Kind.ADVISORY

    @property
    def cadence_days(self):
        return CADENCE_DAYS[self.cadence]

    def meeting_is_overdue(self, last_meeting_on, today=None):
        """Same rule as TeamQuerySet.meeting_overdue, for a team already loaded."""
        today = today or timezone.localdate()
        since = last_meeting_on or timezone.localtime(self.created_at).date()
        return self.status == self.Status.ACTIVE and today > since + timedelta(
            days=self.cadence_days + MEETING_GRACE_DAYS
        )


class TeamMemberQuerySet(models.QuerySet):
    def current(self):
        return self.filter(left_on__isnull=True)


class TeamMember(models.Model):
    class Sector(models.TextChoices):
        POLICE = "police", "Police"
        COMMUNITY = "community", "Community"
        GOVERNMENT = "government", "Government"
        OTHER = "other", "Other"

    class TeamRole(models.TextChoices):
        CO_CHAIR = "co_chair", "Co-chair"
        LEAD = "lead", "Lead"
        CRIME_ANALYST = "crime_analyst", "Crime analyst"
        FACILITATOR = "facilitator", "Facilitator"
        MEMBER = "member", "Member"

    agency = models.ForeignKey(
        "cs360.Agency", on_delete=models.CASCADE, related_name="team_members"
    )
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(
        "communitymap.Person", on_delete=models.PROTECT, related_name="team_memberships"
    )
    sector = models.CharField(max_length=12, choices=Sector.choices)
    sector_was_set = models.BooleanField(
        default=False, help_text="Chosen by hand rather than derived from the organization."
    )
    role = models.CharField(max_length=16, choices=TeamRole.choices, default=TeamRole.MEMBER)
    can_vote = models.BooleanField("voting member", default=False)
    joined_on = models.DateField(default=timezone.localdate)
    left_on = models.DateField(null=True, blank=True)

    objects = TeamMemberQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["left_on", "role", "person__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "person"],
                condition=Q(left_on__isnull=True),
                name="one_current_membership_per_person_and_team",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                name="member_leaves_after_joining",
            ),
        ]

    def __str__(self):
        return f"{self.person} on {self.team}"

    @property
    def is_current(self):
        return self.left_on is None


# --- Goals, metrics, readings -----------------------------------------------------------


class Goal(models.Model):
    agency = models.ForeignKey("cs360.Agency", on_delete=models.CASCADE, related_name="goals")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="goals")
    statement = models.TextField(
        help_text="Clear and specific: what will change, for whom, where, by when."
    )
    deadline = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["deadline", "pk"]

    def __str__(self):
        return self.statement[:80]


class MetricQuerySet(models.QuerySet):
    def with_latest(self):
        """Annotate the latest reading (value and date) and the number of readings."""
        latest = Reading.objects.filter(metric=OuterRef("pk")).order_by("-taken_on")
        return self.annotate(
            latest_value=Subquery(latest.values("value")[:1]),
            latest_taken_on=Subquery(latest.values("taken_on")[:1]),
            reading_count=Subquery(
                Reading.objects.filter(metric=OuterRef("pk"))
                .values("metric")
                .annotate(n=models.Count("pk"))
                .values("n")[:1]
            ),
        )

    def overdue(self, today=None):
        """Metrics of active teams whose next reading is late for their cadence."""
        today = today or timezone.localdate()
        return (
            self.filter(team__status=Team.Status.ACTIVE)
            .with_latest()
            .annotate(
                reading_due_by=_cadence_deadline(
                    models.functions.Coalesce(F("latest_taken_on"), F("baseline_date")),
                    READING_GRACE_DAYS,
                )
            )
            .filter(reading_due_by__lt=today)
        )


class Metric(models.Model):
    class Direction(models.TextChoices):
        UP = "up", "Higher is better"
        DOWN = "down", "Lower is better"

    class Kind(models.TextChoices):
        OUTPUT = "output", "Output (what we do)"
        OUTCOME = "outcome", "Outcome (what changes)"

    class Source(models.TextChoices):
        DEPARTMENT = "department", "Department data"
        PARTNER = "partner", "A partner organization"

    agency = models.ForeignKey("cs360.Agency", on_delete=models.CASCADE, related_name="metrics")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="metrics")
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="metrics")
    catalogue_key = models.CharField(max_length=40, blank=True)
    name = models.CharField(max_length=200)
    definition = models.TextField(help_text="Exactly what is counted or measured, and how.")
    unit = models.CharField(max_length=60, help_text="e.g. incidents per month, % satisfied")
    direction = models.CharField(max_length=4, choices=Direction.choices, default=Direction.DOWN)
    baseline_value = models.DecimalField(max_digits=14, decimal_places=3)
    baseline_period = models.CharField(
        max_length=100, help_text="e.g. monthly average, January to December 2025"
    )
    baseline_date = models.DateField(help_text="The end of the baseline period.")
    target_value = models.DecimalField(max_digits=14, decimal_places=3)
    target_date = models.DateField()
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.DEPARTMENT)
    source_organization = models.ForeignKey(
        "communitymap.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="provided_metrics",
    )
    cadence = models.CharField(max_length=10, choices=Cadence.choices, default=Cadence.MONTHLY)
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.OUTCOME)
    is_crime_count = models.BooleanField(
        "counts crimes or calls",
        default=False,
        help_text="Tick for counts of reported crime, incidents or calls for service.",
    )
    is_public = models.BooleanField(
        "show on the public dashboard", default=False, help_text="Aggregate values only."
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = MetricQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["goal_id", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_date__gt=F("baseline_date")),
                name="metric_target_after_baseline",
            ),
            models.CheckConstraint(
                condition=Q(source="department") | Q(source_organization__isnull=False),
                name="metric_partner_source_names_organization",
            ),
            models.CheckConstraint(
                condition=~Q(target_value=F("baseline_value")),
                name="metric_target_differs_from_baseline",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse(
            "teams:metric-detail",
            kwargs={
                "agency_slug": self.agency.slug,
                "team_id": self.team_id,
                "metric_id": self.pk,
            },
        )

    @property
    def baseline_display(self):
        return plain_number(self.baseline_value)

    @property
    def target_display(self):
        return plain_number(self.target_value)

    @property
    def latest_display(self):
        return plain_number(getattr(self, "latest_value", None))

    def progress_for(self, value):
        """Share of the way from baseline to target (0 = baseline, 1 = target reached).

        Negative when the value moved the wrong way for the metric's direction.
        """
        if value is None:
            return None
        span = Decimal(self.target_value) - Decimal(self.baseline_value)
        if not span:
            return None
        return float((Decimal(value) - Decimal(self.baseline_value)) / span)

    @property
    def progress(self):
        """Progress of the latest reading; needs `.with_latest()`."""
        return self.progress_for(getattr(self, "latest_value", None))

    @property
    def progress_percent(self):
        progress = self.progress
        return None if progress is None else round(progress * 100)

    @property
    def progress_bar_percent(self):
        percent = self.progress_percent
        return None if percent is None else max(0, min(100, percent))

    @property
    def cadence_days(self):
        return CADENCE_DAYS[self.cadence]

    def next_reading_due(self):
        last = getattr(self, "latest_taken_on", None) or self.baseline_date
        return last + timedelta(days=self.cadence_days)

    def is_overdue(self, today=None):
        today = today or timezone.localdate()
        return (
            self.team.status == Team.Status.ACTIVE
            and today > self.next_reading_due() + timedelta(days=READING_GRACE_DAYS)
        )


class Reading(models.Model):
    """One value of a metric at a date."""

    agency = models.ForeignKey("cs360.Agency", on_delete=models.CASCADE, related_name="readings")
    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="readings")
    value = models.DecimalField(max_digits=14, decimal_places=3)
    taken_on = models.DateField("date")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source_note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["taken_on"]
        constraints = [
            models.UniqueConstraint(fields=["metric", "taken_on"], name="one_reading_per_day")
        ]
        indexes = [models.Index(fields=["metric", "-taken_on"], name="reading_latest_idx")]

    def __str__(self):
        return f"{self.metric}: {self.value_display} on {self.taken_on}"

    @property
    def value_display(self):
        return plain_number(self.value)


# --- Meetings and action items ----------------------------------------------------------


class Meeting(models.Model):
    agency = models.ForeignKey("cs360.Agency", on_delete=models.CASCADE, related_name="meetings")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField("date")
    location = models.CharField(max_length=200, blank=True)
    agenda = models.TextField(blank=True)
    attendees = models.ManyToManyField(TeamMember, blank=True, related_name="meetings_attended")
    minutes = models.TextField(blank=True)
    decisions = models.TextField(blank=True, help_text="One decision per line.")
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords(m2m_fields=[attendees])

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return f"{self.team} meeting, {self.held_on:%d %b %Y}"

    def get_absolute_url(self):
        return reverse(
            "teams:meeting-detail",
            kwargs={
                "agency_slug": self.agency.slug,
                "team_id": self.team_id,
                "meeting_id": self.pk,
            },
        )

    @property
    def decision_lines(self):
        return [line.strip() for line in self.decisions.splitlines() if line.strip()]


class ActionItemQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=[ActionItem.Status.OPEN, ActionItem.Status.IN_PROGRESS])

    def overdue(self, today=None):
        return self.open().filter(due_on__lt=today or timezone.localdate())


class ActionItem(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        DROPPED = "dropped", "Dropped"

    agency = models.ForeignKey(
        "cs360.Agency", on_delete=models.CASCADE, related_name="action_items"
    )
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="action_items")
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="action_items"
    )
    description = models.CharField(max_length=300)
    owner = models.ForeignKey(
        "communitymap.Person", on_delete=models.PROTECT, related_name="action_items"
    )
    owner_organization = models.ForeignKey(
        "communitymap.Organization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="action_items",
    )
    due_on = models.DateField("due date")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    completed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ActionItemQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self):
        return self.description

    @property
    def is_open(self):
        return self.status in {self.Status.OPEN, self.Status.IN_PROGRESS}

    def is_overdue(self, today=None):
        return self.is_open and self.due_on < (today or timezone.localdate())


# --- SARA record ------------------------------------------------------------------------


class SaraRecord(models.Model):
    """The problem-solving record of one PST: Scanning, Analysis, Response, Assessment."""

    class Stage(models.TextChoices):
        SCANNING = "scanning", "Scanning"
        ANALYSIS = "analysis", "Analysis"
        RESPONSE = "response", "Response"
        ASSESSMENT = "assessment", "Assessment"

    class ProblemType(models.TextChoices):
        UNKNOWN = "", "Not decided yet"
        WOLF = "wolf", "Wolf: repeat offenders (handlers fail)"
        DUCK = "duck", "Duck: repeat victims (guardians fail)"
        DEN = "den", "Den: repeat places (managers fail)"

    agency = models.ForeignKey(
        "cs360.Agency", on_delete=models.CASCADE, related_name="sara_records"
    )
    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="sara")
    stage = models.CharField(max_length=12, choices=Stage.choices, default=Stage.SCANNING)
    problem_statement = models.TextField(
        blank=True, help_text="Behavior, people, place and time, as specifically as possible."
    )
    scanning_summary = models.TextField(
        blank=True,
        help_text="How the problem came to attention, who is affected, how often, the harm.",
    )
    offender = models.TextField(blank=True)
    victim = models.TextField("victim or target", blank=True)
    place = models.TextField(blank=True)
    handler = models.TextField(blank=True, help_text="Who can control the offenders.")
    guardian = models.TextField(blank=True, help_text="Who can protect the victims or targets.")
    manager = models.TextField(blank=True, help_text="Who controls the places.")
    problem_type = models.CharField(
        max_length=6, choices=ProblemType.choices, blank=True, default=""
    )
    hypotheses = models.TextField(blank=True, help_text="One hypothesis per line.")
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    TRIANGLE_FIELDS = ["offender", "victim", "place", "handler", "guardian", "manager"]

    def __str__(self):
        return f"SARA record of {self.team}"

    @property
    def analysis_complete(self):
        return all(getattr(self, name).strip() for name in self.TRIANGLE_FIELDS) and bool(
            self.hypotheses.strip()
        )

    @property
    def hypothesis_lines(self):
        return [line.strip() for line in self.hypotheses.splitlines() if line.strip()]


class SaraResponse(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        UNDER_WAY = "under_way", "Under way"
        COMPLETED = "completed", "Completed"
        STOPPED = "stopped", "Stopped"

    agency = models.ForeignKey(
        "cs360.Agency", on_delete=models.CASCADE, related_name="sara_responses"
    )
    record = models.ForeignKey(SaraRecord, on_delete=models.CASCADE, related_name="responses")
    strategy = models.TextField()
    owner_organization = models.ForeignKey(
        "communitymap.Organization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sara_responses",
    )
    started_on = models.DateField("start date", null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["started_on", "pk"]

    def __str__(self):
        return self.strategy[:80]


CHECKPOINT_DAYS = (30, 90, 180)


class AssessmentCheckpoint(models.Model):
    class Decision(models.TextChoices):
        PENDING = "", "Not decided yet"
        CONTINUE = "continue", "Continue"
        MODIFY = "modify", "Modify"
        CLOSE = "close", "Close"

    agency = models.ForeignKey(
        "cs360.Agency", on_delete=models.CASCADE, related_name="assessment_checkpoints"
    )
    response = models.ForeignKey(SaraResponse, on_delete=models.CASCADE, related_name="checkpoints")
    days_after_start = models.PositiveSmallIntegerField()
    due_on = models.DateField()
    findings = models.TextField(blank=True)
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True, default="")
    decided_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "days_after_start"], name="one_checkpoint_per_offset"
            )
        ]

    def __str__(self):
        return f"{self.days_after_start}-day check of {self.response}"
