"""Import organizations from CSV or Excel: read, check every row, hold for preview, then write.

Reading never writes organizations. `preview_import` stores the checked rows in an
ImportBatch; `commit_import` writes all the rows marked new (and, if asked, updates the
matches) in one transaction, or nothing at all.
"""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from communitymap.models import (
    Area,
    Geography,
    ImportBatch,
    Organization,
    PartnerType,
    RelationshipStatus,
    Stance,
    StanceRecord,
    normalize_name,
    trigrams,
)
from cs360 import tabular
from cs360.models import Role, User

MAX_ROWS = 20_000

# Column name in the file -> field. The first name of each field is the one exports use.
COLUMNS = {
    "name": ["name", "organization", "organization name"],
    "partner_type": ["partner type", "type"],
    "areas": ["areas", "area"],
    "parent_organization": ["parent national organization", "parent organization", "parent"],
    "constituency": ["constituency", "speaks for"],
    "geography": ["geography"],
    "neighborhoods": ["neighborhoods"],
    "stance": ["stance"],
    "stance_reason": ["stance reason", "why"],
    "status": ["relationship status", "status"],
    "owner": ["owner e-mail", "owner email", "owner"],
    "next_follow_up": ["next follow-up", "next follow up", "follow-up", "follow up"],
    "email": ["e-mail", "email"],
    "phone": ["phone"],
    "website": ["website", "web site", "url"],
    "address": ["address"],
    "social_media": ["social media"],
    "data_holdings": ["data it holds", "data holdings", "data"],
    "notes": ["notes"],
    "recommended_by": ["recommended by"],
}
EXPORT_HEADERS = [names[0].capitalize() for names in COLUMNS.values()]
TEXT_LIMITS = {
    "name": 200,
    "parent_organization": 200,
    "constituency": 200,
    "neighborhoods": 200,
    "phone": 40,
    "address": 250,
    "social_media": 250,
}


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message tells the person what to fix."""


class ImportChangedError(Exception):
    """The map changed since the preview in a way that affects the rows to write."""


def _choice_lookup(choices):
    lookup = {}
    for value, label in choices:
        lookup[value.lower()] = value
        lookup[label.lower()] = value
        lookup[value.replace("_", " ").lower()] = value
    return lookup


AREA_LOOKUP = _choice_lookup(Area.choices) | {
    "education": Area.EDUCATION,
    "youth": Area.EDUCATION,
    "justice": Area.JUSTICE,
    "crime": Area.JUSTICE,
    "labor": Area.LABOR,
    "economic development": Area.LABOR,
    "public works": Area.PUBLIC_WORKS,
    "traffic": Area.PUBLIC_WORKS,
}
TYPE_LOOKUP = _choice_lookup(PartnerType.choices) | {
    "community group": PartnerType.COMMUNITY,
    "ngo": PartnerType.NGO,
    "national ngo": PartnerType.NGO,
    "chapter": PartnerType.NGO,
    "affiliate": PartnerType.NGO,
    "government": PartnerType.GOVERNMENT,
    "government agency": PartnerType.GOVERNMENT,
}
STANCE_LOOKUP = _choice_lookup(Stance.choices)
STATUS_LOOKUP = _choice_lookup(RelationshipStatus.choices) | {
    "advisory team": RelationshipStatus.ADVISORY_TEAM,
    "problem-solving team": RelationshipStatus.PST,
}
GEOGRAPHY_LOOKUP = _choice_lookup(Geography.choices)


# The shared reader (the police import's): any delimiter and common encoding, .xlsx in
# streaming mode, and the limits checked as the file is read.
LIMITS = tabular.Limits(max_bytes=20 * 1024**2, max_columns=100, max_rows=MAX_ROWS + 1)


def read_table(uploaded) -> tuple[list[str], list[list]]:
    """(header, rows) from an uploaded .csv, .tsv, .xlsx or .xlsm file, or ImportFileError."""
    name = (uploaded.name or "").lower()
    if not name.endswith((".xlsx", ".xlsm", ".csv", ".tsv", ".txt")) and name:
        raise ImportFileError("Upload a .csv file or an Excel workbook (.xlsx).")
    try:
        uploaded.seek(0)
        with tabular.open_table(uploaded, name, limits=LIMITS, read_through=True) as table:
            return table.header, list(table.rows())
    except tabular.TableError as error:
        raise ImportFileError(str(error)) from error


def _columns(header):
    """Map file column positions to fields; unknown columns are reported, not fatal."""
    wanted = {alias: field for field, aliases in COLUMNS.items() for alias in aliases}
    positions, unknown = {}, []
    for index, title in enumerate(header):
        key = str(title or "").strip().lower().replace("_", " ")
        field = wanted.get(key)
        if field and field not in positions:
            positions[field] = index
        elif key:
            unknown.append(str(title))
    if "name" not in positions:
        found = ", ".join(f"“{h}”" for h in header if h) or "none"
        raise ImportFileError(
            f"The file needs a “Name” column in its first row. Columns found: {found}."
        )
    return positions, unknown


def _text(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _parse_date(value):
    value = value.removesuffix(" 00:00:00")  # an Excel date cell, as the reader writes it
    for fmt in ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%d %b %Y", "%d %B %Y", "%B %d, %Y"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


_email = EmailValidator()
_url = URLValidator()


def check_row(values: dict, *, owners: dict) -> tuple[dict, list[str], list[str]]:
    """Clean one row: (data, errors, warnings). Data holds JSON-safe values."""
    errors, warnings = [], []
    data = {}
    name = values.get("name", "")
    if not name:
        errors.append("The name is missing.")
    data["name"] = name
    for field, limit in TEXT_LIMITS.items():
        if len(values.get(field, "")) > limit:
            errors.append(f"{field.replace('_', ' ').capitalize()} is over {limit} characters.")
    kind = values.get("partner_type", "")
    data["partner_type"] = TYPE_LOOKUP.get(kind.lower()) if kind else PartnerType.COMMUNITY
    if data["partner_type"] is None:
        errors.append(f"Unknown partner type “{kind}”.")
    areas = []
    raw_areas = values.get("areas", "").replace(";", ",").replace("|", ",")
    for part in (p.strip() for p in raw_areas.split(",")):
        if not part:
            continue
        area = AREA_LOOKUP.get(part.lower())
        if area is None:
            errors.append(f"Unknown area “{part}”.")
        elif area not in areas:
            areas.append(str(area))
    if not areas and not raw_areas.strip():
        errors.append("No area given: name at least one of the six areas.")
    data["areas"] = areas
    for field, lookup, default in (
        ("stance", STANCE_LOOKUP, Stance.UNKNOWN),
        ("status", STATUS_LOOKUP, RelationshipStatus.IDENTIFIED),
        ("geography", GEOGRAPHY_LOOKUP, ""),
    ):
        raw = values.get(field, "")
        found = lookup.get(raw.lower()) if raw else default
        if found is None:
            errors.append(f"Unknown {field} “{raw}”.")
        data[field] = str(found or "")
    email = values.get("email", "")
    if email:
        try:
            _email(email)
        except ValidationError:
            errors.append(f"“{email}” is not an e-mail address.")
    website = values.get("website", "")
    if website and "://" not in website:
        website = f"https://{website}"
    if website:
        try:
            _url(website)
        except ValidationError:
            errors.append(f"“{values['website']}” is not a web address.")
    data["email"], data["website"] = email, website
    follow_up = values.get("next_follow_up", "")
    data["next_follow_up"] = ""
    if follow_up:
        parsed = _parse_date(follow_up)
        if parsed is None:
            errors.append(f"“{follow_up}” is not a date (use 2026-03-31).")
        else:
            data["next_follow_up"] = parsed.isoformat()
    owner = values.get("owner", "")
    data["owner_id"] = None
    if owner:
        data["owner_id"] = owners.get(owner.lower())
        if data["owner_id"] is None:
            warnings.append(f"Owner {owner} is not staff here; left without an owner.")
    for field in (
        "parent_organization",
        "constituency",
        "neighborhoods",
        "phone",
        "address",
        "social_media",
        "data_holdings",
        "notes",
        "stance_reason",
        "recommended_by",
    ):
        data[field] = values.get(field, "")
    return data, errors, warnings


def check_rows(agency, header, rows) -> list[dict]:
    """Every row with its verdict: "new", "match" (same normalized name) or "error"."""
    if len(rows) > MAX_ROWS:
        raise ImportFileError(f"The file has {len(rows):,} rows; import at most {MAX_ROWS:,}.")
    positions, _unknown = _columns(header)
    owners = {
        email.lower(): pk
        for pk, email in User.objects.filter(
            memberships__agency=agency, memberships__role__gte=Role.STAFF
        ).values_list("pk", "email")
    }
    checked, keys = [], set()
    for line, row in enumerate(rows, start=2):
        values = {
            field: _text(row[index]) if index < len(row) else ""
            for field, index in positions.items()
        }
        if not any(values.values()):
            continue  # Blank lines are common at the end of spreadsheets.
        data, errors, warnings = check_row(values, owners=owners)
        key = normalize_name(data["name"])
        checked.append(
            {"line": line, "data": data, "errors": errors, "warnings": warnings, "key": key}
        )
        keys.add(key)
    existing = dict(
        agency.organizations.filter(normalized_name__in=keys).values_list("normalized_name", "pk")
    )
    names = dict(agency.organizations.filter(pk__in=existing.values()).values_list("pk", "name"))
    referrers = {
        normalize_name(r["data"]["recommended_by"]) for r in checked if r["data"]["recommended_by"]
    }
    known_referrers = dict(
        agency.organizations.filter(normalized_name__in=referrers).values_list(
            "normalized_name", "pk"
        )
    )
    first_line = {}
    for row in checked:
        data = row["data"]
        if data["recommended_by"]:
            data["recommended_by_id"] = known_referrers.get(normalize_name(data["recommended_by"]))
            if data["recommended_by_id"] is None:
                row["warnings"].append(
                    f"“{data['recommended_by']}” (recommended by) is not on the map; ignored."
                )
        key = row["key"]
        if row["errors"]:
            row["verdict"] = "error"
        elif key in existing:
            row["verdict"] = "match"
            row["match_id"] = existing[key]
            row["match_name"] = names[existing[key]]
        elif key in first_line:
            row["verdict"] = "error"
            row["errors"].append(f"Same organization as line {first_line[key]} of this file.")
        else:
            row["verdict"] = "new"
        first_line.setdefault(key, row["line"])
    return checked


def preview_import(*, agency, uploaded_by, uploaded) -> ImportBatch:
    """Read and check the file, and hold the result for the person to confirm."""
    header, rows = read_table(uploaded)
    checked = check_rows(agency, header, rows)
    if not checked:
        raise ImportFileError("The file has a header row but no organizations under it.")
    batch = ImportBatch(
        agency=agency, uploaded_by=uploaded_by, filename=uploaded.name[:250], rows=checked
    )
    batch._history_user = uploaded_by
    batch.save()
    return batch


def summary(batch) -> dict:
    counts = {"new": 0, "match": 0, "error": 0}
    for row in batch.rows:
        counts[row["verdict"]] += 1
    counts["total"] = len(batch.rows)
    return counts


_COPIED = [
    "partner_type",
    "parent_organization",
    "constituency",
    "geography",
    "neighborhoods",
    "email",
    "phone",
    "website",
    "address",
    "social_media",
    "data_holdings",
    "notes",
    "status",
]


def _organization(agency, data) -> Organization:
    organization = Organization(
        agency=agency,
        name=data["name"],
        normalized_name=normalize_name(data["name"]),
        name_trigrams=trigrams(data["name"]),
        areas=data["areas"],
        stance=data["stance"],
        owner_id=data["owner_id"],
        next_follow_up=data["next_follow_up"] or None,
        recommended_by_organization_id=data.get("recommended_by_id"),
        **{field: data[field] for field in _COPIED},
    )
    return organization


@transaction.atomic
def commit_import(*, batch, confirmed_by, update_matches=False) -> ImportBatch:
    """Write the batch's new rows (and update matches if asked): all of them, or none."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != ImportBatch.Status.PREVIEW:
        raise ImportChangedError("This file was already imported or cancelled.")
    agency = batch.agency
    new_rows = [r for r in batch.rows if r["verdict"] == "new"]
    keys = [r["key"] for r in new_rows]
    taken = list(
        agency.organizations.filter(normalized_name__in=keys).values_list("name", flat=True)[:3]
    )
    if taken:
        raise ImportChangedError(
            "Since the preview, someone added "
            + ", ".join(f"“{n}”" for n in taken)
            + ". Upload the file again to see an up-to-date preview."
        )
    now = timezone.now()
    created = [_organization(agency, r["data"]) for r in new_rows]
    insert_with_history(
        created, user=confirmed_by, reason=f"Imported from {batch.filename}", when=now
    )
    stances = [
        StanceRecord(
            agency=agency,
            organization=organization,
            stance=organization.stance,
            recorded_by=confirmed_by,
            reason=row["data"]["stance_reason"] or f"Imported from {batch.filename}.",
        )
        for organization, row in zip(created, new_rows, strict=True)
        if organization.stance != Stance.UNKNOWN
    ]
    if stances:
        bulk_create_with_history(
            stances, StanceRecord, batch_size=1000, default_user=confirmed_by, default_date=now
        )
    updated = 0
    if update_matches:
        updated = _update_matches(agency, batch, confirmed_by, now)
    batch.status = ImportBatch.Status.DONE
    batch.created_count = len(created)
    batch.updated_count = updated
    batch.finished_at = now
    batch._history_user = confirmed_by
    batch.save(update_fields=["status", "created_count", "updated_count", "finished_at"])
    return batch


