"""Pure functions that turn the public dashboard's data into plotly figures and text equivalents.

Each chart comes with what a reader needs when the picture is not enough: a data table, a
one-sentence summary and the exact rows of its CSV download. Maps never use a tile server
(police networks are often closed): district choropleths and the density map are drawn on a
blank geo projection fitted to the data.
"""

import datetime as dt
import json
import math
from dataclasses import dataclass, field

import plotly.graph_objects as go

from dashboard import privacy
from dashboard.queries import BAND_LABELS, DAYS, Explorer

BLUE = "#1f5fa8"
GREY = "#8a94a6"
CLEAR = "rgba(0,0,0,0)"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
# Sequential scale that stays readable in grey scale and for colour-blind readers.
SCALE = [[0, "#eef4fb"], [0.5, "#6b9bd1"], [1, "#123f73"]]
# Plotly's own interactions stay (hover, tap); its toolbar is hidden on phones.
CONFIG = {"responsive": True, "displayModeBar": False, "displaylogo": False, "scrollZoom": False}


@dataclass
class Chart:
    """A chart and its text equivalents. `csv_rows` is exactly what the chart shows."""

    key: str
    title: str
    summary: str
    figure: str  # plotly JSON, safe to embed in a <script type="application/json">
    headers: list[str]
    rows: list[list[str]]  # as displayed in the table
    csv_rows: list[list] = field(default_factory=list)
    note: str = ""

    @property
    def is_empty(self) -> bool:
        return not self.rows


def to_json(figure: go.Figure) -> str:
    """Figure JSON that cannot close the <script> element it is embedded in."""
    text = figure.to_json()
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _layout(figure: go.Figure, *, height=320, **extra) -> go.Figure:
    layout = {
        "template": None,
        "height": height,
        "margin": {"l": 8, "r": 8, "t": 8, "b": 8},
        "font": {"family": FONT, "size": 13, "color": "#1d2733"},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "hoverlabel": {"font": {"family": FONT}},
        "showlegend": False,
    }
    layout.update(extra)
    figure.update_layout(**layout)
    # Tick labels need room: let plotly grow the margins to fit them.
    figure.update_xaxes(automargin=True)
    figure.update_yaxes(automargin=True)
    return figure


def _n(cell: privacy.Cell):
    return cell.value


def _fmt_day(day: dt.date, interval: str) -> str:
    return f"Week of {day:%-d %b %Y}" if interval == "week" else f"{day:%B %Y}"


def _pct_change(now: int | None, before: int | None) -> str:
    if now is None or before in (None, 0):
        return ""
    change = (now - before) / before * 100
    if abs(change) < 0.5:
        return "about the same as"
    return f"{abs(change):.0f}% {'more than' if change > 0 else 'fewer than'}"


# --- Counts over time -----------------------------------------------------------------------


def over_time(data: Explorer) -> Chart:
    f = data.filters
    current, earlier = data.over_time
    t = data.threshold
    figure = go.Figure()
    if data.has_previous:
        figure.add_trace(
            go.Scatter(
                x=[x.isoformat() for x in earlier.x],
                y=[_n(c) for c in earlier.cells],
                name=earlier.label,
                mode="lines",
                line={"color": GREY, "width": 2, "dash": "dot"},
                hovertemplate="%{y:,} a year earlier<extra></extra>",
            )
        )
    figure.add_trace(
        go.Scatter(
            x=[x.isoformat() for x in current.x],
            y=[_n(c) for c in current.cells],
            name=current.label,
            mode="lines+markers",
            line={"color": BLUE, "width": 3},
            marker={"size": 5},
            hovertemplate="%{y:,}<extra>%{x|%-d %b %Y}</extra>",
        )
    )
    _layout(
        figure,
        showlegend=True,
        legend={"orientation": "h", "y": -0.15, "x": 0},
        yaxis={"rangemode": "tozero", "gridcolor": "#e5e9f0", "tickformat": ",d"},
        xaxis={"type": "date", "tickformat": "%b %Y" if f.interval == "month" else "%-d %b"},
        margin={"l": 8, "r": 8, "t": 8, "b": 40},
    )
    rows, csv_rows = [], []
    for x, now, before in zip(current.x, current.cells, earlier.cells, strict=True):
        rows.append([_fmt_day(x, f.interval), now.display(t), before.display(t)])
        csv_rows.append([x.isoformat(), now.csv(), before.csv()])
    headers = [f.interval.capitalize(), "Selected period", "A year earlier"]
    csv_header = [f.interval + "_starting", "count", "count_year_earlier"]
    if not data.has_previous:  # the data does not reach back a year: no comparison to show
        rows, csv_rows = [r[:2] for r in rows], [r[:2] for r in csv_rows]
        headers, csv_header = headers[:2], csv_header[:2]
    what = "calls for service" if f.source == "calls" else "incidents"
    total, previous = data.total, data.previous_total
    if total.value is None:
        summary = f"Fewer than {t} {what} were recorded in {f.describe()}."
    else:
        change = _pct_change(total.value, previous.value) if data.has_previous else ""
        summary = f"{total.text} {what} were recorded in {f.describe()}"
        summary += f", {change} the same dates a year earlier." if change else "."
    if data.partial:
        summary += " " + " ".join(data.partial)
    return Chart(
        key="over-time",
        title=f"{what.capitalize()} by {f.interval}",
        summary=summary,
        figure=to_json(figure),
        headers=headers,
        rows=rows,
        csv_rows=[csv_header, *csv_rows],
    )


