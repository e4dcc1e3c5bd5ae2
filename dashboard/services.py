"""Writes for police data: uploads, mappings, the bulk load itself, boundaries."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
from django.core.files.uploadedfile import UploadedFile
from django.db import ProgrammingError, connection, connections, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from dashboard import importing, jobs
from dashboard.geometry import orient
from dashboard.importing import Area, MappingError, RowReader
from dashboard.models import Boundary, ColumnMapping, ImportJob
from dashboard.warmup import warm_public_views

logger = logging.getLogger(__name__)

# How often (in rows) a running import reports progress and checks for cancellation.
PROGRESS_EVERY = 25_000


class ImportCancelled(Exception):
    pass


class RepeatedIds(Exception):
    pass


# --- Uploads and mappings ------------------------------------------------------------------


@transaction.atomic
def create_import_job(*, agency, uploaded_by, upload: UploadedFile, source: str) -> ImportJob:
    """Store an uploaded export and open an import job for it."""
    job = ImportJob(
        agency=agency,
        uploaded_by=uploaded_by,
        original_name=Path(upload.name).name[:255],
        file_size=upload.size or 0,
        source=source,
    )
    job.file.save(Path(upload.name).name, upload, save=False)
    job.save()
    return job


def open_job_table(job: ImportJob, encoding: str = "", *, read_through: bool = False):
    """The job's file as a table, through Django's storage API (local disk or object
    storage alike); a job made by `import_file` reads its file where it lies."""
    if job.file:
        stream = job.file.storage.open(job.file.name, "rb")
    else:
        stream = open(job.original_name, "rb")  # noqa: SIM115 - closed with the table
    try:
        table = importing.open_table(stream, job.original_name, encoding, read_through=read_through)
    except BaseException:
        stream.close()
        raise
    table._closers.append(stream.close)
    return table


def read_sample(job: ImportJob, count: int = 200) -> tuple[importing.Table, list[list[str]]]:
    with open_job_table(job) as table:
        return table, importing.sample_rows(table, count)


def suggest_job_mapping(job: ImportJob) -> tuple[dict, dict]:
    """The mapping to propose for a job: the saved one that fits its header, else a guess
    from the columns' names and values; with the evidence behind each guess."""
    table, rows = read_sample(job, 1000)
    for saved in job.agency.column_mappings.filter(source=job.source).order_by("-updated_at"):
        if not importing.validate_mapping(saved.mapping, table.header):
            return saved.mapping, {}
    suggestion = importing.suggest(table.header, rows, job.source)
    return suggestion.mapping, suggestion.evidence


def area_for(*, agency, mapping: dict, header, rows) -> Area | None:
    """Where the agency's records may lie: the mapping's own "area", else around a sample."""
    given = mapping.get("area")
    if isinstance(given, dict) and {"lat", "lon"} <= set(given):
        return Area(
            float(given["lat"]),
            float(given["lon"]),
            float(given.get("radius_km", importing.DEFAULT_AREA_RADIUS_KM)),
        )
    return importing.area_from_rows(mapping, header, rows)


@transaction.atomic
def save_column_mapping(*, agency, name: str, mapping: dict, saved_by) -> ColumnMapping:
    """Save (or replace) a mapping under a name, for reuse on the next export."""
    saved, _ = agency.column_mappings.update_or_create(
        name=name,
        defaults={
            "mapping": mapping,
            "source": mapping.get("source", "incidents"),
            "created_by": saved_by,
        },
    )
    return saved


