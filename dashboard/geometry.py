"""Polygon ring order for uploaded boundaries.

RFC 7946 GeoJSON winds exterior rings counter-clockwise; d3-geo (plotly's geo traces)
reads rings on the sphere and takes a counter-clockwise exterior to mean "everything but
this polygon", so an RFC-conforming file filled the whole world outside the district. Every
stored ring is rewound to one convention, whichever way the file had it: exterior rings
clockwise, holes counter-clockwise (what d3 expects; MapLibre accepts either).
"""


def _signed_area(ring) -> float:
    """Shoelace formula on lon/lat: positive for a counter-clockwise ring."""
    total = 0.0
    for (x1, y1, *_), (x2, y2, *_) in zip(ring, ring[1:] + ring[:1], strict=True):
        total += x1 * y2 - x2 * y1
    return total / 2


def _wound(ring, clockwise: bool):
    ring = [list(point) for point in ring]
    if len(ring) < 4:
        return ring
    if (_signed_area(ring) < 0) != clockwise:
        ring.reverse()
    return ring


def orient_polygon(rings):
    """The first ring is the exterior (made clockwise), the rest holes (counter-clockwise)."""
    return [_wound(ring, clockwise=index == 0) for index, ring in enumerate(rings)]


def orient(geometry: dict) -> dict:
    """A Polygon or MultiPolygon with every ring in d3's order; other geometries unchanged."""
    kind = geometry.get("type")
    if kind == "Polygon":
        return {**geometry, "coordinates": orient_polygon(geometry["coordinates"])}
    if kind == "MultiPolygon":
        return {**geometry, "coordinates": [orient_polygon(p) for p in geometry["coordinates"]]}
    return geometry
