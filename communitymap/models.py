"""The Community Map: who has a stake in public safety, across six areas and three kinds of partner.

The department keeps its relationship with an organization, not with one person: people come
and go through affiliations with a start and an end date, so a student leader who graduates
leaves the organization on the map, flagged as needing a new contact.
"""

import math
import re
import unicodedata
from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Count, Exists, F, Func, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

# How far ahead an ending representative already counts as gone.
ENDING_SOON_DAYS = 30


class Area(models.TextChoices):
    EDUCATION = "education", "Education and youth services"
    HEALTH = "health", "Health"
    JUSTICE = "justice", "Justice and crime"
    HOUSING = "housing", "Housing"
    LABOR = "labor", "Labor and economic development"
    PUBLIC_WORKS = "public_works", "Public works and traffic"


class PartnerType(models.TextChoices):
    COMMUNITY = "community", "Community group"
    NGO = "ngo", "National NGO chapter or affiliate"
    GOVERNMENT = "government", "Government agency or service"
    BUSINESS = "business", "Business"
    INFORMAL = "informal", "Informal group or leader"


# The worksheet's three columns.
WORKSHEET_TYPES = [PartnerType.COMMUNITY, PartnerType.NGO, PartnerType.GOVERNMENT]


class Stance(models.TextChoices):
    SUPPORTER = "supporter", "Supporter"
    NEUTRAL = "neutral", "Neutral"
    CRITIC = "critic", "Critic"
    UNKNOWN = "unknown", "Unknown"


class RelationshipStatus(models.TextChoices):
    IDENTIFIED = "identified", "Identified"
    CONTACTED = "contacted", "Contacted"
    ENGAGED = "engaged", "Engaged"
    ADVISORY_TEAM = "advisory_team", "On the advisory team"
    PST = "pst", "On a problem-solving team"
    DECLINED = "declined", "Declined"
    INACTIVE = "inactive", "Inactive"


# Statuses that count as "an engaged partner" for the worksheet's gap check.
ENGAGED_STATUSES = [
    RelationshipStatus.ENGAGED,
    RelationshipStatus.ADVISORY_TEAM,
    RelationshipStatus.PST,
]


class Geography(models.TextChoices):
    CAMPUS = "campus", "Campus"
    CITY = "city", "Surrounding city"
    BOTH = "both", "Campus and city"
    NEIGHBORHOODS = "neighborhoods", "Named neighborhoods"
    REGION = "region", "County or region"


_CHAPTER_SUFFIX = re.compile(
    r"\s+(?:(?:local\s+)?chapter|branch|affiliate|local\s+\d+|unit\s+\d+|"
    r"chapter\s+\d+|of\s+riverton|at\s+state\s+university)$"
)
_LEGAL_SUFFIX = re.compile(r"\s+(?:inc|incorporated|llc|ltd|co|corp|corporation|org)$")


def normalize_name(name: str) -> str:
    """The key two names share when they are probably the same organization.

    Case, accents, punctuation, "&"/"and", a leading "the", legal suffixes ("Inc.") and
    chapter suffixes ("... Chapter", "... Branch") are ignored.
    """
    text = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().lower()
    text = text.replace("&", " and ")
    # "N.A.A.C.P." and "Employees'" lose their marks without splitting the word.
    text = re.sub(r"[.'\u2019]", "", text)
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    text = re.sub(r"^the\s+", "", text)
    for _ in range(2):
        text = _LEGAL_SUFFIX.sub("", text)
        text = _CHAPTER_SUFFIX.sub("", text)
    return re.sub(r"\s+", " ", text).strip()


def trigrams(text: str) -> list[str]:
    """Three-letter pieces of each word, padded like PostgreSQL's pg_trgm does.

    pg_trgm is not part of the embedded PostgreSQL this project ships with, so names keep
    their own trigrams in an array column; array overlap (&&) is GIN-indexed in core
    PostgreSQL, which gives the same typo tolerance on any server.
    """
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    grams = set()
    for word in re.findall(r"[a-z0-9]+", text):
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return sorted(grams)


# Share of a search's trigrams a name must contain to count as a match despite typos.
MATCH_THRESHOLD = 0.6
_LETTERS_BY_FREQUENCY = " etaoinshrdlcumwfgypbvkjxqz0123456789"


