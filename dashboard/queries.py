"""Named read functions for the public dashboard. They return plain data, never querysets.

Every aggregate is computed in PostgreSQL (GROUP BY / GROUPING SETS / date_trunc / FILTER),
never by looping over rows in Python, and a page issues the same few queries whatever the
size of the data. Results go through dashboard.privacy before they are returned, and are
cached per agency + filters + data version (the version changes when an import finishes,
the publication settings change or boundaries are uploaded), so most page views issue only
the two small queries that resolve the agency and its data version.
"""

import datetime as dt
import hashlib
import zoneinfo
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connections, transaction

from cs360.dbrouter import read_alias
from cs360.models import Agency
from dashboard import privacy
from dashboard.geometry import orient
from dashboard.models import Boundary, ImportJob, Source
from dashboard.publication import Levels

CACHE_SECONDS = 60 * 60
INTERVALS = {"week": "Week", "month": "Month"}
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
# Three-hour bands keep the time-of-day grid readable and its cells above the threshold.
BANDS = ["0–3", "3–6", "6–9", "9–12", "12–15", "15–18", "18–21", "21–24"]
BAND_LABELS = [
    "Midnight–3am",
    "3am–6am",
    "6am–9am",
    "9am–noon",
    "Noon–3pm",
    "3pm–6pm",
    "6pm–9pm",
    "9pm–midnight",
]
DENSITY_LIMIT = 1500
# Grouping a million rows several ways at once fits in memory (hash aggregation) with this;
# with PostgreSQL's default of 4 MB it sorts on disk and takes several times longer.
AGGREGATE_MEMORY = "SET LOCAL work_mem = '128MB'"


def public_agencies():
    """Agencies with their publication settings, for resolving /p/<slug>/."""
    return Agency.objects.select_related("publication_settings")


def rules_for(agency) -> privacy.Rules:
    try:
        settings = agency.publication_settings
    except Agency.publication_settings.RelatedObjectDoesNotExist:
        settings = None
    return privacy.Rules.from_settings(settings)


@dataclass(frozen=True)
class DataVersion:
    """What changes when the public data may have changed; part of every cache key."""

    stamp: str
    last_import: dt.datetime | None
    boundaries: int


def data_version(agency, rules: privacy.Rules) -> DataVersion:
    """One query: the latest finished import and the boundary count of this agency."""
    with _cursor() as cursor:
        cursor.execute(
            f"""
            SELECT (SELECT max(finished_at) FROM {ImportJob._meta.db_table}
                     WHERE agency_id = %s AND status = %s),
                   (SELECT count(*) FROM {ImportJob._meta.db_table}
                     WHERE agency_id = %s AND status = %s),
                   (SELECT count(*) FROM {Boundary._meta.db_table} WHERE agency_id = %s),
                   (SELECT coalesce(max(id), 0) FROM {Boundary._meta.db_table}
                     WHERE agency_id = %s),
                   (SELECT count(*) || '/' || coalesce(max(decided_at)::text, '-')
                      FROM dashboard_categorydecision WHERE agency_id = %s)
            """,
            [
                agency.pk,
                ImportJob.Status.SUCCEEDED,
                agency.pk,
                ImportJob.Status.SUCCEEDED,
                agency.pk,
                agency.pk,
                agency.pk,
            ],
        )
        last_import, imports, boundaries, boundary_max, decisions = cursor.fetchone()
    settings_stamp = ""
    settings = getattr(agency, "publication_settings", None)
    if settings is not None and settings.updated_at:
        settings_stamp = settings.updated_at.isoformat()
    stamp = "|".join(
        str(part)
        for part in (
            last_import.isoformat() if last_import else "-",
            imports,
            boundaries,
            boundary_max,
            decisions,
            settings_stamp,
            rules.threshold,
            ",".join(rules.sensitive_terms),
            ",".join(rules.published_categories),
        )
    )
    return DataVersion(stamp=stamp, last_import=last_import, boundaries=boundaries)


def _cached(agency, version: DataVersion, name: str, key_parts, compute, seconds=CACHE_SECONDS):
    # A stable digest (not hash()), so processes sharing a cache server agree on keys.
    digest = hashlib.sha1(repr((version.stamp, key_parts)).encode()).hexdigest()
    key = f"cs360:public:{agency.pk}:{name}:{digest}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value


cached = _cached


def _cursor():
    # Raw SQL bypasses database routers: take the connection the router would choose.
    return connections[read_alias()].cursor()


def _tz(agency):
    return zoneinfo.ZoneInfo(agency.time_zone)


