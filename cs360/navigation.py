"""The four areas of the product, as shown in the navigation and on the agency home."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from cs360.models import Role


@dataclass(frozen=True)
class Area:
    key: str
    label: str
    url_name: str
    min_role: Role
    summary: str


AREAS = [
    Area(
        "communitymap",
        "Community Map",
        "communitymap:worksheet",
        Role.STAFF,
        "Who has a stake in public safety: partners in six areas, supporters and critics.",
    ),
    Area(
        "scanning",
        "Scanning",
        "scanning:activity-list",
        Role.PARTNER,
        "What the community told us, and the advisory team's priority rounds.",
    ),
    Area(
        "teams",
        "Teams",
        "teams:team-list",
        Role.PARTNER,
        "The advisory team and problem-solving teams: goals, metrics, meetings, SARA.",
    ),
    Area(
        "dashboard",
        "Dashboard",
        "dashboard:overview",
        Role.STAFF,
        "Police data imports and what the public dashboard shows.",
    ),
]


def areas_for(membership) -> list[dict]:
    """The areas this member may open, with their URLs; areas not built yet are skipped."""
    visible = []
    for area in AREAS:
        if membership.role < area.min_role:
            continue
        try:
            url = reverse(area.url_name, kwargs={"agency_slug": membership.agency.slug})
        except NoReverseMatch:
            continue
        visible.append({"key": area.key, "label": area.label, "url": url, "summary": area.summary})
    return visible