# --- By category ------------------------------------------------------------------------------


def by_category(data: Explorer, limit: int = 15) -> Chart:
    t = data.threshold
    items = data.by_category
    shown = items[:limit]
    figure = go.Figure(
        go.Bar(
            x=[_n(c) for _, c in reversed(shown)],
            y=[name for name, _ in reversed(shown)],
            orientation="h",
            marker={"color": BLUE},
            hovertemplate="%{y}: %{x:,}<extra></extra>",
        )
    )
    _layout(
        figure,
        height=max(220, 28 * len(shown) + 40),
        xaxis={"gridcolor": "#e5e9f0", "tickformat": ",d"},
        yaxis={"automargin": True},
    )
    visible = [(name, c) for name, c in items if c.value]
    if visible:
        top_name, top_cell = visible[0]
        summary = f"The most common category was {top_name} ({top_cell.value:,})"
        summary += f", of {len(items)} categories." if len(items) > 1 else "."
    else:
        summary = "There are too few records to show categories for these filters."
    return Chart(
        key="by-category",
        title="By category",
        summary=summary,
        figure=to_json(figure),
        headers=["Category", "Count"],
        rows=[[name, c.display(t)] for name, c in items],
        csv_rows=[["category", "count"], *[[name, c.csv()] for name, c in items]],
    )


# --- By district --------------------------------------------------------------------------------


def by_district(data: Explorer, geojson: dict | None = None, key=lambda v: v) -> Chart:
    """A district choropleth when the agency uploaded district boundaries, else a bar chart."""
    t = data.threshold
    items = data.by_district
    figure = None
    if geojson:
        names = {
            feat["id"]: feat["properties"].get("name") or feat["id"] for feat in geojson["features"]
        }
        matched = [(key(name), name, c) for name, c in items if key(name) in names]
        if matched:
            figure = go.Figure(
                go.Choropleth(
                    geojson=geojson,
                    locations=[k for k, _, _ in matched],
                    z=[c.value for _, _, c in matched],
                    text=[f"District {name}" for _, name, _ in matched],
                    featureidkey="id",
                    colorscale=SCALE,
                    marker={"line": {"color": "#ffffff", "width": 1}},
                    colorbar={"thickness": 10, "len": 0.8, "tickformat": ",d"},
                    hovertemplate="%{text}: %{z:,}<extra></extra>",
                )
            )
            figure.update_geos(
                visible=False, fitbounds="locations", projection_type="mercator", bgcolor=CLEAR
            )
            _layout(figure, height=380)
    if figure is None:
        figure = go.Figure(
            go.Bar(
                x=[name for name, _ in items],
                y=[_n(c) for _, c in items],
                marker={"color": BLUE},
                hovertemplate="District %{x}: %{y:,}<extra></extra>",
            )
        )
        _layout(
            figure,
            xaxis={"type": "category", "title": {"text": "District"}},
            yaxis={"gridcolor": "#e5e9f0", "tickformat": ",d"},
            margin={"l": 8, "r": 8, "t": 8, "b": 48},
        )
    shown = [(name, c) for name, c in items if c.value is not None]
    if shown:
        name, top = max(shown, key=lambda item: item[1].value)
        summary = f"District {name} had the most records ({top.value:,}) of {len(items)} districts."
    else:
        summary = "There are too few records to show districts for these filters."
    return Chart(
        key="by-district",
        title="By district",
        summary=summary,
        figure=to_json(figure),
        headers=["District", "Count"],
        rows=[[name, c.display(t)] for name, c in items],
        csv_rows=[["district", "count"], *[[name, c.csv()] for name, c in items]],
    )