# --- What data there is ------------------------------------------------------------------------


@dataclass
class Catalog:
    """What an agency has published: sources, date span, categories and districts."""

    sources: list[tuple[str, str, int]]  # (value, label, count)
    first_date: dt.date | None
    last_date: dt.date | None
    categories: list[str]  # frequent enough to be codes, published, sorted
    districts: list[str]
    record_count: int
    # The category review's decisions (dashboard.publication). A value without a decision,
    # including one that arrived after this catalog was made, is "areas only": fails safe.
    levels: Levels = field(default_factory=Levels)

    @property
    def has_data(self) -> bool:
        return self.record_count > 0

    def sensitive_sql(self) -> tuple[str, list]:
        """True for a record that may be counted by district but never mapped or listed."""
        sql, params = self.levels.point_sql()
        return f"NOT {sql}", params

    def hidden_sql(self) -> tuple[str, list]:
        return self.levels.hidden_sql()


def _category_sql():
    return (
        "coalesce(nullif(btrim(category), ''), nullif(btrim(final_type), ''), "
        f"nullif(btrim(initial_type), ''), '{privacy.UNCLASSIFIED}')"
    )


def levels(agency, version: DataVersion) -> Levels:
    """The agency's publication decisions (cached per data version, which includes them)."""
    return _cached(agency, version, "levels", (), lambda: Levels.for_agency(agency))


def publication_promise(agency, rules: privacy.Rules, version: DataVersion):
    """What the public page may say about sensitive data, made from the decisions (cached)."""
    from dashboard import publication

    return _cached(
        agency,
        version,
        "promise",
        (),
        lambda: publication.promise(publication.inventory(agency, rules.sensitive_terms)),
    )


def catalog(agency, rules: privacy.Rules, version: DataVersion, source: str | None) -> Catalog:
    """One query over the agency's records (cached): sources, dates, categories, districts."""
    published = levels(agency, version)
    hidden_sql, hidden_params = published.hidden_sql()

    def compute():
        tz = agency.time_zone
        with transaction.atomic(using=read_alias()), _cursor() as cursor:
            cursor.execute(AGGREGATE_MEMORY)
            cursor.execute(
                f"""
                SELECT GROUPING(source) AS g_source, GROUPING(cat) AS g_cat,
                       GROUPING(district) AS g_district, source, cat, district,
                       count(*), min(occurred_at AT TIME ZONE %s),
                       max(occurred_at AT TIME ZONE %s)
                  FROM (SELECT source, {_category_sql()} AS cat,
                               nullif(btrim(district), '') AS district, occurred_at
                          FROM dashboard_policerecord
                         WHERE agency_id = %s AND occurred_at IS NOT NULL
                           AND NOT {hidden_sql}) AS r
                 GROUP BY GROUPING SETS ((source), (source, cat), (source, district))
                """,
                [tz, tz, agency.pk, *hidden_params],
            )
            rows = cursor.fetchall()
        return rows

    rows = _cached(agency, version, "catalog", (), compute)
    labels = dict(Source.choices)
    sources = sorted(
        (
            (row[3], labels.get(row[3], row[3]), row[6])
            for row in rows
            if row[1] == 1 and row[2] == 1
        ),
        key=lambda s: (s[0] != Source.INCIDENTS, s[0]),
    )
    if source is None:
        source = sources[0][0] if sources else Source.INCIDENTS
    mine = [row for row in rows if row[3] == source]
    totals = [row for row in mine if row[1] == 1 and row[2] == 1]
    categories = sorted(
        row[4]
        for row in mine
        if row[1] == 0
        and row[6] >= rules.threshold
        and row[4] != privacy.UNCLASSIFIED
        and rules.category_published(row[4])
    )
    districts = sorted(
        (row[5] for row in mine if row[2] == 0 and row[5] and row[6] >= rules.threshold),
        key=_natural,
    )
    first = totals[0][7] if totals else None
    last = totals[0][8] if totals else None
    return Catalog(
        sources=sources,
        first_date=first.date() if first else None,
        last_date=last.date() if last else None,
        categories=categories,
        districts=districts,
        record_count=totals[0][6] if totals else 0,
        levels=published,
    )


def _natural(value: str):
    return (0, int(value), "") if value.isdigit() else (1, 0, value.lower())


