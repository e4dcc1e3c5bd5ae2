"""The six-area worksheet as plain data: counts per cell, balance per area, and gaps."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db import connection
from django.urls import reverse
from django.utils import timezone

from communitymap.examples import examples_for
from communitymap.models import (
    ENDING_SOON_DAYS,
    ENGAGED_STATUSES,
    WORKSHEET_TYPES,
    Affiliation,
    Area,
    Organization,
    PartnerType,
    Stance,
)

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
    # Links, reversed once per cell in Python: {% url %} in the grid's loops cost more than
    # the rest of the page.
    list_url: str = ""
    add_url: str = ""
    examples_url: str = ""

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


@dataclass
class MapCounts:
    """What the worksheet and the agency home count, from one pass over the map."""

    cells: dict  # (area, partner type) -> {"total": ..., "supporters": ..., ...}
    total: int = 0
    needing_contact: int = 0
    follow_up_due: int = 0


def map_counts(agency, on=None, *, cells=True) -> MapCounts:
    """Counts per worksheet cell and for the whole map, in one query whatever its size.

    Each organization's contact flag is worked out once (one grouped pass over the agency's
    affiliations), then the organizations are counted per area and type, and once overall:
    an organization in two areas counts in both cells but once in the total.
    An organization needs a new contact when it has had representatives but none of them
    will still be current in ENDING_SOON_DAYS days (as OrganizationQuerySet says).
    With cells=False only the totals are counted (the agency home needs no grid).
    """
    day = on or timezone.localdate()
    organizations, affiliations = Organization._meta.db_table, Affiliation._meta.db_table
    sql = f"""
        WITH flagged AS (
            SELECT o.areas, o.partner_type, o.stance, o.status, o.next_follow_up,
                   (c.organization_id IS NOT NULL AND NOT c.lasting) AS needs_contact
              FROM {organizations} o
              LEFT JOIN (SELECT organization_id,
                                bool_or((start_date IS NULL OR start_date <= %(day)s)
                                        AND (end_date IS NULL OR end_date > %(soon)s)) AS lasting
                           FROM {affiliations} WHERE agency_id = %(agency)s
                          GROUP BY organization_id) c ON c.organization_id = o.id
             WHERE o.agency_id = %(agency)s
        )
        SELECT area, partner_type, count(*),
               count(*) FILTER (WHERE stance = %(supporter)s),
               count(*) FILTER (WHERE stance = %(critic)s),
               count(*) FILTER (WHERE status = ANY(%(engaged)s)),
               count(*) FILTER (WHERE needs_contact), 0
          FROM flagged, unnest(areas) AS area
         WHERE %(cells)s
         GROUP BY area, partner_type
        UNION ALL
        SELECT NULL, NULL, count(*), 0, 0, 0, count(*) FILTER (WHERE needs_contact),
               count(*) FILTER (WHERE next_follow_up <= %(day)s)
          FROM flagged
    """
    params = {
        "agency": agency.pk,
        "cells": cells,
        "day": day,
        "soon": day + timedelta(days=ENDING_SOON_DAYS),
        "supporter": Stance.SUPPORTER.value,
        "critic": Stance.CRITIC.value,
        "engaged": [str(status) for status in ENGAGED_STATUSES],
    }
    result = MapCounts(cells={})
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for area, kind, total, supporters, critics, engaged, needing, due in cursor.fetchall():
            if area is None and kind is None:
                result.total, result.needing_contact, result.follow_up_due = total, needing, due
                continue
            result.cells[(area, kind)] = {
                "total": total,
                "supporters": supporters,
                "critics": critics,
                "engaged": engaged,
                "needing_contact": needing,
            }
    return result


def build_worksheet(agency, counts: MapCounts | None = None) -> list[AreaRow]:
    """The grid for one agency in two queries (counts and the agency's own examples)."""
    counts = (counts or map_counts(agency)).cells
    examples = examples_for(agency)
    list_url = reverse("communitymap:organization-list", kwargs={"agency_slug": agency.slug})
    rows = []
    for area in Area:
        cells = []
        for kind in WORKSHEET_TYPES:
            found = counts.get((area.value, kind.value), {})
            cell_kwargs = {
                "agency_slug": agency.slug,
                "area": area.value,
                "partner_type": kind.value,
            }
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
                    list_url=f"{list_url}?area={area.value}&type={kind.value}",
                    add_url=reverse("communitymap:cell-add", kwargs=cell_kwargs),
                    examples_url=reverse("communitymap:cell-examples", kwargs=cell_kwargs),
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
