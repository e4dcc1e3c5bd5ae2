"""Plotly figures for metrics, built in Python and drawn by the locally served plotly.js."""

import plotly.graph_objects as go

from teams.models import Metric

NAVY, ACCENT, GREY = "#1d3b5e", "#2f7d6d", "#8a94a3"


def metric_figure(metric, readings) -> dict:
    """Readings over time against the baseline and the target, as a plotly JSON dict."""
    dates = [r.taken_on for r in readings]
    values = [float(r.value) for r in readings]
    first = min([metric.baseline_date, *dates])
    last = max([metric.target_date, *dates])
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(
            x=[first, last],
            y=[float(metric.baseline_value)] * 2,
            mode="lines",
            name=f"Baseline ({metric.baseline_period})",
            line={"color": GREY, "dash": "dash"},
            hoverinfo="skip",
        )
    )
    figure.add_trace(
        go.Scatter(
            x=[metric.baseline_date, metric.target_date],
            y=[float(metric.baseline_value), float(metric.target_value)],
            mode="lines+markers",
            name=f"Path to target by {metric.target_date:%b %Y}",
            line={"color": ACCENT, "dash": "dot"},
            marker={"size": [0, 10], "symbol": "star"},
        )
    )
    figure.add_trace(
        go.Scatter(
            x=dates,
            y=values,
            mode="lines+markers" if len(values) <= 60 else "lines",
            name="Readings",
            line={"color": NAVY, "width": 2},
        )
    )
    better = "lower" if metric.direction == Metric.Direction.DOWN else "higher"
    figure.update_layout(
        margin={"l": 50, "r": 10, "t": 10, "b": 40},
        height=320,
        legend={"orientation": "h", "y": -0.2},
        yaxis={"title": {"text": f"{metric.unit} ({better} is better)"}, "rangemode": "tozero"},
        plot_bgcolor="#fff",
        paper_bgcolor="#fff",
        hovermode="x unified",
    )
    figure.update_xaxes(gridcolor="#eef0f3")
    figure.update_yaxes(gridcolor="#eef0f3")
    return figure.to_plotly_json()