@transaction.atomic
def preview_job(*, job: ImportJob, mapping: dict, saved_mapping: ColumnMapping | None = None):
    """Check the file with a mapping and record what was found; the job waits for a decision."""
    table, rows = read_sample(job)
    errors = importing.validate_mapping(mapping, table.header)
    if errors:
        raise MappingError(" ".join(errors))
    area = area_for(agency=job.agency, mapping=mapping, header=table.header, rows=rows)
    with open_job_table(job, table.encoding) as table:
        result = importing.preview(table, mapping, area)
    job.mapping_used = mapping
    job.mapping = saved_mapping
    job.source = mapping.get("source", job.source)
    job.problems = result.problems
    job.rows_read = result.rows_checked
    job.preview = {
        "rows": result.rows,
        "rows_checked": result.rows_checked,
        "rows_good": result.rows_good,
        "complete": result.complete,
        "encoding": result.encoding,
        "delimiter": importing.DELIMITER_NAMES.get(result.delimiter, result.delimiter),
        "kind": result.kind,
        **_records_and_dates(job, mapping, result),
    }
    job.status = ImportJob.Status.PREVIEWED
    job.save()
    return result


def _records_and_dates(job: ImportJob, mapping: dict, result) -> dict:
    """What the preview page says beyond counts: records vs rows under each policy for
    repeated ids, and how the dates were understood, with examples in the agency's zone."""
    tz = ZoneInfo(job.agency.time_zone)
    policy = mapping["fields"]["record_id"].get("duplicates", "last")
    examples = []
    for e in result.date_examples or []:
        when = datetime.fromisoformat(e["value"])
        when = when.astimezone(tz) if when.tzinfo else when.replace(tzinfo=tz)
        examples.append({**e, "local": when.strftime("%a %-d %b %Y, %H:%M")})
    occurred = mapping["fields"]["occurred_at"]
    words = [importing.describe_format(f) for f in occurred.get("formats", [])]
    if occurred.get("time_column"):
        time_format = occurred.get("time_format", "")
        time_words = importing.TIME_WORDS.get(time_format, time_format)
        words.append(f"time of day from “{occurred['time_column']}” ({time_words})")
    return {
        "policy": policy,
        "records": result.records(policy),
        "records_last": result.records("last"),
        "records_all": result.records("number"),
        "repeated_rows": result.rows_good - result.distinct_ids,
        "date_words": words,
        "date_examples": examples,
        "offsets": result.offsets,
        "time_zone": job.agency.time_zone,
    }


@transaction.atomic
def queue_import(*, job: ImportJob, started_by) -> ImportJob:
    """Accept the preview: import the good rows in the background."""
    from dashboard.tasks import run_import_task

    job.status = ImportJob.Status.QUEUED
    job.rows_read = job.bytes_read = 0
    job.rows_inserted = job.rows_updated = job.rows_unchanged = job.rows_rejected = 0
    job.cancel_requested = False
    job.error = ""
    job.queued_at = timezone.now()
    job.started_at = job.finished_at = job.heartbeat_at = None
    job.save()
    transaction.on_commit(lambda: run_import_task.enqueue(job.pk))
    return job


class CannotRetry(Exception):
    pass


def retry_import(*, job: ImportJob, retried_by) -> ImportJob:
    """Run a failed or cancelled import again, with the mapping it had."""
    if not job.can_retry:
        raise CannotRetry("Only a failed or cancelled import with a column mapping can be retried.")
    if job.file and not job.file.storage.exists(job.file.name):
        raise CannotRetry("The uploaded file is no longer stored: upload it again.")
    return queue_import(job=job, started_by=retried_by)


@transaction.atomic
def stop_import(*, job: ImportJob, stopped_by) -> ImportJob:
    """Decline the preview: nothing is imported."""
    job.status = ImportJob.Status.STOPPED
    job.finished_at = timezone.now()
    job.save()
    return job


@transaction.atomic
def cancel_import(*, job: ImportJob, cancelled_by) -> ImportJob:
    """Stop a queued or running import; its transaction is rolled back.

    A running import's worker stops at its next progress check. When no worker runs it
    any more, or its worker has hung, the cancel completes at once.
    """
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    job.cancel_requested = True
    if job.status == ImportJob.Status.QUEUED:
        job.status = ImportJob.Status.CANCELLED
        job.finished_at = timezone.now()
    elif job.status == ImportJob.Status.RUNNING and (
        not jobs.lock_holders([job.pk]) or jobs.stop_hung_worker(job)
    ):
        jobs.end_without_worker(job)
        return job
    job.save()
    return job


# --- The load ------------------------------------------------------------------------------

