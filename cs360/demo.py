"""The demo world's people and agencies. Other apps add to it in their own demo.py.

Two agencies with overlapping jurisdiction: State University Police Department (the
campus) and Riverton Police Department (the city around it).
"""

from dataclasses import dataclass, field

from cs360.models import Agency, Membership, Role, User

DEMO_PASSWORD = "cs360-demo"


@dataclass
class DemoWorld:
    agencies: dict[str, Agency] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    # The share of the police data's yearly volume to generate (the browser walk test seeds
    # a small demo; every other part of the demo is the same).
    police_scale: float = 1.0


AGENCIES = [
    {
        "key": "university",
        "slug": "state-university-pd",
        "name": "State University Police Department",
        "kind": Agency.Kind.UNIVERSITY,
        "jurisdiction": "The State University campus in Riverton: about 31,000 students, "
        "4,200 faculty and 7,800 staff, residence halls and the campus edge along Green Street.",
        "time_zone": "America/Chicago",
    },
    {
        "key": "city",
        "slug": "riverton-pd",
        "name": "Riverton Police Department",
        "kind": Agency.Kind.MUNICIPAL,
        "jurisdiction": "The City of Riverton (population 88,000), including the neighborhoods "
        "that surround the State University campus.",
        "time_zone": "America/Chicago",
    },
]

# (key, name, e-mail, {agency key: role}, what they do)
PEOPLE = [
    (
        "dana",
        "Dana Whitfield",
        "dana.whitfield@riverton.example",
        {"city": Role.ADMIN},
        "Chief of Staff, Riverton PD (CS360 point of contact)",
    ),
    (
        "marcus",
        "Marcus Lee",
        "marcus.lee@riverton.example",
        {"city": Role.STAFF},
        "Crime analyst, Riverton PD",
    ),
    (
        "rosa",
        "Rosa Martinez",
        "rosa.martinez@northside-na.example",
        {"city": Role.PARTNER},
        "Northside Neighborhood Association, advisory team member",
    ),
    (
        "karen",
        "Karen Osei",
        "karen.osei@stateu.example",
        {"university": Role.ADMIN},
        "Deputy Chief, State University PD (CS360 point of contact)",
    ),
    (
        "tom",
        "Tom Becker",
        "tom.becker@stateu.example",
        {"university": Role.STAFF},
        "Community engagement officer, State University PD",
    ),
    (
        "priya",
        "Priya Shah",
        "priya.shah@students.stateu.example",
        {"university": Role.PARTNER},
        "Student Senate president, advisory team member",
    ),
    (
        "jordan",
        "Jordan Ellis",
        "jordan.ellis@rivertonyouth.example",
        {"city": Role.PARTNER, "university": Role.PARTNER},
        "Riverton Youth Alliance director, on both agencies' advisory teams",
    ),
]


def seed(world: DemoWorld) -> None:
    for spec in AGENCIES:
        agency, _ = Agency.objects.update_or_create(
            slug=spec["slug"],
            defaults={k: v for k, v in spec.items() if k not in {"key", "slug"}},
        )
        world.agencies[spec["key"]] = agency
    for key, name, email, roles, _title in PEOPLE:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=DEMO_PASSWORD, full_name=name)
        world.users[key] = user
        for agency_key, role in roles.items():
            Membership.objects.update_or_create(
                user=user, agency=world.agencies[agency_key], defaults={"role": role}
            )


def logins() -> list[tuple[str, str, str]]:
    """(e-mail, role description, what they do) for the printed demo logins."""
    rows = []
    for _key, _name, email, roles, title in PEOPLE:
        where = ", ".join(
            f"{Role(role).label} at {next(a['name'] for a in AGENCIES if a['key'] == k)}"
            for k, role in roles.items()
        )
        rows.append((email, where, title))
    return rows