# --- The explorer's filters --------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    source: str
    start: dt.date
    end: dt.date  # inclusive
    category: str = ""
    district: str = ""
    interval: str = "month"

    def key(self):
        return (
            self.source,
            self.start.isoformat(),
            self.end.isoformat(),
            self.category,
            self.district,
            self.interval,
        )

    def as_params(self) -> dict:
        params = {
            "source": self.source,
            "start": f"{self.start:%Y-%m}",
            "end": f"{self.end:%Y-%m}",
            "interval": self.interval,
        }
        if self.category:
            params["category"] = self.category
        if self.district:
            params["district"] = self.district
        return params

    def describe(self) -> str:
        if (self.start.year, self.start.month) == (self.end.year, self.end.month):
            parts = [f"{self.start:%B %Y}"]
        else:
            parts = [f"{self.start:%B %Y} to {self.end:%B %Y}"]
        if self.category:
            parts.append(self.category)
        if self.district:
            parts.append(f"district {self.district}")
        return ", ".join(parts)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def default_filters(cat: Catalog, source: str | None = None) -> Filters:
    """The last twelve whole months of data: the newest record's month and the eleven
    before it (never a range that starts or ends inside a month; see snap_range)."""
    end = month_end(cat.last_date or dt.date.today())
    start = add_months(end, -11)
    if cat.first_date:
        start = max(start, month_start(cat.first_date))
    return Filters(
        source=source or (cat.sources[0][0] if cat.sources else "incidents"), start=start, end=end
    )


# --- Aggregates for the explorer ---------------------------------------------------------------


@dataclass
class Series:
    label: str
    x: list
    cells: list[privacy.Cell]


@dataclass
class Explorer:
    filters: Filters
    threshold: int
    total: privacy.Cell
    previous_total: privacy.Cell
    over_time: list[Series]  # current period, then the same dates a year earlier
    by_category: list[tuple[str, privacy.Cell]]
    by_district: list[tuple[str, privacy.Cell]]
    heatmap: list[list[privacy.Cell]]  # [band][day]
    density: list[tuple[float, float, int]] = field(default_factory=list)
    sensitive_share: privacy.Cell | None = None
    choropleth: dict | None = None  # {"layer", "geojson", "rows": [(key, name, Cell)]}
    has_previous: bool = True  # the data reaches back to the same dates a year earlier
    partial: list = field(default_factory=list)  # the first or last month is only partly covered