STAGING_DDL = """
CREATE TEMP TABLE police_import_staging (
    line bigint,
    record_id text,
    occurred_local timestamp,
    occurred_utc timestamptz,
    reported_local timestamp,
    reported_utc timestamptz,
    initial_type text, final_type text, category text, offense_code text,
    district text, beat text, area_code text, block_address text, disposition text,
    domestic boolean,
    latitude double precision,
    longitude double precision
) ON COMMIT DROP
"""

COMPARED = [
    "occurred_at",
    "reported_at",
    "initial_type",
    "final_type",
    "category",
    "offense_code",
    "domestic",
    "district",
    "beat",
    "area_code",
    "block_address",
    "latitude",
    "longitude",
    "public_latitude",
    "public_longitude",
    "disposition",
]

# Records whose fields did not change are left alone (no new row version, no index churn),
# which keeps the re-import of an overlapping export cheap.
UPSERT_SQL = """
WITH upserted AS (
    INSERT INTO dashboard_policerecord (
        agency_id, source, record_id, occurred_at, reported_at, initial_type, final_type,
        category, offense_code, domestic, district, beat, area_code, block_address, latitude,
        longitude, public_latitude, public_longitude, disposition, import_job_id, updated_at
    )
    SELECT %(agency)s, %(source)s, {record_id},
        COALESCE(s.occurred_utc, s.occurred_local AT TIME ZONE %(tz)s),
        COALESCE(s.reported_utc, s.reported_local AT TIME ZONE %(tz)s),
        s.initial_type, s.final_type, s.category, s.offense_code, s.domestic, s.district,
        s.beat, s.area_code, s.block_address, s.latitude, s.longitude,
        round(s.latitude * {scale}) / {scale}, round(s.longitude * {scale}) / {scale},
        s.disposition, %(job)s, now()
    FROM {rows} s
    ON CONFLICT (agency_id, source, record_id) DO UPDATE SET
        {assignments}, import_job_id = EXCLUDED.import_job_id, updated_at = EXCLUDED.updated_at
    WHERE ({current}) IS DISTINCT FROM ({excluded})
    RETURNING (xmax = 0) AS inserted
)
SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM upserted
"""

# One export may list a record more than once: one row per offense (UIUC, SF) or an
# updated row after the original. "last" keeps the last row of each id; "number" keeps
# every row, numbering the repeats ("2024-00004317-2").
ROWS_LAST = (
    "(SELECT DISTINCT ON (record_id) * FROM police_import_staging ORDER BY record_id, line DESC)"
)
ROWS_FIRST = (
    "(SELECT DISTINCT ON (record_id) * FROM police_import_staging ORDER BY record_id, line)"
)
ROWS_NUMBERED = (
    "(SELECT *, row_number() OVER (PARTITION BY record_id ORDER BY line) AS n "
    "FROM police_import_staging)"
)


def upsert_sql(duplicates: str) -> str:
    scale = 10**importing.PUBLIC_COORDINATE_DECIMALS
    if duplicates == "number":
        rows, record_id = (
            ROWS_NUMBERED,
            "s.record_id || CASE WHEN s.n > 1 THEN '-' || s.n ELSE '' END",
        )
    elif duplicates == "last":
        rows, record_id = ROWS_LAST, "s.record_id"
    elif duplicates == "first":
        rows, record_id = ROWS_FIRST, "s.record_id"
    else:
        rows, record_id = "police_import_staging", "s.record_id"
    return UPSERT_SQL.format(
        record_id=record_id,
        rows=rows,
        scale=f"{scale}.0",
        assignments=", ".join(f"{c} = EXCLUDED.{c}" for c in COMPARED),
        current=", ".join(f"dashboard_policerecord.{c}" for c in COMPARED),
        excluded=", ".join(f"EXCLUDED.{c}" for c in COMPARED),
    )


