"""Police data (imported CAD/RMS exports), the import audit trail, boundaries, publication."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords


class Source(models.TextChoices):
    CALLS = "calls", "Calls for service"
    INCIDENTS = "incidents", "Incidents"


class PoliceRecordQuerySet(models.QuerySet):
    def calls(self):
        return self.filter(source=Source.CALLS)

    def incidents(self):
        return self.filter(source=Source.INCIDENTS)


class PoliceRecord(models.Model):
    """One call for service or one incident, as read from an agency's export.

    Bulk data: loaded with COPY by dashboard.importing, never saved row by row, and
    without history (the ImportJob that last touched a record is the audit trail).
    `latitude`/`longitude` are as exported and staff-only; `public_*` are snapped to
    roughly a block at import time and are the only coordinates a public page may use.
    """

    # No separate index on agency or import_job: the unique constraint starts with agency,
    # and every index slows the bulk load (jobs are audit records and are not deleted).
    agency = models.ForeignKey(
        "cs360.Agency", on_delete=models.CASCADE, related_name="police_records", db_index=False
    )
    source = models.CharField(max_length=10, choices=Source.choices)
    record_id = models.CharField(max_length=64)
    occurred_at = models.DateTimeField(null=True, blank=True)
    reported_at = models.DateTimeField(null=True, blank=True)
    initial_type = models.CharField(max_length=200, blank=True)
    final_type = models.CharField(max_length=200, blank=True)
    category = models.CharField(max_length=200, blank=True)
    offense_code = models.CharField(max_length=32, blank=True)
    domestic = models.BooleanField(null=True, blank=True)
    district = models.CharField(max_length=64, blank=True)
    beat = models.CharField(max_length=64, blank=True)
    area_code = models.CharField(max_length=100, blank=True)
    block_address = models.CharField(max_length=200, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    public_latitude = models.FloatField(null=True, blank=True)
    public_longitude = models.FloatField(null=True, blank=True)
    disposition = models.CharField(max_length=200, blank=True)
    import_job = models.ForeignKey(
        "dashboard.ImportJob",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="records",
        db_index=False,
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = PoliceRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "source", "record_id"], name="one_police_record_per_id"
            )
        ]
        indexes = [
            models.Index(fields=["agency", "occurred_at"], name="police_record_agency_time"),
            models.Index(fields=["agency", "category"], name="police_record_agency_cat"),
        ]

    def __str__(self):
        return f"{self.get_source_display()} {self.record_id}"


class ColumnMapping(models.Model):
    """How one agency's export columns map to PoliceRecord fields; saved and reused by name.

    The JSON form of `mapping` is documented in docs/police-data-import.md.
    """

    agency = models.ForeignKey(
        "cs360.Agency", on_delete=models.CASCADE, related_name="column_mappings"
    )
    name = models.CharField(max_length=100)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.INCIDENTS)
    mapping = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="one_mapping_name_per_agency")
        ]

    def __str__(self):
        return self.name


class ImportJob(models.Model):
    """One upload of an export file: its mapping, preview findings, progress and outcome."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", "Uploaded, needs a column mapping"
        PREVIEWED = "previewed", "Previewed, waiting for a decision"
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Importing"
        SUCCEEDED = "succeeded", "Imported"
        FAILED = "failed", "Failed, nothing changed"
        CANCELLED = "cancelled", "Cancelled, nothing changed"
        STOPPED = "stopped", "Stopped after preview"

    agency = models.ForeignKey("cs360.Agency", on_delete=models.CASCADE, related_name="import_jobs")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Empty for imports run by the command or the demo, which read the file where it is.
    file = models.FileField(upload_to="police-imports/%Y/%m/", max_length=300, blank=True)
    original_name = models.CharField(max_length=255)
    file_size = models.BigIntegerField(default=0)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.INCIDENTS)
    mapping = models.ForeignKey(
        ColumnMapping, null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs"
    )
    # The mapping as it was used, so a later edit of the saved mapping does not rewrite history.
    mapping_used = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.UPLOADED)
    rows_read = models.PositiveIntegerField(default=0)
    rows_inserted = models.PositiveIntegerField(default=0)
    rows_updated = models.PositiveIntegerField(default=0)
    rows_unchanged = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    bytes_read = models.BigIntegerField(default=0)
    # Findings by kind: {"kind": {"label": str, "count": int, "rejects": bool, "examples": [...]}}.
    problems = models.JSONField(default=dict, blank=True)
    # What the preview showed: the first rows as read, how much was checked, the dialect.
    preview = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    cancel_requested = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # Written every few seconds by the worker running the job (its last sign of life).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords(
        excluded_fields=["bytes_read", "rows_read", "preview", "heartbeat_at"]
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Import of {self.original_name}"

    def get_absolute_url(self):
        return reverse(
            "dashboard:import-detail", kwargs={"agency_slug": self.agency.slug, "job_id": self.pk}
        )

    @property
    def progress_percent(self) -> int:
        if self.status == self.Status.SUCCEEDED:
            return 100
        if not self.file_size:
            return 0
        return min(99, int(100 * self.bytes_read / self.file_size))

    @property
    def is_active(self) -> bool:
        return self.status in {self.Status.QUEUED, self.Status.RUNNING}

    @property
    def can_retry(self) -> bool:
        return self.status in {self.Status.FAILED, self.Status.CANCELLED} and bool(
            self.mapping_used
        )

    @property
    def waiting_long(self) -> bool:
        """Queued for over a minute: the background worker may not be running."""
        from datetime import timedelta

        from django.utils import timezone

        return (
            self.status == self.Status.QUEUED
            and self.queued_at is not None
            and timezone.now() - self.queued_at > timedelta(minutes=1)
        )

    @property
    def is_finished(self) -> bool:
        return self.status in {
            self.Status.SUCCEEDED,
            self.Status.FAILED,
            self.Status.CANCELLED,
            self.Status.STOPPED,
        }


