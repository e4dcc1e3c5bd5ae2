"""The six-area worksheet as plain data: counts per cell, balance per area, and gaps."""

from dataclasses import dataclass, field

from communitymap.examples import examples_for
from communitymap.models import WORKSHEET_TYPES, Area, PartnerType

# Column headings: the worksheet names each kind of partner in the plural.
COLUMN_LABELS = {
    PartnerType.COMMUNITY: "Community groups",
    PartnerType.NGO: "National NGO chapters and affiliates",
    PartnerType.GOVERNMENT: "Government agencies and services",
}


def columns():
    return [(kind.value, COLUMN_LABELS[kind]) for kind in WORKSHEET_TYPES]


@dataclass
class Cell:
    area: str
    area_label: str
    partner_type: str
    type_label: str
    total: int = 0
    supporters: int = 0
    critics: int = 0
    engaged: int = 0
    needing_contact: int = 0
    examples: list[str] = field(default_factory=list)

    @property
    def is_gap(self):
        return self.total == 0


@dataclass
class AreaRow:
    area: str
    label: str
    cells: list[Cell]
    other: int = 0  # Businesses and informal groups: on the map, outside the three columns.

    @property
    def total(self):
        return sum(c.total for c in self.cells) + self.other

    @property
    def supporters(self):
        return sum(c.supporters for c in self.cells) + self._other_supporters

    @property
    def critics(self):
        return sum(c.critics for c in self.cells) + self._other_critics

    @property
    def engaged(self):
        return sum(c.engaged for c in self.cells) + self._other_engaged

    @property
    def needing_contact(self):
        return sum(c.needing_contact for c in self.cells) + self._other_needing

    _other_supporters: int = 0
    _other_critics: int = 0
    _other_engaged: int = 0
    _other_needing: int = 0

    @property
    def gaps(self) -> list[str]:
        """What is missing in this area, in words for the page."""
        missing = []
        if self.total and not self.critics:
            missing.append("no critic voice")
        if not self.engaged:
            missing.append("no engaged partner")
        return missing

    @property
    def balance_percent(self):
        """Supporters' share of supporters and critics, for the balance bar."""
        both = self.supporters + self.critics
        return round(100 * self.supporters / both) if both else None


def build_worksheet(agency) -> list[AreaRow]:
    """The grid for one agency in two queries (counts and the agency's own examples)."""
    counts = {(r["area"], r["partner_type"]): r for r in agency.organizations.cell_counts()}
    examples = examples_for(agency)
    rows = []
    for area in Area:
        cells = []
        for kind in WORKSHEET_TYPES:
            found = counts.get((area.value, kind.value), {})
            cells.append(
                Cell(
                    area=area.value,
                    area_label=area.label,
                    partner_type=kind.value,
                    type_label=COLUMN_LABELS[kind],
                    total=found.get("total", 0),
                    supporters=found.get("supporters", 0),
                    critics=found.get("critics", 0),
                    engaged=found.get("engaged", 0),
                    needing_contact=found.get("needing_contact", 0),
                    examples=examples.get((area.value, kind.value), []),
                )
            )
        row = AreaRow(area=area.value, label=area.label, cells=cells)
        for kind in (PartnerType.BUSINESS, PartnerType.INFORMAL):
            found = counts.get((area.value, kind.value), {})
            row.other += found.get("total", 0)
            row._other_supporters += found.get("supporters", 0)
            row._other_critics += found.get("critics", 0)
            row._other_engaged += found.get("engaged", 0)
            row._other_needing += found.get("needing_contact", 0)
        rows.append(row)
    return rows


def cell_for(agency, area, partner_type) -> Cell:
    return next(
        cell
        for row in build_worksheet(agency)
        if row.area == area
        for cell in row.cells
        if cell.partner_type == partner_type
    )
