"""The public dashboard at /p/<agency_slug>/: no login, published data only.

Every view here is explicitly public (@login_not_required) and resolves the agency by slug
with get_object_or_404. Data comes from dashboard.queries, which applies the privacy rules;
nothing here reads a record directly.
"""

import json

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from cs360 import exports
from cs360.dbrouter import public_read_view
from dashboard import charts, queries
from dashboard.public_forms import ExplorerFilterForm

CHART_KEYS = ["over-time", "by-category", "by-district", "time-of-day", "map"]


def _public(agency_slug):
    agency = get_object_or_404(queries.public_agencies(), slug=agency_slug)
    rules = queries.rules_for(agency)
    version = queries.data_version(agency, rules)
    return agency, rules, version


def _explorer_charts(agency, rules, version, filters, catalog):
    data = queries.explorer(agency, rules, version, filters, catalog)
    geojson = queries.district_boundaries(agency, version)
    return data, [
        charts.over_time(data),
        charts.by_category(data),
        charts.by_district(data, geojson, key=queries.area_key),
        charts.time_of_day(data),
        charts.density_map(data, geojson, tiles=(rules.tile_url, rules.tile_attribution)),
    ]


def _police_context(agency, rules, version, params, *, preview=False):
    """What the overview and explorer share: the catalog, the filters and the charts."""
    if not (rules.police_data_public or preview):
        return {"police_public": False}
    catalog = queries.catalog(agency, rules, version, params.get("source") or None)
    if not catalog.has_data:
        return {"police_public": True, "catalog": catalog}
    form = ExplorerFilterForm(params or None, catalog=catalog)
    if form.is_bound:
        form.is_valid()
    filters = form.filters()
    if filters.source != (catalog.sources[0][0] if catalog.sources else filters.source):
        catalog = queries.catalog(agency, rules, version, filters.source)
    # Building plotly figures costs more than reading cached numbers: cache the charts too.
    data, chart_list = queries.cached(
        agency,
        version,
        "charts",
        filters.key(),
        lambda: _explorer_charts(agency, rules, version, filters, catalog),
    )
    return {
        "police_public": True,
        "catalog": catalog,
        "form": form,
        "filters": filters,
        "data": data,
        "charts": chart_list,
        "query": urlencode(filters.as_params()),
    }


def _allow_map_tiles(request, rules):
    """Contract with the CSP middleware (i12a): a page whose map loads external tiles
    names their origins, and only that response allows them."""
    if rules.map_origins:
        request.csp_map_origins = rules.map_origins


def _common(agency, rules, version):
    return {
        "agency": agency,
        "rules": rules,
        "last_updated": version.last_import,
        "plotly_config": charts.CONFIG,
        "promise": queries.publication_promise(agency, rules, version),
    }


def _rendered(request, agency, version, template, build):
    """The HTML of a data fragment, cached per agency, data version and query string.

    Aggregates are cached too, but at a million records even turning cached numbers into
    tables and figure JSON costs more than the rest of the request; the fragment holds no
    per-visitor content (no CSRF token, no user), so one rendering serves every visitor.
    """
    key = (template, request.GET.urlencode())
    return mark_safe(  # noqa: S308 - our own template's output
        queries.cached(agency, version, "html", key, lambda: render_to_string(template, build()))
    )


def _shared_page(request, agency, version, render_page, seconds):
    """Anonymous visitors share one rendering per agency, data version, URL and htmx flag.

    Public pages hold nothing personal (no CSRF token, no user), so under load a page view
    costs two small queries (the agency and its data version) and a cache read. Logged-in
    people get a fresh rendering.
    """
    if request.user.is_authenticated:
        return render_page()
    key = (request.get_full_path(), bool(request.htmx))
    content = queries.cached(
        agency, version, "page", key, lambda: render_page().content, seconds=seconds
    )
    return HttpResponse(content)


# Priorities, decisions and team actions are not part of the data version: a cached
# overview may be a minute behind them. The explorer changes only with the data version.
OVERVIEW_SECONDS = 60


@login_not_required
@require_safe
@public_read_view
def overview(request, agency_slug):
    agency, rules, version = _public(agency_slug)
    return _shared_page(
        request,
        agency,
        version,
        lambda: _overview_page(request, agency, rules, version),
        OVERVIEW_SECONDS,
    )


def _overview_page(request, agency, rules, version):
    with timezone.override(agency.time_zone):
        context = _common(agency, rules, version)
        context["police_html"] = _rendered(
            request,
            agency,
            version,
            "dashboard/public_overview.html#police",
            lambda: {**context, **_overview_police(agency, rules, version)},
        )
        context["priorities"] = with_trends(
            agency, rules, version, queries.public_priorities(agency, rules)
        )
        return render(request, "dashboard/public_overview.html", context)


def with_trends(agency, rules, version, priorities, *, preview=False):
    """Add each priority's related police data trend, when staff linked categories to it."""
    if not priorities or not (rules.police_data_public or preview):
        return priorities
    catalog = queries.catalog(agency, rules, version, None)
    trends = queries.priority_trends(agency, rules, version, catalog)
    for item in priorities:
        trend = trends.get(item["priority"].pk)
        if trend:
            values = [cell.value for cell in trend["cells"]]
            item["trend"] = {
                **trend,
                "figure": charts.sparkline(trend["x"], values),
                "summary": charts.trend_sentence(trend),
                "query": urlencode({"category": trend["categories"][0]})
                if len(trend["categories"]) == 1
                else "",
            }
    return priorities


