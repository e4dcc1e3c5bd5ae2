"""The demo's made-up geography: Riverton's districts and beats, the State University campus
zones inside it, and the streets whose hundred blocks the demo's records happen on.

Everything is drawn from a seeded random generator, so every run draws the same map. A
grid of jittered vertices is cut into cells (a beat, or a campus zone); the edge between
two vertices wobbles the same way in both cells that share it, so beats tile the city with
no gaps or overlaps, and a district is the union of its beats (shared edges cancel out).
Rings are counter-clockwise (RFC 7946). See docs/demo-data.md.
"""

import math
import random
from dataclasses import dataclass, field

SEED = 360
# Riverton sits on farmland in central Illinois, where no real city is (about 7.7 km across).
WEST, EAST, SOUTH, NORTH = -89.000, -88.910, 40.265, 40.335

# District codes and names; each cell of the 5 x 4 grid (north row first) names its district.
DISTRICTS = {"1": "Northside", "2": "Downtown", "3": "Eastgate", "4": "Southside", "5": "Riverside"}
CITY_GRID = ["51113", "51223", "52233", "44443"]

# The campus: a 3 x 2 grid of zones in the south-east of Downtown, along Green Street.
CAMPUS = (-88.9500, -88.9280, 40.2880, 40.3010)
CAMPUS_ZONES = {
    "A": "Residence halls north",
    "B": "Academic core",
    "C": "Research park",
    "D": "Residence halls south",
    "E": "Green Street",
    "F": "Athletics",
}
CAMPUS_GRID = ["ABC", "DEF"]

# Streets: east-west ones are named, north to south; north-south ones are numbered from the
# river. House numbers run 100 to a block from Main Street and from 1st Street.
EAST_WEST = [
    "Prairie Ave",
    "Kirby Ave",
    "Windsor Rd",
    "Church St",
    "Park St",
    "University Ave",
    "Springfield Ave",
    "Hill St",
    "Clark St",
    "Washington St",
    "Jefferson St",
    "Madison St",
    "Monroe St",
    "Adams St",
    "Jackson St",
    "Main St",
    "Lincoln Ave",
    "Grant St",
    "Elm St",
    "Maple St",
    "Oak St",
    "Walnut St",
    "Chestnut St",
    "Locust St",
    "Green St",
    "John St",
    "Daniel St",
    "Chalmers St",
    "Armory Ave",
    "Gregory Dr",
    "Stoughton St",
    "Healey St",
    "Clay St",
    "Poplar St",
    "Willow St",
    "Cedar St",
    "Pine St",
    "Hickory St",
    "Orchard Dr",
]
NAMED_NORTH_SOUTH = {
    0: "River Rd",
    1: "Front St",
    8: "Broadway",
    15: "Prospect Ave",
    22: "Mattis Ave",
}


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix} St"


NORTH_SOUTH = [NAMED_NORTH_SOUTH.get(i) or _ordinal(i - 1) for i in range(36)]


@dataclass
class Cell:
    code: str  # beat code ("11") or campus zone code ("A")
    parent: str  # district code, or the zone code again for campus zones
    corners: tuple  # (north-west, north-east, south-east, south-west) as (lon, lat)
    ring: list = field(default_factory=list)

    def point(self, u: float, v: float) -> tuple[float, float]:
        """The point at (u, v) in the unit square mapped onto the cell (bilinear)."""
        nw, ne, se, sw = self.corners
        top = (nw[0] + (ne[0] - nw[0]) * u, nw[1] + (ne[1] - nw[1]) * u)
        bottom = (sw[0] + (se[0] - sw[0]) * u, sw[1] + (se[1] - sw[1]) * u)
        return top[0] + (bottom[0] - top[0]) * v, top[1] + (bottom[1] - top[1]) * v


@dataclass
class Geography:
    cells: list[Cell]
    areas: dict[str, str]  # area code -> name (districts, or campus zones)
    area_rings: dict[str, list]

    def feature_collection(self, layer: str) -> dict:
        if layer == "beat":
            features = [
                {
                    "type": "Feature",
                    "properties": {"code": c.code, "name": f"Beat {c.code}"},
                    "geometry": {"type": "Polygon", "coordinates": [c.ring]},
                }
                for c in self.cells
            ]
        else:
            features = [
                {
                    "type": "Feature",
                    "properties": {"code": code, "name": name},
                    "geometry": {"type": "Polygon", "coordinates": [self.area_rings[code]]},
                }
                for code, name in self.areas.items()
            ]
        return {"type": "FeatureCollection", "features": features}