# --- Time of day x day of week ------------------------------------------------------------------


def time_of_day(data: Explorer) -> Chart:
    t = data.threshold
    z = [[c.value for c in row] for row in data.heatmap]
    figure = go.Figure(
        go.Heatmap(
            z=z,
            x=DAYS,
            y=BAND_LABELS,
            colorscale=SCALE,
            hoverongaps=False,
            xgap=2,
            ygap=2,
            colorbar={"thickness": 10, "tickformat": ",d"},
            hovertemplate="%{x} %{y}: %{z:,}<extra></extra>",
        )
    )
    _layout(figure, height=340, yaxis={"autorange": "reversed", "automargin": True})
    best = None
    for band, row in enumerate(data.heatmap):
        for day, cell in enumerate(row):
            if cell.value is not None and (best is None or cell.value > best[0]):
                best = (cell.value, day, band)
    if best and best[0]:
        summary = (
            f"The busiest time was {DAYS[best[1]]} {BAND_LABELS[best[2]].lower()} "
            f"({best[0]:,} records)."
        )
    else:
        summary = "There are too few records to show times for these filters."
    return Chart(
        key="time-of-day",
        title="Time of day and day of week",
        summary=summary,
        figure=to_json(figure),
        headers=["Time", *DAYS],
        rows=[
            [BAND_LABELS[band], *[c.display(t) for c in row]]
            for band, row in enumerate(data.heatmap)
        ],
        csv_rows=[
            ["time_of_day", *[d.lower() for d in DAYS]],
            *[
                [BAND_LABELS[band], *[c.csv() for c in row]]
                for band, row in enumerate(data.heatmap)
            ],
        ],
    )


# --- Where: generalized density map -------------------------------------------------------------


def _outline_traces(geojson: dict) -> list[go.Scattergeo]:
    lats, lons = [], []
    for feature in geojson.get("features", []):
        geometry = feature.get("geometry") or {}
        polygons = geometry.get("coordinates", [])
        if geometry.get("type") == "Polygon":
            polygons = [polygons]
        for polygon in polygons if geometry.get("type") in {"Polygon", "MultiPolygon"} else []:
            for ring in polygon:
                lons.extend([pt[0] for pt in ring] + [None])
                lats.extend([pt[1] for pt in ring] + [None])
    if not lats:
        return []
    return [
        go.Scattergeo(
            lat=lats,
            lon=lons,
            mode="lines",
            line={"color": "#9aa5b5", "width": 1},
            hoverinfo="skip",
        )
    ]


def map_style(tile_url: str = "", attribution: str = "") -> dict:
    """A MapLibre style: the agency's raster tiles, or (offline default) a plain background."""
    layers = [{"id": "background", "type": "background", "paint": {"background-color": "#eef1f5"}}]
    if not tile_url:
        return {"version": 8, "sources": {}, "layers": layers}
    source = {"type": "raster", "tiles": [tile_url], "tileSize": 256, "attribution": attribution}
    return {
        "version": 8,
        "sources": {"tiles": source},
        "layers": [*layers, {"id": "tiles", "type": "raster", "source": "tiles"}],
    }


def _view(points, geojson) -> tuple[dict, float]:
    """Centre and zoom that fit the boundaries (or the points)."""
    lons, lats = [], []
    for feature in (geojson or {}).get("features", []):
        geometry = feature["geometry"]
        polygons = geometry.get("coordinates", [])
        if geometry.get("type") == "Polygon":
            polygons = [polygons]
        for polygon in polygons:
            for ring in polygon[:1]:
                lons += [p[0] for p in ring]
                lats += [p[1] for p in ring]
    if not lons:
        lons = [lon for _, lon, _ in points]
        lats = [lat for lat, _, _ in points]
    if not lons:
        return {"lat": 0, "lon": 0}, 1
    span = max(max(lons) - min(lons), (max(lats) - min(lats)) * 1.3, 0.005)
    # Fits a 375 px phone too (the figure has no width until it is drawn).
    zoom = max(1.0, min(16.0, math.log2(360 / span) - 1.4))
    return {"lat": (max(lats) + min(lats)) / 2, "lon": (max(lons) + min(lons)) / 2}, zoom