def _array_literal(values) -> str:
    quoted = (str(v).replace("\\", "\\\\").replace('"', '\\"') for v in values)
    return "{" + ",".join(f'"{v}"' for v in quoted) + "}"


def insert_with_history(organizations, *, user, reason, when) -> None:
    """Insert many organizations and their "created" history rows in two statements.

    Django's bulk_create sends one placeholder per value when a model has array fields
    (areas, name trigrams), which makes 10,000 rows take tens of seconds; here each column
    travels as one array and PostgreSQL unnests them. The history rows are copied from
    the inserted rows inside the database, as simple_history would have written them.
    Sets the primary key on each object.
    """
    if not organizations:
        return
    fields = [f for f in Organization._meta.concrete_fields if not f.primary_key]
    columns, unnested, selected, params = [], [], [], []
    for index, field in enumerate(fields):
        values = [
            field.get_db_prep_save(field.pre_save(o, add=True), connection) for o in organizations
        ]
        db_type = field.db_type(connection)
        columns.append(connection.ops.quote_name(field.column))
        if db_type.endswith("[]"):
            # An array of arrays cannot be unnested one level: send array literals as text.
            params.append([_array_literal(v) for v in values])
            unnested.append("%s::text[]")
            selected.append(f"c{index}::{db_type}")
        else:
            params.append(values)
            unnested.append(f"%s::{db_type.split('(')[0]}[]")
            selected.append(f"c{index}")
    names = ", ".join(f"c{index}" for index in range(len(fields)))
    table = Organization._meta.db_table
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(selected)} "
        f"FROM unnest({', '.join(unnested)}) AS u({names}) RETURNING id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        ids = [row[0] for row in cursor.fetchall()]
        for organization, pk in zip(organizations, ids, strict=True):
            organization.pk = pk
            organization._state.adding = False
        history = Organization.history.model
        own = {"history_id", "history_date", "history_change_reason", "history_type",
               "history_user"}  # fmt: skip
        copied = [
            connection.ops.quote_name(f.column)
            for f in history._meta.concrete_fields
            if f.name not in own
        ]
        cursor.execute(
            f"INSERT INTO {history._meta.db_table} ({', '.join(copied)}, history_date, "
            "history_change_reason, history_type, history_user_id) "
            f"SELECT {', '.join(copied)}, %s, %s, '+', %s FROM {table} WHERE id = ANY(%s)",
            [when, reason, user.pk if user else None, ids],
        )