def _vertices(rng, box, columns, rows, jitter, edge_jitter):
    west, east, south, north = box
    dx, dy = (east - west) / columns, (north - south) / rows
    grid = []
    for r in range(rows + 1):
        line = []
        for c in range(columns + 1):
            outer = r in (0, rows) or c in (0, columns)
            amount = edge_jitter if outer else jitter
            x = west + c * dx + rng.uniform(-amount, amount) * dx
            y = north - r * dy + rng.uniform(-amount, amount) * dy
            line.append((round(x, 5), round(y, 5)))
        grid.append(line)
    return grid


def _edge(a, b, wobble):
    """Points from a to b (b excluded), bent the same way whichever direction it is walked."""
    key = (min(a, b), max(a, b))
    rng = random.Random(f"{SEED}:{key}")
    steps = 4
    length = math.dist(a, b)
    offsets = [rng.uniform(-wobble, wobble) * length for _ in range(steps - 1)]
    if (a, b) != key:
        offsets.reverse()
        offsets = [-o for o in offsets]
    nx, ny = -(b[1] - a[1]) / length, (b[0] - a[0]) / length
    points = [a]
    for i, offset in enumerate(offsets, start=1):
        t = i / steps
        points.append(
            (
                round(a[0] + (b[0] - a[0]) * t + nx * offset, 5),
                round(a[1] + (b[1] - a[1]) * t + ny * offset, 5),
            )
        )
    return points


def _cell_segments(grid, r, c, wobble):
    """The counter-clockwise boundary of one cell as consecutive segments."""
    nw, ne, se, sw = grid[r][c], grid[r][c + 1], grid[r + 1][c + 1], grid[r + 1][c]
    points = []
    for a, b in ((nw, sw), (sw, se), (se, ne), (ne, nw)):
        points.extend(_edge(a, b, wobble))
    return list(zip(points, points[1:] + points[:1], strict=False))


def _ring(segments) -> list:
    """The outer ring of a union of cells: segments walked both ways are inner and cancel."""
    present = set(segments)
    outer = [s for s in segments if (s[1], s[0]) not in present]
    following = dict(outer)
    start = outer[0][0]
    ring, point = [start], following[start]
    while point != start:
        ring.append(point)
        point = following[point]
    ring.append(start)
    return [list(p) for p in ring]


def _build(box, layout, names, beat_codes, jitter, edge_jitter, wobble, seed):
    rng = random.Random(f"{SEED}:{seed}")
    rows, columns = len(layout), len(layout[0])
    grid = _vertices(rng, box, columns, rows, jitter, edge_jitter)
    cells, by_area, counters = [], {}, {}
    for r, line in enumerate(layout):
        for c, area in enumerate(line):
            segments = _cell_segments(grid, r, c, wobble)
            if beat_codes:
                counters[area] = counters.get(area, 0) + 1
                code = f"{area}{counters[area]}"
            else:
                code = area
            corners = (grid[r][c], grid[r][c + 1], grid[r + 1][c + 1], grid[r + 1][c])
            cells.append(Cell(code=code, parent=area, corners=corners, ring=_ring(segments)))
            by_area.setdefault(area, []).extend(segments)
    rings = {code: _ring(by_area[code]) for code in names}
    return Geography(cells=cells, areas=dict(names), area_rings=rings)


def city() -> Geography:
    return _build((WEST, EAST, SOUTH, NORTH), CITY_GRID, DISTRICTS, True, 0.12, 0.18, 0.05, "city")


def campus() -> Geography:
    return _build(CAMPUS, CAMPUS_GRID, CAMPUS_ZONES, False, 0.08, 0.04, 0.03, "campus")


def address(lon: float, lat: float) -> tuple[str, float, float]:
    """A street address on the street nearest (lon, lat), and the point it stands for.
    North-south streets number north and south from Main Street; east-west streets number
    east from River Road; a block is 100 numbers."""
    columns, rows = len(NORTH_SOUTH), len(EAST_WEST)
    dx, dy = (EAST - WEST) / (columns - 1), (NORTH - SOUTH) / (rows - 1)
    fx, fy = (lon - WEST) / dx, (NORTH - lat) / dy
    col = min(max(round(fx), 0), columns - 1)
    row = min(max(round(fy), 0), rows - 1)
    main = EAST_WEST.index("Main St")
    # A degree of longitude is about 0.766 of a degree of latitude here.
    if abs(fx - col) * dx * 0.766 < abs(fy - row) * dy:
        house = max(int(abs(fy - main) * 100) // 2 * 2, 2)
        side = "N" if fy < main else "S"
        return f"{house} {side} {NORTH_SOUTH[col]}".upper(), WEST + col * dx, lat
    house = int(max(fx, 0) * 100) // 2 * 2 + 1
    return f"{house} {EAST_WEST[row]}".upper(), lon, NORTH - row * dy