def _overview_police(agency, rules, version, *, preview=False):
    police = _police_context(agency, rules, version, {}, preview=preview)
    data = police.get("data")
    if data is not None:
        current = data.over_time[0]
        police["trend"] = charts.sparkline(current.x, [c.value for c in current.cells])
        police["top_categories"] = [item for item in data.by_category if item[1].value][:5]
    return police


@login_not_required
@require_safe
@public_read_view
def explorer(request, agency_slug):
    agency, rules, version = _public(agency_slug)
    _allow_map_tiles(request, rules)  # before the cache: a cached page needs it too
    return _shared_page(
        request,
        agency,
        version,
        lambda: _explorer_page(request, agency, rules, version),
        queries.CACHE_SECONDS,
    )


def _explorer_page(request, agency, rules, version):
    with timezone.override(agency.time_zone):
        context = _common(agency, rules, version)
        context["results_html"] = _rendered(
            request,
            agency,
            version,
            "dashboard/public_explorer.html#results",
            lambda: {**context, **_police_context(agency, rules, version, request.GET)},
        )
        if request.htmx:
            return HttpResponse(context["results_html"])
        return render(request, "dashboard/public_explorer.html", context)


@login_not_required
@require_safe
@public_read_view
def chart_csv(request, agency_slug, chart):
    """The CSV of exactly what one chart shows, for the filters in the query string."""
    if chart not in CHART_KEYS:
        raise Http404("No such chart.")
    agency, rules, version = _public(agency_slug)
    police = _police_context(agency, rules, version, request.GET)
    if "charts" not in police:
        raise Http404("This agency has not published police data.")
    found = next(c for c in police["charts"] if c.key == chart)
    f = police["filters"]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{agency.slug}-{chart}-{f.start:%Y%m%d}-{f.end:%Y%m%d}.csv"'
    )
    exports.SafeWriter(response).writerows(found.csv_rows)
    return response


# --- Open data --------------------------------------------------------------------------------


def _datasets(agency, catalog):
    """The published datasets: record level (generalized) and monthly counts, per source."""
    sets = []
    for value, label, count in catalog.sources:
        sets.append(
            {
                "key": value,
                "title": f"{label} (generalized records)",
                "description": (
                    f"One row per {label.lower().rstrip('s')}, with the location generalized to "
                    "the hundred block and coordinates snapped to about a block. Sensitive "
                    "records are left out (they are counted in the monthly counts). At most "
                    f"{queries.OPEN_DATA_LIMIT:,} most recent rows."
                ),
                "fields": queries.OPEN_DATA_FIELDS,
                "rows": count,
            }
        )
        sets.append(
            {
                "key": f"{value}-monthly",
                "title": f"{label}: monthly counts by category",
                "description": (
                    "Counts per month and category, including sensitive categories. Small "
                    "counts are suppressed (blank), with enough others that they cannot be "
                    "worked out from the month's total."
                ),
                "fields": queries.MONTHLY_FIELDS,
                "rows": None,
            }
        )
    return sets


@login_not_required
@require_safe
@public_read_view
def open_data(request, agency_slug):
    agency, rules, version = _public(agency_slug)
    with timezone.override(agency.time_zone):
        context = _common(agency, rules, version)
        datasets, catalog = [], None
        if rules.police_data_public:
            catalog = queries.catalog(agency, rules, version, None)
            datasets = _datasets(agency, catalog)
        context["datasets"] = datasets
        context["catalog"] = catalog
        return render(request, "dashboard/public_open_data.html", context)


class _Echo:
    def write(self, value):
        return value


@login_not_required
@require_safe
@public_read_view
def open_data_download(request, agency_slug, dataset, fmt):
    agency, rules, version = _public(agency_slug)
    if not rules.police_data_public or fmt not in {"csv", "json"}:
        raise Http404("No such dataset.")
    monthly = dataset.endswith("-monthly")
    source = dataset.removesuffix("-monthly")
    catalog = queries.catalog(agency, rules, version, source)
    if source not in {value for value, _, _ in catalog.sources}:
        raise Http404("No such dataset.")
    if monthly:
        fields = [name for name, _ in queries.MONTHLY_FIELDS]
        rows = queries.monthly_counts(agency, rules, version, catalog, source)
    else:
        fields = [name for name, _ in queries.OPEN_DATA_FIELDS]
        rows = queries.open_data_rows(agency, rules, catalog, source)
    filename = f"{agency.slug}-{dataset}.{fmt}"
    if fmt == "csv":
        writer = exports.SafeDictWriter(_Echo(), fieldnames=fields)
        body = _chain([writer.writeheader()], (writer.writerow(row) for row in rows))
        response = StreamingHttpResponse(body, content_type="text/csv; charset=utf-8")
    else:
        meta = {
            "agency": agency.name,
            "dataset": dataset,
            "last_updated": version.last_import.isoformat() if version.last_import else None,
            "source_page": request.build_absolute_uri(
                reverse("public:open-data", kwargs={"agency_slug": agency.slug})
            ),
            "fields": dict(queries.MONTHLY_FIELDS if monthly else queries.OPEN_DATA_FIELDS),
        }
        response = StreamingHttpResponse(_json_stream(meta, rows), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _chain(first, rest):
    yield from first
    yield from rest


def _json_stream(meta, rows):
    head = json.dumps(meta)[:-1]
    yield head + ', "records": ['
    for index, row in enumerate(rows):
        yield ("," if index else "") + json.dumps(row, default=str)
    yield "]}"