def _update_matches(agency, batch, confirmed_by, now) -> int:
    """Fill in what the file adds to organizations already on the map; never blanks a field."""
    matches = {r["match_id"]: r["data"] for r in batch.rows if r["verdict"] == "match"}
    organizations = list(agency.organizations.select_for_update().filter(pk__in=matches))
    for organization in organizations:
        data = matches[organization.pk]
        for field in _COPIED:
            if data[field] and field not in ("partner_type", "status"):
                setattr(organization, field, data[field])
        organization.areas = sorted(set(organization.areas) | set(data["areas"]))
        if data["owner_id"]:
            organization.owner_id = data["owner_id"]
        if data["next_follow_up"]:
            organization.next_follow_up = data["next_follow_up"]
        organization.version += 1
    fields = [f for f in _COPIED if f not in ("partner_type", "status")]
    bulk_update_with_history(
        organizations,
        Organization,
        [*fields, "areas", "owner", "next_follow_up", "version"],
        batch_size=1000,
        default_user=confirmed_by,
        default_change_reason=f"Updated from {batch.filename}",
        default_date=now,
    )
    return len(organizations)


@transaction.atomic
def cancel_import(*, batch, cancelled_by) -> None:
    batch.status = ImportBatch.Status.CANCELLED
    batch.rows = []
    batch.finished_at = timezone.now()
    batch._history_user = cancelled_by
    batch.save()