def _commonness(gram: str) -> int:
    """Rough frequency of a trigram in names, from English letter frequencies."""
    return sum(
        len(_LETTERS_BY_FREQUENCY) - _LETTERS_BY_FREQUENCY.find(ch)
        if ch in _LETTERS_BY_FREQUENCY
        else 0
        for ch in gram
    )


def _today():
    return timezone.localdate()


class AffiliationQuerySet(models.QuerySet):
    def current(self, on=None):
        """Affiliations running on the given day (today by default)."""
        day = on or _today()
        return self.filter(
            Q(start_date__isnull=True) | Q(start_date__lte=day),
            Q(end_date__isnull=True) | Q(end_date__gte=day),
        )

    def lasting(self, on=None):
        """Current affiliations that do not end within the next ENDING_SOON_DAYS days."""
        day = on or _today()
        return self.current(day).filter(
            Q(end_date__isnull=True) | Q(end_date__gt=day + timedelta(days=ENDING_SOON_DAYS))
        )

    def ending_soon(self, on=None):
        day = on or _today()
        return self.current(day).filter(end_date__lte=day + timedelta(days=ENDING_SOON_DAYS))


class OrganizationQuerySet(models.QuerySet):
    def with_contact_flags(self, on=None):
        """Annotate `has_contacts` (anyone ever affiliated) and `needs_new_contact`.

        An organization needs a new contact when it has had representatives but none of
        them will still be current in ENDING_SOON_DAYS days.
        """
        affiliations = Affiliation.objects.filter(organization=OuterRef("pk"))
        return self.annotate(
            has_contacts=Exists(affiliations),
            has_lasting_contact=Exists(affiliations.lasting(on)),
        ).annotate(
            needs_new_contact=models.ExpressionWrapper(
                Q(has_contacts=True) & Q(has_lasting_contact=False),
                output_field=models.BooleanField(),
            )
        )

    def needing_new_contact(self, on=None):
        affiliations = Affiliation.objects.filter(organization=OuterRef("pk"))
        return self.filter(Exists(affiliations)).exclude(Exists(affiliations.lasting(on)))

    def cell_counts(self, on=None):
        """One row per (area, partner type) with counts of organizations, supporters,
        critics, engaged partners and those needing a new contact; aggregated in SQL."""
        return (
            self.with_contact_flags(on)
            .annotate(area=Func(F("areas"), function="unnest", output_field=models.CharField()))
            .values("area", "partner_type")
            .annotate(
                total=Count("pk"),
                supporters=Count("pk", filter=Q(stance=Stance.SUPPORTER)),
                critics=Count("pk", filter=Q(stance=Stance.CRITIC)),
                engaged=Count("pk", filter=Q(status__in=ENGAGED_STATUSES)),
                needing_contact=Count("pk", filter=Q(has_contacts=True, has_lasting_contact=False)),
            )
            .order_by()
        )

    def search(self, text):
        """Names containing `text`, or sharing most of its trigrams (small typos), best first."""
        text = (text or "").strip()
        grams = trigrams(text)
        if not grams:
            found = self.filter(name__icontains=text) if text else self
            return found.annotate(match_score=models.Value(1.0))
        score = RawSQL(
            "cardinality(ARRAY(SELECT unnest(communitymap_organization.name_trigrams) "
            "INTERSECT SELECT unnest(%s::varchar[])))::float / %s",
            (grams, len(grams)),
            output_field=models.FloatField(),
        )
        # A name sharing at least `needed` of the query's trigrams misses at most
        # len - needed of them, so it must contain one of any len - needed + 1 of them:
        # the rarest few make a selective index condition before any scoring.
        needed = math.ceil(MATCH_THRESHOLD * len(grams))
        rare = sorted(grams, key=_commonness)[: len(grams) - needed + 1]
        return (
            self.filter(Q(name__icontains=text) | Q(name_trigrams__overlap=rare))
            .annotate(match_score=score)
            .filter(Q(name__icontains=text) | Q(match_score__gte=MATCH_THRESHOLD))
        )

    def with_current_representatives(self):
        """Prefetch each organization's current affiliations, with the person, as
        `current_representatives`."""
        return self.prefetch_related(
            models.Prefetch(
                "affiliations",
                queryset=Affiliation.objects.current()
                .select_related("person")
                .order_by("end_date", "person__full_name"),
                to_attr="current_representatives",
            )
        )

    def without_contacts(self):
        return self.exclude(Exists(Affiliation.objects.filter(organization=OuterRef("pk"))))

    def in_cell(self, area, partner_type):
        return self.filter(areas__contains=[area], partner_type=partner_type)

    def follow_up_due(self, on=None):
        return self.filter(next_follow_up__lte=on or _today())


