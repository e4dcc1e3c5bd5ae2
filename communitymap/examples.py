"""Whom to consider in each cell of the worksheet, before an agency writes its own list.

Rebuilt from the domain notes (../shared/domain/cs360.md §2.3): the original CS360 worksheet
could not be found, so these are examples, not the official list. Each agency can replace
the list of any cell (WorksheetExample).
"""

from communitymap.models import Area, PartnerType

C, N, G = PartnerType.COMMUNITY, PartnerType.NGO, PartnerType.GOVERNMENT

DEFAULT_EXAMPLES: dict[tuple[str, str], list[str]] = {
    (Area.EDUCATION, C): [
        "Student government and campus student organizations",
        "PTAs and PTOs",
        "After-school and tutoring programs",
        "Youth sports leagues",
        "Mentoring programs",
        "Faith-based youth ministries",
    ],
    (Area.EDUCATION, N): [
        "Police Athletic League",
        "Boys & Girls Clubs",
        "YMCA / YWCA",
        "Big Brothers Big Sisters",
        "4-H / Cooperative Extension",
        "Communities In Schools",
    ],
    (Area.EDUCATION, G): [
        "School district and school board",
        "School resource officer program",
        "Parks and recreation department",
        "Public library",
        "Student affairs, residence life, dean of students",
        "Juvenile court diversion",
    ],
    (Area.HEALTH, C): [
        "Community health center",
        "Hospital emergency department and trauma center",
        "Mental health and substance use treatment providers",
        "Harm-reduction programs",
        "Hospital-based violence intervention program",
        "Crisis lines",
    ],
    (Area.HEALTH, N): [
        "NAMI local chapter",
        "American Red Cross chapter",
        "Mental Health America affiliate",
    ],
    (Area.HEALTH, G): [
        "Public health department",
        "County or state behavioral health agency",
        "EMS / fire department",
        "988 crisis response or co-responder team",
        "Campus counseling center",
    ],
    (Area.JUSTICE, C): [
        "Neighborhood and crime watch groups",
        "Victim advocacy and domestic violence shelters",
        "Reentry organizations",
        "Violence interruption / credible messenger programs",
        "Civilian oversight or police advisory board",
    ],
    (Area.JUSTICE, N): [
        "NAACP branch",
        "Urban League affiliate",
        "Mothers Against Drunk Driving chapter",
        "Crime Stoppers",
        "ACLU state affiliate (as a critical friend)",
    ],
    (Area.JUSTICE, G): [
        "Prosecutor's office",
        "Juvenile and adult probation and parole",
        "Courts",
        "Sheriff and jail reentry office",
        "Victim-witness unit",
    ],
    (Area.HOUSING, C): [
        "Neighborhood associations",
        "Tenant unions and tenant associations",
        "Landlord and property-manager associations",
        "Homeless shelters and outreach programs",
        "Community development corporations",
    ],
    (Area.HOUSING, N): [
        "Habitat for Humanity affiliate",
        "Salvation Army",
        "Catholic Charities",
        "NeighborWorks member organization",
    ],
    (Area.HOUSING, G): [
        "Public housing authority",
        "Housing and community development department",
        "Code enforcement and building inspections",
        "Homeless services continuum of care",
    ],
    (Area.LABOR, C): [
        "Business improvement district",
        "Local merchants' association",
        "Workforce training nonprofits",
        "Faith-based job programs",
    ],
    (Area.LABOR, N): [
        "Chamber of commerce",
        "Goodwill",
        "United Way",
        "Rotary, Kiwanis or Lions club",
        "Labor union locals",
    ],
    (Area.LABOR, G): [
        "Economic development office",
        "Workforce development board / American Job Center",
        "Summer youth employment program",
        "Mayor's office",
    ],
    (Area.PUBLIC_WORKS, C): [
        "Neighborhood clean-up and greening groups",
        "Bike and pedestrian advocates",
        "Community garden groups",
        "Environmental advocacy groups",
    ],
    (Area.PUBLIC_WORKS, N): [
        "Keep America Beautiful affiliate",
        "Safe Routes to School partners",
    ],
    (Area.PUBLIC_WORKS, G): [
        "Department of public works",
        "Traffic engineering",
        "Street lighting utility",
        "Sanitation / solid waste",
        "311 center",
        "Transit agency",
        "City planning",
    ],
}


def examples_for(agency) -> dict[tuple[str, str], list[str]]:
    """Every worksheet cell's examples: the agency's own lists over the defaults."""
    examples = dict(DEFAULT_EXAMPLES)
    for row in agency.worksheet_examples.all():
        examples[(row.area, row.partner_type)] = [
            line.strip() for line in row.text.splitlines() if line.strip()
        ]
    return examples
