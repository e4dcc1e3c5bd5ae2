"""Named reads for team pages: roster with organizations, composition, metric warnings."""

from dataclasses import dataclass, field

from django.db.models import Prefetch

from communitymap.models import Affiliation, Area, RelationshipStatus, Stance
from teams.models import Metric, Team, TeamMember

STANCE_ORDER = [Stance.CRITIC, Stance.SUPPORTER, Stance.NEUTRAL, Stance.UNKNOWN]


def roster(team, *, include_former=False):
    """Members with their person and current organizations (`person.current_affiliations`)."""
    members = team.members.all() if include_former else team.members.current()
    return list(
        members.select_related("person", "person__user").prefetch_related(
            Prefetch(
                "person__affiliations",
                queryset=Affiliation.objects.current().select_related("organization"),
                to_attr="current_affiliations",
            )
        )
    )


def member_organizations(member):
    return [a.organization for a in getattr(member.person, "current_affiliations", [])]


def member_stance(member):
    """A member's stance is their organizations' most telling stance: critic first."""
    stances = {org.stance for org in member_organizations(member)}
    for stance in STANCE_ORDER:
        if stance in stances:
            return stance
    return Stance.UNKNOWN


@dataclass
class Composition:
    by_sector: list = field(default_factory=list)  # [(label, count)]
    by_area: list = field(default_factory=list)  # [(label, count)]
    by_stance: list = field(default_factory=list)  # [(label, count)]
    warnings: list = field(default_factory=list)
    uncovered_areas: list = field(default_factory=list)
    suggestions: list = field(default_factory=list)  # Organizations


def composition(team, members) -> Composition:
    """Who the current roster represents, what is missing, and whom to invite (one query)."""
    current = [m for m in members if m.left_on is None]
    result = Composition()
    sectors = dict.fromkeys(TeamMember.Sector.values, 0)
    areas = dict.fromkeys(Area.values, 0)
    stances = dict.fromkeys(Stance.values, 0)
    member_org_ids = set()
    for member in current:
        sectors[member.sector] += 1
        stances[member_stance(member)] += 1
        member_areas = set()
        for org in member_organizations(member):
            member_org_ids.add(org.pk)
            member_areas.update(org.areas)
        for area in member_areas:
            areas[area] += 1
    result.by_sector = [(TeamMember.Sector(k).label, k, n) for k, n in sectors.items()]
    result.by_area = [(Area(k).label, k, n) for k, n in areas.items()]
    result.by_stance = [(Stance(k).label, k, n) for k, n in stances.items()]
    result.uncovered_areas = [Area(k) for k, n in areas.items() if n == 0]

    roles = {m.role for m in current}
    if team.kind == Team.Kind.PROBLEM_SOLVING:
        if not sectors[TeamMember.Sector.COMMUNITY]:
            result.warnings.append("No community member: CS360 teams include the community.")
        if not sectors[TeamMember.Sector.GOVERNMENT]:
            result.warnings.append(
                "No government partner: add someone from a city, county or state service."
            )
        if TeamMember.TeamRole.CRIME_ANALYST not in roles:
            result.warnings.append(
                "No crime analyst: the crime analysis unit belongs on every PST."
            )
        if not stances[Stance.CRITIC]:
            result.warnings.append(
                "No critic voice: invite someone who is critical of the department."
            )
    else:
        co_chairs = [m for m in current if m.role == TeamMember.TeamRole.CO_CHAIR]
        if not any(m.sector == TeamMember.Sector.COMMUNITY for m in co_chairs):
            result.warnings.append(
                "No community co-chair: the advisory team is co-chaired by "
                "a community member and a department representative."
            )
        if not any(m.sector == TeamMember.Sector.POLICE for m in co_chairs):
            result.warnings.append("No department co-chair.")
    if result.uncovered_areas:
        result.suggestions = list(
            team.agency.organizations.filter(
                areas__overlap=[a.value for a in result.uncovered_areas]
            )
            .exclude(status__in=[RelationshipStatus.DECLINED, RelationshipStatus.INACTIVE])
            .exclude(pk__in=member_org_ids)
            .order_by("-status", "name")[:6]
        )
    return result


def metric_warnings(metrics) -> list[str]:
    """CS360 asks for outcomes as well as outputs, and for measures beyond crime counts."""
    if not metrics:
        return []
    warnings = []
    if all(m.kind == Metric.Kind.OUTPUT for m in metrics):
        warnings.append(
            "All of this team's metrics are outputs (what was done). Add an outcome that shows "
            "whether the problem changed."
        )
    if all(m.is_crime_count for m in metrics):
        warnings.append(
            "All of this team's metrics are crime or call counts. CS360 asks for measures beyond "
            "Part 1 crime: fear of crime, trust, satisfaction, partner data. See the catalogue."
        )
    return warnings