class Organization(models.Model):
    agency = models.ForeignKey(
        "cs360.Agency", on_delete=models.CASCADE, related_name="organizations"
    )
    name = models.CharField(max_length=200)
    # Kept in step with `name` by the services, for duplicate detection by an index.
    normalized_name = models.CharField(max_length=200, editable=False, db_index=True)
    # The name's trigrams, for typo-tolerant search through a GIN index (see trigrams()).
    name_trigrams = ArrayField(models.CharField(max_length=3), default=list, editable=False)
    partner_type = models.CharField(
        max_length=20, choices=PartnerType.choices, default=PartnerType.COMMUNITY
    )
    parent_organization = models.CharField(
        "parent national organization",
        max_length=200,
        blank=True,
        help_text="For chapters and affiliates, e.g. “NAACP” or “Boys & Girls Clubs of America”.",
    )
    areas = ArrayField(
        models.CharField(max_length=20, choices=Area.choices),
        default=list,
        help_text="One or more of the six areas.",
    )
    constituency = models.CharField(
        max_length=200,
        blank=True,
        help_text="Whom it speaks for, e.g. students, faculty, residents, businesses, youth.",
    )
    geography = models.CharField(max_length=20, choices=Geography.choices, blank=True)
    neighborhoods = models.CharField(
        max_length=200, blank=True, help_text="Named neighborhoods or buildings it covers."
    )
    email = models.EmailField("general e-mail", blank=True)
    phone = models.CharField("general phone", max_length=40, blank=True)
    address = models.CharField(max_length=250, blank=True)
    website = models.URLField(blank=True)
    social_media = models.CharField(max_length=250, blank=True)
    data_holdings = models.TextField(
        "data it holds",
        blank=True,
        help_text="What data it keeps that could help, e.g. counseling visits, code complaints.",
    )
    notes = models.TextField(blank=True)
    stance = models.CharField(max_length=20, choices=Stance.choices, default=Stance.UNKNOWN)
    status = models.CharField(
        "relationship status",
        max_length=20,
        choices=RelationshipStatus.choices,
        default=RelationshipStatus.IDENTIFIED,
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_organizations",
        help_text="The staff member who owns the relationship.",
    )
    next_follow_up = models.DateField("next follow-up", null=True, blank=True)
    recommended_by_organization = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referred_organizations",
        verbose_name="recommended by (organization)",
    )
    recommended_by_person = models.ForeignKey(
        "Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referred_organizations",
        verbose_name="recommended by (person)",
    )
    # Optimistic concurrency: an edit form carries the version it was read at.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganizationQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["normalized_name", "name_trigrams"])

    class Meta:
        ordering = ["name"]
        indexes = [
            GinIndex(name="org_name_trigrams", fields=["name_trigrams"]),
            models.Index(fields=["agency", "name"], name="org_agency_name"),
            models.Index(fields=["agency", "normalized_name"], name="org_agency_normname"),
            GinIndex(name="org_areas", fields=["areas"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(areas__len__gte=1), name="organization_has_an_area"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse(
            "communitymap:organization-detail",
            kwargs={"agency_slug": self.agency.slug, "organization_id": self.pk},
        )

    def get_areas_display(self):
        labels = dict(Area.choices)
        return [labels.get(a, a) for a in self.areas]

    @property
    def is_engaged(self):
        return self.status in ENGAGED_STATUSES


class Person(models.Model):
    """Someone the department knows through an organization. Most never log in."""

    agency = models.ForeignKey("cs360.Agency", on_delete=models.CASCADE, related_name="people")
    full_name = models.CharField(max_length=150)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    notes = models.TextField(blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="community_people",
        help_text="Their CS360 login, when they have one.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["full_name"]
        verbose_name_plural = "people"
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "user"],
                condition=Q(user__isnull=False),
                name="one_person_per_user_and_agency",
            )
        ]
        indexes = [models.Index(fields=["agency", "full_name"], name="person_agency_name")]

    def __str__(self):
        return self.full_name

    def get_absolute_url(self):
        return reverse(
            "communitymap:person-detail",
            kwargs={"agency_slug": self.agency.slug, "person_id": self.pk},
        )


class Affiliation(models.Model):
    """A person's role at an organization, from a start date to an (optional) end date."""

    agency = models.ForeignKey(
        "cs360.Agency", on_delete=models.CASCADE, related_name="affiliations"
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="affiliations")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="affiliations"
    )
    role_title = models.CharField("role", max_length=150, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(
        null=True, blank=True, help_text="When their term ends or ended; blank if open-ended."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AffiliationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date", "person__full_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="affiliation_ends_after_it_starts",
            )
        ]
        indexes = [
            models.Index(fields=["organization", "end_date"], name="affiliation_org_end"),
            models.Index(fields=["agency", "end_date"], name="affiliation_agency_end"),
        ]

    def __str__(self):
        title = f"{self.role_title}, " if self.role_title else ""
        return f"{self.person} — {title}{self.organization}"

    @property
    def is_current(self):
        day = _today()
        return (self.start_date is None or self.start_date <= day) and (
            self.end_date is None or self.end_date >= day
        )

    @property
    def is_ending_soon(self):
        day = _today()
        return self.is_current and (
            self.end_date is not None and self.end_date <= day + timedelta(days=ENDING_SOON_DAYS)
        )