class JobMonitor:
    """Reports progress and reads cancellation on a connection of its own.

    The import runs in one transaction, so its own connection cannot make progress
    visible to the page that polls it; a second, autocommit connection can. The heartbeat
    beats on a third, from a thread, while the job runs.
    """

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.conn = connections.create_connection("default")
        self.heartbeat = jobs.Heartbeat(job_id).__enter__()

    def __call__(self, rows_read: int, bytes_read: int) -> bool:
        with self.conn.cursor() as cursor:
            cursor.execute(
                "UPDATE dashboard_importjob SET rows_read = %s, bytes_read = %s WHERE id = %s "
                "RETURNING cancel_requested",
                [rows_read, bytes_read, self.job_id],
            )
            row = cursor.fetchone()
        return bool(row and row[0])

    def close(self):
        self.heartbeat.__exit__(None, None, None)
        self.conn.close()


@dataclass
class LoadResult:
    rows_read: int
    inserted: int
    updated: int
    unchanged: int
    rejected: int
    duplicates: int
    problems: dict


def load_table(
    *,
    agency,
    job: ImportJob | None,
    table: importing.Table,
    mapping: dict,
    area: Area | None,
    check: Callable[[int, int], bool] | None = None,
) -> LoadResult:
    """Stream a table into PoliceRecord in one transaction: COPY into a temporary table,
    then one INSERT ... ON CONFLICT. Rejected rows are counted in the problems; an
    exception or a cancellation (`check` returning True) leaves the data as it was."""
    reader = RowReader(mapping, table.header, area)
    duplicates_policy = mapping["fields"]["record_id"].get("duplicates", "last")
    rows_read = staged = 0
    started = time.monotonic()
    with transaction.atomic(), connection.cursor() as cursor:
        # ON COMMIT DROP does not fire when the caller's transaction is still open (a test,
        # a demo seed): start clean whatever ran before.
        cursor.execute("DROP TABLE IF EXISTS police_import_staging")
        cursor.execute(STAGING_DDL)
        columns = ", ".join(importing.STAGING_COLUMNS)
        with cursor.copy(f"COPY police_import_staging ({columns}) FROM STDIN") as copy:
            read, write = reader.read, copy.write_row
            for line, row in table.numbered_rows():
                record = read(line, row)
                if record is not None:
                    write(record)
                    staged += 1
                rows_read += 1
                if (
                    check is not None
                    and rows_read % PROGRESS_EVERY == 0
                    and check(rows_read, table.position())
                ):
                    raise ImportCancelled()
        if check is not None and check(rows_read, table.position()):
            raise ImportCancelled()
        staged_at = time.monotonic()
        params = {
            "agency": agency.pk,
            "source": mapping["source"],
            "tz": agency.time_zone,
            "job": job.pk if job else None,
        }
        # Most exports list each id once: try the plain upsert first, which needs no sort,
        # and fall back to de-duplicating only when PostgreSQL finds a repeated id.
        distinct = staged
        try:
            if duplicates_policy == "number":
                raise RepeatedIds()
            with transaction.atomic():
                cursor.execute(upsert_sql("plain"), params)
        except (RepeatedIds, ProgrammingError) as error:
            if isinstance(error, ProgrammingError) and not isinstance(
                error.__cause__, psycopg.errors.CardinalityViolation
            ):
                raise
            cursor.execute("SET LOCAL work_mem = '128MB'")
            cursor.execute("SELECT count(DISTINCT record_id) FROM police_import_staging")
            distinct = cursor.fetchone()[0]
            cursor.execute(upsert_sql(duplicates_policy), params)
        inserted, updated = cursor.fetchone()
        upserted_at = time.monotonic()
        cursor.execute("DROP TABLE police_import_staging")
    logger.info(
        "Import of %s rows: read and staged in %.1f s, upserted in %.1f s, committed in %.1f s",
        staged,
        staged_at - started,
        upserted_at - staged_at,
        time.monotonic() - upserted_at,
    )
    problems = reader.problems
    duplicates = staged - distinct
    if duplicates:
        how = {"number": "numbered", "first": "the first row kept"}.get(
            duplicates_policy, "the last row kept"
        )
        problems.set_count(
            "duplicate_id", duplicates, [{"line": 0, "detail": f"{duplicates} repeats, {how}"}]
        )
    kept = staged if duplicates_policy == "number" else distinct
    rejected = sum(p["count"] for p in problems.found.values() if p["rejects"])
    return LoadResult(
        rows_read=rows_read,
        inserted=inserted,
        updated=updated,
        unchanged=kept - inserted - updated,
        rejected=rejected,
        duplicates=duplicates,
        problems=problems.as_dict(),
    )