def _where(agency, rules: privacy.Rules, f: Filters, cat: Catalog, *, since):
    """The WHERE clause shared by the explorer's queries, and its parameters."""
    tz = _tz(agency)
    start = dt.datetime.combine(since, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(f.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    clauses = ["agency_id = %s", "source = %s", "occurred_at >= %s", "occurred_at < %s"]
    params: list = [agency.pk, f.source, start, end]
    hidden_sql, hidden_params = cat.hidden_sql()
    clauses.append(f"NOT {hidden_sql}")
    params.extend(hidden_params)
    if rules.published_categories:
        clauses.append(f"{_category_sql()} = ANY(%s)")
        params.append(list(rules.published_categories))
    if f.category:
        clauses.append(f"{_category_sql()} = %s")
        params.append(f.category)
    if f.district:
        clauses.append("btrim(district) = %s")
        params.append(f.district)
    return " AND ".join(clauses), params


def explorer(agency, rules: privacy.Rules, version: DataVersion, f: Filters, cat: Catalog):
    """Everything the police data explorer shows for these filters, privacy rules applied.

    No differencing: the range is whole months, and every count is a sum of *month cells*
    (one month x one category, district, time band or week) that each hold at least the
    threshold; smaller month cells are left out of every sum (the count is then marked as
    incomplete). Two overlapping ranges differ by whole month cells, so subtracting any
    two published counts gives zero or at least the threshold, never a small number.
    """
    rows, density_rows = _cached(
        agency, version, "explorer", f.key(), lambda: _explorer_rows(agency, rules, f, cat)
    )
    t = rules.threshold
    sums: dict = {}  # (dimension, key) -> [current, previous, current dropped, prev dropped]

    def add(dim, key, n, n_prev):
        entry = sums.setdefault((dim, key), [0, 0, False, False])
        if n >= t:
            entry[0] += n
        elif n:
            entry[2] = True
        if n_prev >= t:
            entry[1] += n_prev
        elif n_prev:
            entry[3] = True

    sensitive = [0, False]
    for g_bucket, g_cat, g_district, g_dow, bucket, category, district, dow, band, *counts in rows:
        n, n_prev, n_sens = counts
        if g_bucket == 0:
            add("bucket", bucket, n, n_prev)
        elif g_cat == 0:
            add("cat", category, n, 0)
        elif g_district == 0:
            add("district", district or "Not recorded", n, 0)
        elif g_dow == 0:
            add("grid", (int(band), int(dow) - 1), n, 0)
        else:
            add("total", None, n, n_prev)
            if n_sens >= t:
                sensitive[0] += n_sens
            elif n_sens:
                sensitive[1] = True

    def cell(dim, key, previous=False):
        entry = sums.get((dim, key))
        if entry is None:
            return privacy.Cell(0, threshold=t)
        value, dropped = (entry[1], entry[3]) if previous else (entry[0], entry[2])
        if dropped and not value:
            return privacy.Cell(None, primary=True, threshold=t)
        return privacy.Cell(value, threshold=t, incomplete=dropped)

    def keys(dim):
        return [k for d, k in sums if d == dim and (sums[(d, k)][0] or sums[(d, k)][2])]

    xs = _bucket_axis(f)
    cat_items = _fold_rare_cells(
        sorted(((k, cell("cat", k)) for k in keys("cat")), key=lambda kv: _cell_order(kv)),
        list(cat.categories),
        t,
    )
    districts = sorted(keys("district"), key=_natural)
    total, previous = cell("total", None), cell("total", None, previous=True)
    grid = _protect([cell("grid", (b, d)) for b in range(len(BANDS)) for d in range(7)], total)
    by_category = _protect([c for _, c in cat_items], total)
    by_district = _protect([cell("district", k) for k in districts], total)
    return Explorer(
        filters=f,
        threshold=t,
        total=total,
        previous_total=previous,
        over_time=[
            Series("Selected period", xs, _protect([cell("bucket", x) for x in xs], total)),
            Series(
                "Same dates a year earlier",
                xs,
                _protect([cell("bucket", x, True) for x in xs], previous),
            ),
        ],
        by_category=list(zip([k for k, _ in cat_items], by_category, strict=True)),
        by_district=list(zip(districts, by_district, strict=True)),
        heatmap=[grid[i * 7 : (i + 1) * 7] for i in range(len(BANDS))],
        density=[(lat, lon, n) for lat, lon, n in density_rows],
        sensitive_share=privacy.Cell(
            None if sensitive[1] and not sensitive[0] else sensitive[0],
            primary=True,
            threshold=t,
            incomplete=sensitive[1],
        ),
        has_previous=bool(cat.first_date and cat.first_date <= _year_before(f.end)),
        partial=_partial_months(f, cat),
    )


def _protect(cells: list, total: privacy.Cell) -> list:
    """Complementary suppression against the total shown beside a chart.

    The total minus the cells shown is what a chart leaves out (month cells below the
    threshold, suppressed cells); when that is a small number, the smallest shown cells
    are hidden too, until what is hidden adds up to at least the threshold.
    """
    t = total.threshold
    if total.value is None:
        return [privacy.Cell(None, threshold=t) if c.value else c for c in cells]
    cells = list(cells)
    hidden = total.value - sum(c.value or 0 for c in cells)
    if hidden == 0 or hidden >= t:
        return cells
    for i in sorted((i for i, c in enumerate(cells) if c.value), key=lambda i: cells[i].value):
        hidden += cells[i].value
        cells[i] = privacy.Cell(None, threshold=t)
        if hidden >= t:
            break
    return cells


def _cell_order(item):
    name, c = item
    return (-(c.value or 0), name)


def _fold_rare_cells(items, known, threshold):
    """Categories too rare to be codes (or not published) are folded into "Other"."""
    known = set(known)
    kept = [(name, c) for name, c in items if name in known]
    rest = [c for name, c in items if name not in known]
    if rest:
        value = sum(c.value or 0 for c in rest)
        dropped = any(c.suppressed or c.incomplete for c in rest)
        other = (
            privacy.Cell(None, primary=True, threshold=threshold)
            if dropped and not value
            else privacy.Cell(value, threshold=threshold, incomplete=dropped)
        )
        kept.append((privacy.OTHER, other))
    return kept


def _partial_months(f: Filters, cat: Catalog) -> list[str]:
    """Sentences for a first or last month that the data covers only in part."""
    notes = []
    if cat.first_date and f.start < cat.first_date <= f.end:
        notes.append(
            f"The data starts on {cat.first_date:%-d %B %Y}: {cat.first_date:%B} is partial."
        )
    if cat.last_date and f.start <= cat.last_date < f.end:
        notes.append(f"The data runs to {cat.last_date:%-d %B %Y}: {cat.last_date:%B} is partial.")
    return notes


def _bucket_axis(f: Filters) -> list[dt.date]:
    """Every week (Monday) or month (1st) from the start to the end, so gaps show as zero."""
    if f.interval == "week":
        first = f.start - dt.timedelta(days=f.start.weekday())
        return [first + dt.timedelta(weeks=i) for i in range((f.end - first).days // 7 + 1)]
    xs, day = [], f.start.replace(day=1)
    while day <= f.end:
        xs.append(day)
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return xs


def _explorer_rows(agency, rules, f: Filters, cat: Catalog):
    since = _year_before(f.start)
    where, params = _where(agency, rules, f, cat, since=since)
    sens_sql, sens_params = cat.sensitive_sql()
    tz = agency.time_zone
    tz_start = dt.datetime.combine(f.start, dt.time.min, tzinfo=_tz(agency))
    interval = "week" if f.interval == "week" else "month"
    # The comparison covers the same dates a year earlier, and no more.
    prev_end = dt.datetime.combine(
        _year_before(f.end) + dt.timedelta(days=1), dt.time.min, tzinfo=_tz(agency)
    )
    with transaction.atomic(using=read_alias()), _cursor() as cursor:
        cursor.execute(AGGREGATE_MEMORY)
        cursor.execute(
            f"""
            SELECT GROUPING(bucket), GROUPING(cat), GROUPING(district), GROUPING(dow, band),
                   bucket, cat, district, dow, band,
                   count(*) FILTER (WHERE cur),
                   count(*) FILTER (WHERE NOT cur),
                   count(*) FILTER (WHERE cur AND sensitive)
              FROM (
                SELECT occurred_at >= %s AS cur,
                       date_trunc(%s, CASE WHEN occurred_at >= %s THEN occurred_at
                                           ELSE occurred_at + interval '1 year' END
                                      AT TIME ZONE %s)::date AS bucket,
                       date_trunc('month', CASE WHEN occurred_at >= %s THEN occurred_at
                                           ELSE occurred_at + interval '1 year' END
                                      AT TIME ZONE %s)::date AS month,
                       {_category_sql()} AS cat,
                       nullif(btrim(district), '') AS district,
                       extract(isodow FROM occurred_at AT TIME ZONE %s)::int AS dow,
                       (extract(hour FROM occurred_at AT TIME ZONE %s)::int / 3) AS band,
                       {sens_sql} AS sensitive
                  FROM dashboard_policerecord
                 WHERE {where} AND (occurred_at >= %s OR occurred_at < %s)
              ) AS r
             GROUP BY GROUPING SETS ((month, bucket), (month, cat), (month, district),
                                    (month, dow, band), (month))
            """,
            [
                tz_start,
                interval,
                tz_start,
                tz,
                tz_start,
                tz,
                tz,
                tz,
                *sens_params,
                *params,
                tz_start,
                prev_end,
            ],
        )
        rows = cursor.fetchall()
        cursor.execute(
            f"""
            SELECT lat, lon, sum(n)::int
              FROM (SELECT round(public_latitude::numeric, 3)::float8 AS lat,
                           round(public_longitude::numeric, 3)::float8 AS lon,
                           date_trunc('month', occurred_at AT TIME ZONE %s) AS month,
                           count(*) AS n
                      FROM dashboard_policerecord
                     WHERE {where} AND occurred_at >= %s AND public_latitude IS NOT NULL
                       AND public_longitude IS NOT NULL AND NOT {sens_sql}
                     GROUP BY 1, 2, 3
                    HAVING count(*) >= %s) AS month_cells
             GROUP BY 1, 2
             ORDER BY 3 DESC
             LIMIT {DENSITY_LIMIT}
            """,
            [tz, *params, tz_start, *sens_params, rules.threshold],
        )
        density = cursor.fetchall()
    return rows, density


def _year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


# --- Boundaries (choropleth) -------------------------------------------------------------------


def district_boundaries(agency, version: DataVersion):
    """The agency's district polygons as one GeoJSON FeatureCollection (cached), or None."""
    if not version.boundaries:
        return None

    def compute():
        rows = list(
            agency.boundaries.filter(layer=Boundary.Layer.DISTRICT).values_list(
                "join_key", "code", "name", "geometry"
            )
        )
        if not rows:
            return None
        features = [
            {
                "type": "Feature",
                "id": key,
                "properties": {"code": code, "name": name or code},
                # Rewound on read too: boundaries stored before ring order was fixed.
                "geometry": orient(
                    geometry.get("geometry", geometry)
                    if isinstance(geometry, dict) and geometry.get("type") == "Feature"
                    else geometry
                ),
            }
            for key, code, name, geometry in rows
        ]
        return {"type": "FeatureCollection", "features": features}

    return _cached(agency, version, "districts", (), compute)


def area_key(value: str) -> str:
    """The join key of a record's district, as Boundary.join_key is made."""
    try:
        from dashboard.importing import area_key as import_area_key
    except ImportError:  # the import pipeline is not there yet
        return " ".join(value.lower().split()).lstrip("0") or value
    return import_area_key(value)


# --- Open data ---------------------------------------------------------------------------------

OPEN_DATA_FIELDS = [
    ("record_id", "The agency's own number for the call or incident."),
    ("source", "calls (calls for service) or incidents (reported incidents)."),
    ("occurred_date", "The local date it happened (or the call was received)."),
    ("occurred_hour", "The local hour it happened, 0 to 23."),
    ("category", "The agency's category. Rare values are shown as Other."),
    ("district", "The police district."),
    ("block", "The hundred block (e.g. 1200 block of N Main St), never an exact address."),
    ("latitude", "Snapped to a grid of about one block; blank when not known."),
    ("longitude", "Snapped to a grid of about one block; blank when not known."),
]
OPEN_DATA_LIMIT = 100_000


def open_data_rows(agency, rules: privacy.Rules, cat: Catalog, source: str):
    """Record-level open data, generalized: non-sensitive records only, newest first.

    A generator of dicts streamed from a server-side cursor, so a large download does not
    sit in memory. Sensitive records are left out entirely (they are in the aggregates,
    by district); categories that are not codes become "Other".
    """
    point_sql, point_params = cat.levels.point_sql()
    known = list(cat.categories)
    tz = agency.time_zone
    published = ""
    params: list = [tz, tz, known, agency.pk, source, *point_params]
    if rules.published_categories:
        published = f" AND {_category_sql()} = ANY(%s)"
        params.append(list(rules.published_categories))
    sql = f"""
        SELECT record_id, source, (occurred_at AT TIME ZONE %s)::date,
               extract(hour FROM occurred_at AT TIME ZONE %s)::int,
               CASE WHEN {_category_sql()} = ANY(%s) THEN {_category_sql()} ELSE 'Other' END,
               btrim(district), block_address, public_latitude, public_longitude
          FROM dashboard_policerecord
         WHERE agency_id = %s AND source = %s AND occurred_at IS NOT NULL
           AND {point_sql}{published}
         ORDER BY occurred_at DESC
         LIMIT {OPEN_DATA_LIMIT}
    """
    with _cursor() as cursor:
        cursor.execute(sql, params)
        while True:
            chunk = cursor.fetchmany(2000)
            if not chunk:
                break
            for rid, src, day, hour, category, district, block, lat, lon in chunk:
                yield {
                    "record_id": rid,
                    "source": src,
                    "occurred_date": day.isoformat() if day else "",
                    "occurred_hour": hour,
                    "category": category,
                    "district": district or "",
                    "block": privacy.hundred_block(block),
                    "latitude": privacy.snap(lat),
                    "longitude": privacy.snap(lon),
                }


MONTHLY_FIELDS = [
    ("month", "The first day of the month (local time)."),
    ("category", "The agency's category. Rare values are shown as Other."),
    ("count", "How many; blank when suppressed."),
    ("suppressed", "true when the count is hidden because it is small, or to protect one."),
]


def monthly_counts(agency, rules: privacy.Rules, version: DataVersion, cat: Catalog, source):
    """Month x category counts (cached), suppressed within each month."""

    def compute():
        tz = agency.time_zone
        hidden_sql, hidden_params = cat.hidden_sql()
        params: list = [tz, list(cat.categories), agency.pk, source, *hidden_params]
        published = ""
        if rules.published_categories:
            published = f" AND {_category_sql()} = ANY(%s)"
            params.append(list(rules.published_categories))
        with _cursor() as cursor:
            cursor.execute(
                f"""
                SELECT date_trunc('month', occurred_at AT TIME ZONE %s)::date AS month,
                       CASE WHEN {_category_sql()} = ANY(%s) THEN {_category_sql()}
                            ELSE 'Other' END AS cat,
                       count(*)
                  FROM dashboard_policerecord
                 WHERE agency_id = %s AND source = %s AND occurred_at IS NOT NULL
                   AND NOT {hidden_sql}{published}
                 GROUP BY 1, 2
                 ORDER BY 1, 2
                """,
                params,
            )
            return cursor.fetchall()

    rows = _cached(agency, version, "monthly", (source,), compute)
    out = []
    by_month: dict = {}
    for month, category, n in rows:
        by_month.setdefault(month, []).append((category, n))
    for month, items in by_month.items():
        cells = rules.suppress([n for _, n in items])
        for (category, _), cell in zip(items, cells, strict=True):
            out.append(
                {
                    "month": month.isoformat(),
                    "category": category,
                    "count": cell.value,
                    "suppressed": cell.suppressed,
                }
            )
    return out


# --- Community blocks: what we heard, decided, are doing, and how it is going -----------------


def public_priorities(agency, rules: privacy.Rules) -> list[dict]:
    """The agency's public priorities with their four blocks, in a constant number of queries.

    Only what staff approved for publication: the priority's public summary, approved
    quotes, counts (suppressed like police counts), sectors of the team (never names),
    action descriptions and statuses (never owners), and public metrics.
    """
    from django.db.models import Count, Q

    from scanning.models import Input
    from teams.models import ActionItem, Metric, TeamMember

    priorities = list(
        agency.priorities.public()
        .select_related("decision", "team", "candidate")
        .order_by("rank", "title")
    )
    if not priorities:
        return []
    candidate_ids = [p.candidate_id for p in priorities if p.candidate_id]
    team_ids = [p.team_id for p in priorities if p.team_id]
    heard = Input.objects.filter(agency=agency).filter(
        Q(candidate_id__in=candidate_ids) | Q(candidate__merged_into_id__in=candidate_ids)
    )
    channels = list(
        heard.values("candidate_id", "candidate__merged_into_id", "activity__kind").annotate(
            n=Count("id")
        )
    )
    respondents = list(
        heard.values("candidate_id", "candidate__merged_into_id", "respondent_kind").annotate(
            n=Count("id")
        )
    )
    quotes = list(
        heard.filter(quote_approved=True)
        .order_by("-activity__held_on", "pk")
        .values("candidate_id", "candidate__merged_into_id", "text", "activity__held_on")[:200]
    )
    sectors = list(
        TeamMember.objects.filter(agency=agency, team_id__in=team_ids, left_on__isnull=True)
        .values("team_id", "sector")
        .annotate(n=Count("id"))
    )
    actions = list(
        ActionItem.objects.filter(agency=agency, team_id__in=team_ids)
        .exclude(status=ActionItem.Status.DROPPED)
        .order_by("due_on", "pk")
        .values("team_id", "description", "status", "due_on", "completed_on")
    )
    metrics = list(
        Metric.objects.filter(agency=agency, team_id__in=team_ids, is_public=True).with_latest()
    )
    return [
        _priority_blocks(p, rules, channels, respondents, quotes, sectors, actions, metrics)
        for p in priorities
    ]


def _for_candidate(rows, candidate_id):
    return [
        r
        for r in rows
        if candidate_id and candidate_id in (r["candidate_id"], r["candidate__merged_into_id"])
    ]


def _labelled_counts(rows, key, labels, rules, *, suppress=True):
    totals: dict[str, int] = {}
    for r in rows:
        totals[r[key]] = totals.get(r[key], 0) + r["n"]
    items = sorted(totals.items(), key=lambda kv: -kv[1])
    if suppress:
        cells = rules.suppress([n for _, n in items])
    else:
        cells = [privacy.Cell(n, threshold=rules.threshold) for _, n in items]
    return [(labels.get(k, k or "Not recorded"), c) for (k, _), c in zip(items, cells, strict=True)]


def _priority_blocks(p, rules, channels, respondents, quotes, sectors, actions, metrics):
    from scanning.models import ActivityKind, RespondentKind
    from teams.models import ActionItem, TeamMember

    mine = _for_candidate(channels, p.candidate_id)
    heard_total = sum(r["n"] for r in mine)
    respondent_cells = _labelled_counts(
        _for_candidate(respondents, p.candidate_id),
        "respondent_kind",
        dict(RespondentKind.choices),
        rules,
    )
    decision = p.decision
    snapshot = decision.results_snapshot or {}
    row = next((r for r in snapshot.get("rows", []) if r.get("candidate") == p.candidate_id), None)
    support = None
    if row and row.get("sectors"):
        supporters = sum(v[0] for v in row["sectors"].values())
        voters = sum(v[1] for v in row["sectors"].values())
        support = {
            "supporters": supporters,
            "voters": voters,
            "dissent": voters - supporters,
            # A sector's split is shown only when it cannot reveal one member's ballot.
            "sectors": [
                (sector.replace("_", " ").capitalize(), v[0], v[1])
                for sector, v in sorted(row["sectors"].items())
                if v[1] >= 3
            ],
        }
    sector_labels = dict(TeamMember.Sector.choices)
    team_sectors = [
        (sector_labels.get(r["sector"], r["sector"]), r["n"])
        for r in sectors
        if r["team_id"] == p.team_id
    ]
    status_labels = dict(ActionItem.Status.choices)
    team_actions = [
        {**a, "status_label": status_labels.get(a["status"], a["status"])}
        for a in actions
        if a["team_id"] == p.team_id
    ]
    return {
        "priority": p,
        "summary": p.public_summary,
        "heard_total": privacy.suppressed_total([heard_total], rules.threshold),
        # How comments came in (meetings, calls...) says nothing about a person: shown as
        # is. Who spoke (youth, business owners...) can single someone out: suppressed.
        "channels": _labelled_counts(
            mine, "activity__kind", dict(ActivityKind.choices), rules, suppress=False
        ),
        "respondents": [(label, cell) for label, cell in respondent_cells if cell.value],
        "respondents_hidden": any(cell.suppressed for _, cell in respondent_cells),
        "quotes": _for_candidate(quotes, p.candidate_id)[:3],
        "decided_on": decision.decided_at,
        "ballots": decision.ballots_counted,
        "quorum_met": decision.quorum_met,
        "rank": row.get("rank") if row else p.rank,
        "of": len(snapshot.get("rows", [])) or None,
        "support": support,
        "team": p.team,
        "sectors": team_sectors,
        "team_size": sum(n for _, n in team_sectors),
        "actions": team_actions,
        "actions_done": sum(1 for a in team_actions if a["status"] == ActionItem.Status.DONE),
        "metrics": [m for m in metrics if m.team_id == p.team_id],
    }


def priority_trends(agency, rules: privacy.Rules, version: DataVersion, cat: Catalog) -> dict:
    """Monthly counts over the last twelve months of data for each priority's categories.

    One query for every priority together (cached per data version; the mapping lives in
    PublicationSettings, whose changes change the version). Only published, frequent
    categories count; the rest of the mapping is ignored.
    """
    settings = getattr(agency, "publication_settings", None)
    mapping = {
        int(pk): [c for c in names if c in cat.categories]
        for pk, names in ((settings.priority_categories or {}) if settings else {}).items()
        if str(pk).isdigit()
    }
    mapping = {pk: names for pk, names in mapping.items() if names}
    if not mapping or not cat.last_date:
        return {}
    end = cat.last_date
    start = (end.replace(day=1) - dt.timedelta(days=335)).replace(day=1)
    f = Filters(source=cat.sources[0][0] if cat.sources else "incidents", start=start, end=end)
    tz = _tz(agency)
    since = dt.datetime.combine(_year_before(start), dt.time.min, tzinfo=tz)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    wanted = sorted({c for names in mapping.values() for c in names})
    hidden_sql, hidden_params = cat.hidden_sql()

    def compute():
        with _cursor() as cursor:
            cursor.execute(
                f"""
                SELECT {_category_sql()} AS cat,
                       date_trunc('month', occurred_at AT TIME ZONE %s)::date, count(*)
                  FROM dashboard_policerecord
                 WHERE agency_id = %s AND source = %s AND occurred_at >= %s
                   AND occurred_at < %s AND {_category_sql()} = ANY(%s) AND NOT {hidden_sql}
                 GROUP BY 1, 2
                """,
                [agency.time_zone, agency.pk, f.source, since, until, wanted, *hidden_params],
            )
            return cursor.fetchall()

    rows = _cached(agency, version, "priority-trends", tuple(wanted), compute)
    xs = _bucket_axis(f)
    trends = {}
    for pk, names in mapping.items():
        by_month: dict = {}
        previous = 0
        for category, month, n in rows:
            if category not in names:
                continue
            if month >= start:
                by_month[month] = by_month.get(month, 0) + n
            else:
                previous += n
        counts = [by_month.get(x, 0) for x in xs]
        has_previous = bool(cat.first_date and cat.first_date <= _year_before(start))
        trends[pk] = {
            "categories": names,
            "x": xs,
            "cells": rules.suppress(counts),
            "total": privacy.suppressed_total(counts, rules.threshold),
            "previous": privacy.suppressed_total([previous], rules.threshold)
            if has_previous
            else None,
            "filters": f,
        }
    return trends