class Boundary(models.Model):
    """One district, beat or neighborhood polygon, for choropleths.

    `join_key` is `code` normalised by dashboard.importing.area_key ("006" -> "6",
    "Gateway - Green Valley Ranch" -> "gateway-green-valley-ranch") so records join to it
    whatever padding or spelling their export used.
    """

    class Layer(models.TextChoices):
        DISTRICT = "district", "Districts"
        BEAT = "beat", "Beats"
        NEIGHBORHOOD = "neighborhood", "Neighborhoods"

    agency = models.ForeignKey("cs360.Agency", on_delete=models.CASCADE, related_name="boundaries")
    layer = models.CharField(max_length=12, choices=Layer.choices)
    code = models.CharField(max_length=100)
    name = models.CharField(max_length=200, blank=True)
    join_key = models.CharField(max_length=100)
    geometry = models.JSONField()

    history = HistoricalRecords(excluded_fields=["geometry"])

    class Meta:
        ordering = ["layer", "join_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "layer", "join_key"], name="one_boundary_per_key"
            )
        ]

    def __str__(self):
        return self.name or self.code


def default_sensitive_categories():
    return [
        "sex",
        "rape",
        "domestic",
        "juvenile",
        "child",
        "minor",
        "medical",
        "mental",
        "suicide",
        "overdose",
        "stalking",
        "human trafficking",
        "welfare check",
    ]


class PublicationSettings(models.Model):
    """What an agency publishes on its public dashboard, and the privacy rules applied."""

    agency = models.OneToOneField(
        "cs360.Agency", on_delete=models.CASCADE, related_name="publication_settings"
    )
    suppression_threshold = models.PositiveSmallIntegerField(
        default=5, help_text="Counts below this number are not shown on public pages."
    )
    sensitive_categories = ArrayField(
        models.CharField(max_length=100),
        default=default_sensitive_categories,
        blank=True,
        help_text=(
            "Words that mark a call or incident as sensitive when they appear in its initial "
            "type, final type or category (case-insensitive). Sensitive records are never shown "
            "as points or below district level."
        ),
    )
    published_categories = ArrayField(
        models.CharField(max_length=200),
        default=list,
        blank=True,
        help_text="Categories shown on the public dashboard; empty means every non-sensitive one.",
    )
    police_data_public = models.BooleanField(default=False)
    # Background map tiles for the public map; empty: a blank map with the boundaries only
    # (needs no tile server). The origin is allowed by the page's content security policy.
    map_tile_url = models.URLField(
        max_length=300,
        blank=True,
        help_text=(
            "Raster tiles, e.g. https://tiles.example.org/{z}/{x}/{y}.png (your GIS server or "
            "OpenStreetMap-compatible tiles). Leave empty for a plain map of your boundaries."
        ),
    )
    map_tile_attribution = models.CharField(
        max_length=300, blank=True, help_text="Credit shown on the map, e.g. © OpenStreetMap."
    )
    # {"<priority id>": ["CATEGORY", ...]}: the police data trend shown with each priority.
    priority_categories = models.JSONField(default=dict, blank=True)
    data_note = models.TextField(
        blank=True, help_text="What the published data does and does not include, in plain words."
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "publication settings"

    def __str__(self):
        return f"Publication settings of {self.agency}"


class CategoryDecision(models.Model):
    """How one type or category value of an agency's police data is published, as decided
    by a person (an admin) in the category review.

    `value` is an initial type, final type or category exactly as exported. A record is
    published at the strictest level of its three values; a value without a decision (never
    reviewed, e.g. first seen in the latest import) counts as "areas only". The rules live
    in dashboard.publication.
    """

    class Level(models.TextChoices):
        FULL = "full", "In full (points at block level)"
        AREAS = "areas", "Areas only (counts by district)"
        NONE = "none", "Not at all"

    agency = models.ForeignKey(
        "cs360.Agency", on_delete=models.CASCADE, related_name="category_decisions"
    )
    value = models.CharField(max_length=200)
    level = models.CharField(max_length=5, choices=Level.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["value"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "value"], name="one_decision_per_value"),
            models.CheckConstraint(
                condition=models.Q(level__in=["full", "areas", "none"]),
                name="category_decision_level_known",
            ),
        ]

    def __str__(self):
        return f"{self.value}: {self.get_level_display()}"