class StanceRecord(models.Model):
    """A stance toward the department as recorded on a day, by someone, with the reason."""

    agency = models.ForeignKey(
        "cs360.Agency", on_delete=models.CASCADE, related_name="stance_records"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="stance_records"
    )
    stance = models.CharField(max_length=20, choices=Stance.choices)
    recorded_on = models.DateField(default=_today)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(help_text="Why: what they said or did.")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-recorded_on", "-created_at"]
        indexes = [models.Index(fields=["organization", "-recorded_on"], name="stance_org_date")]

    def __str__(self):
        return f"{self.organization}: {self.get_stance_display()} on {self.recorded_on}"


class OutreachEntry(models.Model):
    class Kind(models.TextChoices):
        MEETING = "meeting", "Meeting"
        CALL = "call", "Phone call"
        EMAIL = "email", "E-mail"
        EVENT = "event", "Event"
        OTHER = "other", "Other"

    agency = models.ForeignKey(
        "cs360.Agency", on_delete=models.CASCADE, related_name="outreach_entries"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="outreach_entries"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.MEETING)
    happened_on = models.DateField("date", default=_today)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="staff member",
    )
    person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outreach_entries",
        verbose_name="with",
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-happened_on", "-created_at"]
        verbose_name_plural = "outreach entries"

    def __str__(self):
        return f"{self.get_kind_display()} with {self.organization} on {self.happened_on}"


class WorksheetExample(models.Model):
    """The agency's own list of whom to consider for one cell of the worksheet.

    Cells without a row show the defaults from communitymap/examples.py.
    """

    agency = models.ForeignKey(
        "cs360.Agency", on_delete=models.CASCADE, related_name="worksheet_examples"
    )
    area = models.CharField(max_length=20, choices=Area.choices)
    partner_type = models.CharField(max_length=20, choices=PartnerType.choices)
    text = models.TextField(help_text="One suggestion per line.")
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "area", "partner_type"], name="one_example_list_per_cell"
            )
        ]

    def __str__(self):
        return f"Examples for {self.get_area_display()} / {self.get_partner_type_display()}"


class ImportBatch(models.Model):
    """An uploaded file held for preview; organizations are written only on confirm."""

    class Status(models.TextChoices):
        PREVIEW = "preview", "Waiting for confirmation"
        DONE = "done", "Imported"
        CANCELLED = "cancelled", "Cancelled"

    agency = models.ForeignKey("cs360.Agency", on_delete=models.CASCADE, related_name="map_imports")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField(max_length=250)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PREVIEW)
    # The parsed rows with their verdicts; see communitymap/importing.py.
    rows = models.JSONField(default=list)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    # The rows are the bulk of the record and never change after upload.
    history = HistoricalRecords(excluded_fields=["rows"])

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "import batches"

    def __str__(self):
        return f"Import of {self.filename}"