def run_import(job_id: int, *, check: Callable[[int, int], bool] | None = None) -> ImportJob:
    """Run a queued import job to its end and record the outcome on the job.

    Outside a transaction (the background worker, the command) progress and cancellation
    go through a JobMonitor; tests inside a transaction pass `check` themselves.
    """
    job = ImportJob.objects.select_related("agency").get(pk=job_id)
    if job.status not in (ImportJob.Status.QUEUED, ImportJob.Status.PREVIEWED):
        return job
    if job.cancel_requested:
        return _finish(job, ImportJob.Status.CANCELLED)
    # The lock tells everyone a worker runs this job; a second copy of the task stops here.
    if not jobs.try_lock(job.pk):
        return job
    try:
        job.refresh_from_db()
        if job.status not in (ImportJob.Status.QUEUED, ImportJob.Status.PREVIEWED):
            return job  # Cancelled, or run by another copy of the task, meanwhile.
        return _run_locked(job, check)
    finally:
        jobs.unlock(job.pk)


def _run_locked(job: ImportJob, check) -> ImportJob:
    job.status = ImportJob.Status.RUNNING
    job.started_at = job.heartbeat_at = timezone.now()
    job.save(update_fields=["status", "started_at", "heartbeat_at"])
    monitor = None
    if check is None and not connection.in_atomic_block:
        monitor = check = JobMonitor(job.pk)
    try:
        table, rows = read_sample(job)
        area = area_for(agency=job.agency, mapping=job.mapping_used, header=table.header, rows=rows)
        with open_job_table(job, read_through=True) as table:
            job.file_size = job.file_size or table.size
            result = load_table(
                agency=job.agency,
                job=job,
                table=table,
                mapping=job.mapping_used,
                area=area,
                check=check,
            )
    except ImportCancelled:
        job.refresh_from_db()
        return _finish(job, ImportJob.Status.CANCELLED)
    except Exception as exc:
        logger.exception("Import %s failed", job.pk)
        job.refresh_from_db()
        job.error = (
            str(exc)
            if isinstance(exc, (MappingError, importing.TableError))
            else f"{type(exc).__name__}: {exc}"[:2000]
        )
        return _finish(job, ImportJob.Status.FAILED)
    finally:
        if monitor is not None:
            monitor.close()
    job.refresh_from_db()
    job.rows_read = result.rows_read
    job.rows_inserted = result.inserted
    job.rows_updated = result.updated
    job.rows_unchanged = result.unchanged
    job.rows_rejected = result.rejected
    job.problems = result.problems
    job.bytes_read = job.file_size
    job = _finish(job, ImportJob.Status.SUCCEEDED)
    warm_public_views(job.agency)
    return job


def _finish(job: ImportJob, status: str) -> ImportJob:
    job.status = status
    job.finished_at = timezone.now()
    job.save()
    return job


def import_file(
    *, agency, path: Path, mapping: dict, uploaded_by=None, saved_mapping=None, check=None
) -> ImportJob:
    """Import a file where it lies (the command, the demo): a job without an upload."""
    path = Path(path)
    with importing.open_table(path) as table:
        errors = importing.validate_mapping(mapping, table.header)
    if errors:
        raise MappingError(" ".join(errors))
    job = ImportJob.objects.create(
        agency=agency,
        uploaded_by=uploaded_by,
        original_name=str(path.resolve()),
        file_size=path.stat().st_size,
        source=mapping.get("source", "incidents"),
        mapping=saved_mapping,
        mapping_used=mapping,
        status=ImportJob.Status.QUEUED,
    )
    return run_import(job.pk, check=check)


