"""Writes to the Community Map. Views call these; each runs in one transaction."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from communitymap.models import (
    Affiliation,
    Organization,
    OutreachEntry,
    Person,
    Stance,
    StanceRecord,
    WorksheetExample,
    normalize_name,
    trigrams,
)

# Fields a person edits on the organization form; stance has its own form with a reason.
EDITABLE_FIELDS = [
    "name",
    "partner_type",
    "parent_organization",
    "areas",
    "constituency",
    "geography",
    "neighborhoods",
    "email",
    "phone",
    "address",
    "website",
    "social_media",
    "data_holdings",
    "notes",
    "status",
    "owner",
    "next_follow_up",
    "recommended_by_organization",
    "recommended_by_person",
]


class StaleEditError(Exception):
    """Someone else saved the record after this person opened it; nothing was written."""

    def __init__(self, current):
        super().__init__("The record was changed by someone else.")
        self.current = current


def possible_duplicates(*, agency, name, exclude=None):
    """Organizations of the agency whose normalized name equals that of `name`."""
    key = normalize_name(name)
    if not key:
        return agency.organizations.none()
    found = agency.organizations.filter(normalized_name=key)
    if exclude is not None and exclude.pk:
        found = found.exclude(pk=exclude.pk)
    return found


def _set_name(organization, name):
    organization.name = name.strip()
    organization.normalized_name = normalize_name(organization.name)
    organization.name_trigrams = trigrams(organization.name)


@transaction.atomic
def create_organization(
    *, agency, created_by, data: dict, stance=Stance.UNKNOWN, stance_reason=""
) -> Organization:
    """Add an organization; a known stance is recorded with its reason as the first entry."""
    organization = Organization(agency=agency)
    for field in EDITABLE_FIELDS:
        if field in data:
            setattr(organization, field, data[field])
    _set_name(organization, data["name"])
    organization.stance = stance
    organization._history_user = created_by
    organization.full_clean(exclude=["agency"])
    organization.save()
    if stance != Stance.UNKNOWN:
        record_stance(
            organization=organization,
            stance=stance,
            reason=stance_reason or "Recorded when the organization was added.",
            recorded_by=created_by,
        )
    return organization


@transaction.atomic
def update_organization(
    *, organization, changed_by, data: dict, expected_version: int
) -> Organization:
    """Save an edit made on the version the person saw, or raise StaleEditError.

    The row is locked while it is compared and saved, so of two simultaneous saves from
    the same version exactly one wins and the other is told.
    """
    current = Organization.objects.select_for_update().get(
        pk=organization.pk, agency=organization.agency
    )
    if current.version != expected_version:
        raise StaleEditError(current)
    for field in EDITABLE_FIELDS:
        if field in data:
            setattr(current, field, data[field])
    _set_name(current, data.get("name", current.name))
    current.version += 1
    current._history_user = changed_by
    current.save()
    return current


@transaction.atomic
def record_stance(
    *, organization, stance, reason, recorded_by, recorded_on: date | None = None
) -> StanceRecord:
    """Record a stance with who and why; the organization's current stance follows the latest."""
    if not reason.strip():
        raise ValidationError("Say why: what they said or did.")
    record = StanceRecord(
        agency=organization.agency,
        organization=organization,
        stance=stance,
        reason=reason.strip(),
        recorded_by=recorded_by,
    )
    if recorded_on:
        record.recorded_on = recorded_on
    record._history_user = recorded_by
    record.save()
    latest = organization.stance_records.order_by("-recorded_on", "-created_at", "-pk").first()
    current = Organization.objects.select_for_update().get(pk=organization.pk)
    if current.stance != latest.stance:
        current.stance = latest.stance
        current._history_user = recorded_by
        current.save(update_fields=["stance", "updated_at"])
    organization.stance = current.stance
    return record


@transaction.atomic
def add_representative(
    *,
    organization,
    added_by,
    person=None,
    full_name="",
    email="",
    phone="",
    role_title="",
    start_date=None,
    end_date=None,
) -> Affiliation:
    """Affiliate an existing person, or a new one made from the name and contacts given."""
    agency = organization.agency
    if person is None:
        if not full_name.strip():
            raise ValidationError("Give the person's name or choose someone already on the map.")
        person = Person(agency=agency, full_name=full_name.strip(), email=email, phone=phone)
        person._history_user = added_by
        person.save()
    elif person.agency_id != agency.id:
        raise ValidationError("That person belongs to another agency.")
    affiliation = Affiliation(
        agency=agency,
        organization=organization,
        person=person,
        role_title=role_title,
        start_date=start_date,
        end_date=end_date,
    )
    affiliation._history_user = added_by
    affiliation.full_clean()
    affiliation.save()
    return affiliation


@transaction.atomic
def update_affiliation(*, affiliation, changed_by, role_title, start_date, end_date):
    affiliation.role_title = role_title
    affiliation.start_date = start_date
    affiliation.end_date = end_date
    affiliation._history_user = changed_by
    affiliation.full_clean()
    affiliation.save()
    return affiliation


@transaction.atomic
def update_person(*, person, changed_by, data: dict) -> Person:
    for field in ["full_name", "email", "phone", "notes", "user"]:
        if field in data:
            setattr(person, field, data[field])
    person._history_user = changed_by
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def log_outreach(
    *, organization, logged_by, kind, happened_on, notes="", staff=None, person=None
) -> OutreachEntry:
    """Record a meeting, call, e-mail or event with an organization."""
    entry = OutreachEntry(
        agency=organization.agency,
        organization=organization,
        kind=kind,
        happened_on=happened_on,
        staff=staff or logged_by,
        person=person,
        notes=notes,
    )
    entry._history_user = logged_by
    entry.save()
    return entry


@transaction.atomic
def save_worksheet_examples(*, agency, area, partner_type, text, changed_by) -> WorksheetExample:
    example = agency.worksheet_examples.filter(area=area, partner_type=partner_type).first()
    if example is None:
        example = WorksheetExample(agency=agency, area=area, partner_type=partner_type)
    example.text = text.strip()
    example._history_user = changed_by
    example.save()
    return example