def density_map(data: Explorer, geojson: dict | None = None, *, tiles=("", "")) -> Chart:
    """Where mappable records happened, on a grid of about a block, over the agency's
    district boundaries: a MapLibre map (plotly's `scattermap`), zoomable."""
    t = data.threshold
    points = data.density
    figure = go.Figure()
    if points:
        biggest = max(n for _, _, n in points)
        figure.add_trace(
            go.Scattermap(
                lat=[lat for lat, _, _ in points],
                lon=[lon for _, lon, _ in points],
                mode="markers",
                marker={
                    "size": [7 + 22 * (n / biggest) ** 0.5 for _, _, n in points],
                    "color": [n for _, _, n in points],
                    "colorscale": SCALE,
                    "opacity": 0.8,
                },
                text=[f"{n:,} records" for _, _, n in points],
                hovertemplate="%{text}<extra></extra>",
            )
        )
    else:  # an empty map still shows the boundaries
        figure.add_trace(go.Scattermap(lat=[], lon=[], mode="markers", hoverinfo="skip"))
    layers = []
    if geojson:
        layers = [
            {
                "sourcetype": "geojson",
                "source": geojson,
                "type": "fill",
                "below": "traces",
                "color": "rgba(31,95,168,0.06)",
            },
            {
                "sourcetype": "geojson",
                "source": geojson,
                "type": "line",
                "below": "traces",
                "color": "#51627a",
                "line": {"width": 1.5},
            },
        ]
    center, zoom = _view(points, geojson)
    figure.update_layout(
        map={"style": map_style(*tiles), "center": center, "zoom": zoom, "layers": layers}
    )
    _layout(figure, height=460, margin={"l": 0, "r": 0, "t": 0, "b": 0})
    if points:
        summary = (
            f"{len(points):,} block-sized areas had at least {t} mappable records in a month; "
            f"the busiest had {points[0][2]:,}."
        )
    else:
        summary = "No block-sized area has enough non-sensitive records with a location to map."
    return Chart(
        key="map",
        title="Where (generalized)",
        summary=summary,
        figure=to_json(figure),
        headers=["Latitude (about a block)", "Longitude (about a block)", "Count"],
        rows=[[f"{lat:.3f}", f"{lon:.3f}", f"{n:,}"] for lat, lon, n in points[:50]],
        csv_rows=[["latitude", "longitude", "count"], *[[lat, lon, n] for lat, lon, n in points]],
        note=(
            "Each circle is a grid square of about one block. Sensitive calls and incidents "
            f"are never mapped, and a square's months with fewer than {t} records are left out. "
            "The table lists the 50 busiest squares; the CSV has all of them."
        ),
    )


def sparkline(series_x: list[dt.date], values: list[int | None], *, height=120) -> str:
    """A small trend line for the overview (no axes to read, the table carries the numbers)."""
    figure = go.Figure(
        go.Scatter(
            x=[x.isoformat() for x in series_x],
            y=values,
            mode="lines",
            line={"color": BLUE, "width": 2},
            fill="tozeroy",
            fillcolor="rgba(31,95,168,0.12)",
            hovertemplate="%{x|%b %Y}: %{y:,}<extra></extra>",
        )
    )
    _layout(
        figure,
        height=height,
        xaxis={"visible": False},
        yaxis={"visible": False, "rangemode": "tozero"},
    )
    return to_json(figure)


def config_json() -> str:
    return json.dumps(CONFIG)


def trend_sentence(trend: dict) -> str:
    """One sentence for a priority's police data trend (see queries.priority_trends)."""
    f, total, previous = trend["filters"], trend["total"], trend["previous"]
    what = ", ".join(name.lower() for name in trend["categories"])
    period = f"{f.start:%B %Y} to {f.end:%B %Y}"
    if total.value is None:
        return f"Fewer than {total.threshold} records of {what} from {period}."
    sentence = f"{total.value:,} records of {what} from {period}"
    change = _pct_change(total.value, previous.value) if previous is not None else ""
    return sentence + (f", {change} the twelve months before." if change else ".")