def load_mapping_file(path: Path) -> dict:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise MappingError(f"The mapping file {path} could not be read: {exc}") from exc


# --- Boundaries ----------------------------------------------------------------------------

LAYER_FIELDS = {
    Boundary.Layer.DISTRICT: "district",
    Boundary.Layer.BEAT: "beat",
    Boundary.Layer.NEIGHBORHOOD: "area_code",
}


class BoundaryError(ValueError):
    pass


def read_geojson(data: bytes | str) -> list[dict]:
    try:
        doc = json.loads(data)
    except ValueError as exc:
        raise BoundaryError(f"This is not GeoJSON: {exc}") from exc
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise BoundaryError("The file must be a GeoJSON FeatureCollection.")
    features = [
        f
        for f in doc.get("features") or []
        if isinstance(f, dict)
        and isinstance(f.get("geometry"), dict)
        and f["geometry"].get("type") in ("Polygon", "MultiPolygon")
    ]
    if not features:
        raise BoundaryError("The file has no polygon features.")
    return features


def suggest_code_property(*, agency, layer: str, features: list[dict]) -> str:
    """The feature property whose values best match the codes in the agency's records."""
    field_name = LAYER_FIELDS[layer]
    codes = {
        importing.area_key(c)
        for c in agency.police_records.order_by()
        .values_list(field_name, flat=True)
        .distinct()[:5000]
        if c
    }
    properties = list((features[0].get("properties") or {}).keys())
    if not properties:
        raise BoundaryError("The features have no properties to name them by.")

    def score(prop):
        keys = {
            importing.area_key(str((f.get("properties") or {}).get(prop, ""))) for f in features
        }
        return len(keys & codes)

    preferred = [
        p for p in properties if any(w in p.lower() for w in ("num", "code", "id", "name"))
    ]
    return max(properties, key=lambda p: (score(p), p in preferred))


@transaction.atomic
def replace_boundaries(
    *, agency, layer: str, features: list[dict], code_property: str, name_property: str, uploaded_by
) -> int:
    """Replace an agency's boundaries of one layer. Features sharing a code (Chicago's
    district 31 comes in three parts) are merged into one MultiPolygon."""
    merged: dict[str, dict] = {}
    for feature in features:
        props = feature.get("properties") or {}
        code = str(props.get(code_property, "")).strip()
        if not code:
            continue
        key = importing.area_key(code)
        geometry = feature["geometry"]
        polygons = (
            geometry["coordinates"]
            if geometry["type"] == "MultiPolygon"
            else [geometry["coordinates"]]
        )
        entry = merged.setdefault(
            key,
            {"code": code, "name": str(props.get(name_property, "") or code)[:200], "polygons": []},
        )
        entry["polygons"].extend(polygons)
    if not merged:
        raise BoundaryError(f"No feature has a value for “{code_property}”.")
    for old in agency.boundaries.filter(layer=layer):
        old._history_user = uploaded_by
        old.delete()
    # bulk_create skips django-simple-history; this records the new shapes, and who sent them.
    bulk_create_with_history(
        [
            Boundary(
                agency=agency,
                layer=layer,
                code=entry["code"][:100],
                name=entry["name"],
                join_key=key[:100],
                geometry=orient({"type": "MultiPolygon", "coordinates": entry["polygons"]}),
            )
            for key, entry in merged.items()
        ],
        Boundary,
        default_user=uploaded_by,
    )
    return len(merged)


def boundary_match(*, agency, layer: str) -> dict:
    """How the agency's record codes join to its boundaries of one layer."""
    field_name = LAYER_FIELDS[layer]
    keys = set(agency.boundaries.filter(layer=layer).values_list("join_key", flat=True))
    codes = (
        agency.police_records.exclude(**{field_name: ""})
        .order_by()
        .values_list(field_name, flat=True)
        .distinct()
    )
    matched, unmatched = [], []
    for code in codes:
        (matched if importing.area_key(code) in keys else unmatched).append(code)
    return {"matched": sorted(matched), "unmatched": sorted(unmatched), "boundaries": len(keys)}