def export_rows(queryset):
    """The filtered list as rows under EXPORT_HEADERS, in the import's own format."""
    areas = dict(Area.choices)
    kinds, stances = dict(PartnerType.choices), dict(Stance.choices)
    statuses, places = dict(RelationshipStatus.choices), dict(Geography.choices)
    fields = [
        "name", "partner_type", "areas", "parent_organization", "constituency", "geography",
        "neighborhoods", "stance", "status", "owner__email", "next_follow_up", "email",
        "phone", "website", "address", "social_media", "data_holdings", "notes",
        "recommended_by_organization__name",
    ]  # fmt: skip
    for row in queryset.values(*fields).iterator(chunk_size=2000):
        yield [
            row["name"],
            kinds.get(row["partner_type"], row["partner_type"]),
            "; ".join(areas.get(a, a) for a in row["areas"]),
            row["parent_organization"],
            row["constituency"],
            places.get(row["geography"], ""),
            row["neighborhoods"],
            stances.get(row["stance"], row["stance"]),
            "",  # Stance reason: the history is on the organization's page.
            statuses.get(row["status"], row["status"]),
            row["owner__email"] or "",
            row["next_follow_up"].isoformat() if row["next_follow_up"] else "",
            row["email"],
            row["phone"],
            row["website"],
            row["address"],
            row["social_media"],
            row["data_holdings"],
            row["notes"],
            row["recommended_by_organization__name"] or "",
        ]
