"""Demo Community Maps for both agencies: partners across the six areas, with gaps left open.

Dates are relative to today so the "needs a new contact" flag always has something to show:
student leaders whose terms ended last spring, and some whose terms end within 30 days.
"""

from datetime import timedelta

from django.utils import timezone

from communitymap.models import (
    Affiliation,
    Area,
    Organization,
    OutreachEntry,
    PartnerType,
    Person,
    RelationshipStatus,
    Stance,
    StanceRecord,
    normalize_name,
    trigrams,
)

C, N, G, B, INF = (
    PartnerType.COMMUNITY,
    PartnerType.NGO,
    PartnerType.GOVERNMENT,
    PartnerType.BUSINESS,
    PartnerType.INFORMAL,
)
ED, HE, JU, HO, LA, PW = (
    Area.EDUCATION,
    Area.HEALTH,
    Area.JUSTICE,
    Area.HOUSING,
    Area.LABOR,
    Area.PUBLIC_WORKS,
)
SUP, NEU, CRI, UNK = Stance.SUPPORTER, Stance.NEUTRAL, Stance.CRITIC, Stance.UNKNOWN
S = RelationshipStatus

# Representatives: (full name, role, start offset in days, end offset in days or None).
# Offsets are relative to today: negative in the past.
UNIVERSITY = [
    {
        "name": "Student Senate",
        "type": C,
        "areas": [ED, JU],
        "stance": NEU,
        "status": S.ADVISORY_TEAM,
        "constituency": "Undergraduate students",
        "geography": "campus",
        "reason": "Supports the advisory team but voted to ask for a review of late-night stops.",
        "reps": [
            ("Priya Shah", "President", -90, 250, "priya"),
            ("Marcus Oyelaran", "President", -455, -95, None),
        ],
        "data": "Student survey on feeling safe at night (every spring).",
        "owner": "tom",
    },
    {
        "name": "Graduate Employees' Organization",
        "type": C,
        "areas": [LA, ED],
        "stance": CRI,
        "status": S.CONTACTED,
        "constituency": "Graduate teaching and research assistants",
        "geography": "campus",
        "parent": "American Federation of Teachers",
        "reason": "Published an open letter against police presence at the strike picket in March.",
        "reps": [("Hannah Kowalczyk", "Co-president", -300, 20, None)],
        "owner": "tom",
        "follow_up": 7,
    },
    {
        "name": "Black Student Union",
        "type": C,
        "areas": [ED, JU],
        "stance": CRI,
        "status": S.ENGAGED,
        "constituency": "Black students",
        "geography": "campus",
        "reason": "Members were asked for ID in the library; they want a complaint process.",
        "reps": [
            ("Malik Johnson", "President", -400, -60, None),
            ("Aisha Bello", "Vice president", -400, -60, None),
        ],
        "owner": "karen",
        "follow_up": -3,
    },
    {
        "name": "NAACP State University Chapter",
        "type": N,
        "areas": [JU, ED],
        "stance": NEU,
        "status": S.ENGAGED,
        "constituency": "Students",
        "geography": "campus",
        "parent": "NAACP",
        "reason": "Willing to co-host a listening session if questions come from students.",
        "reps": [("Danielle Price", "Chapter president", -200, 25, None)],
        "owner": "karen",
    },
    {
        "name": "Residence Life",
        "type": G,
        "areas": [HO, ED],
        "stance": SUP,
        "status": S.PST,
        "constituency": "11,000 students in residence halls",
        "geography": "campus",
        "reason": "Co-leads the residence hall theft problem-solving team.",
        "reps": [("Gregory Tan", "Director of Residence Life", -1500, None, None)],
        "data": "Incident reports from resident advisors, by hall and month.",
        "owner": "tom",
    },
    {
        "name": "Counseling Center",
        "type": G,
        "areas": [HE],
        "stance": SUP,
        "status": S.ENGAGED,
        "constituency": "Students",
        "geography": "campus",
        "reason": "Asked for a co-responder pilot for mental health calls.",
        "reps": [("Dr. Elena Ruiz", "Clinical director", -900, None, None)],
        "data": "Crisis appointment counts (aggregate only).",
        "owner": "karen",
    },
    {
        "name": "Campus Health Service — Violence Prevention",
        "type": G,
        "areas": [HE, JU],
        "stance": SUP,
        "status": S.ADVISORY_TEAM,
        "constituency": "Students and staff",
        "geography": "campus",
        "reason": "Runs the bystander training; sits on the advisory team.",
        "reps": [("Kim Nguyen", "Prevention coordinator", -700, None, None)],
    },
    {
        "name": "Interfraternity Council",
        "type": C,
        "areas": [ED, HO],
        "stance": NEU,
        "status": S.CONTACTED,
        "constituency": "Fraternity members",
        "geography": "both",
        "reason": "Open to talking about party registration; wary of enforcement.",
        "reps": [("Connor Walsh", "President", -380, -30, None)],
    },
    {
        "name": "Panhellenic Association",
        "type": C,
        "areas": [ED, HE],
        "stance": SUP,
        "status": S.CONTACTED,
        "constituency": "Sorority members",
        "geography": "campus",
        "reason": "Asked for more lighting on the walk from Greek Row.",
        "reps": [("Lauren Fitch", "President", -100, 12, None)],
    },
    {
        "name": "Faculty Senate",
        "type": C,
        "areas": [ED],
        "stance": NEU,
        "status": S.IDENTIFIED,
        "constituency": "Faculty",
        "geography": "campus",
    },
    {
        "name": "International Student Association",
        "type": C,
        "areas": [ED, JU],
        "stance": UNK,
        "status": S.IDENTIFIED,
        "constituency": "International students",
        "geography": "campus",
        "referred_by": "Student Senate",
    },
    {
        "name": "Riverton Youth Alliance",
        "type": C,
        "areas": [ED],
        "stance": SUP,
        "status": S.ADVISORY_TEAM,
        "constituency": "Youth aged 12–24 in Riverton",
        "geography": "both",
        "reason": "Runs the campus summer bridge program with the department.",
        "reps": [("Jordan Ellis", "Director", -1100, None, "jordan")],
    },
    {
        "name": "YWCA of Riverton",
        "type": N,
        "areas": [HE, JU],
        "stance": SUP,
        "status": S.ENGAGED,
        "constituency": "Women and survivors",
        "geography": "both",
        "parent": "YWCA USA",
        "reason": "Partners on sexual assault response; refers survivors to campus advocates.",
        "reps": [("Monique Harris", "Director of advocacy", -800, None, None)],
    },
    {
        "name": "Campus Transportation and Parking",
        "type": G,
        "areas": [PW],
        "stance": NEU,
        "status": S.CONTACTED,
        "constituency": "Commuters",
        "geography": "campus",
        "data": "Shuttle ridership by stop and hour; lighting outage tickets.",
        "reps": [("Paul Lindqvist", "Director", -2000, None, None)],
    },
    {
        "name": "Facilities and Services",
        "type": G,
        "areas": [PW, HO],
        "stance": SUP,
        "status": S.ENGAGED,
        "constituency": "Whole campus",
        "geography": "campus",
        "reason": "Fixed 40 broken lights within two weeks of the walk audit.",
    },
    {
        "name": "Students for Sensible Drug Policy",
        "type": N,
        "areas": [HE],
        "stance": CRI,
        "status": S.DECLINED,
        "constituency": "Students",
        "geography": "campus",
        "parent": "Students for Sensible Drug Policy (national)",
        "reason": "Declined: they want amnesty for students who call for help in overdoses first.",
        "reps": [("Eli Brandt", "Chapter lead", -500, -150, None)],
        "referred_by": "Counseling Center",
    },
    {
        "name": "Office of the Dean of Students",
        "type": G,
        "areas": [ED, HE],
        "stance": SUP,
        "status": S.ADVISORY_TEAM,
        "constituency": "Students",
        "geography": "campus",
        "reason": "Co-chairs the advisory team with the deputy chief.",
        "reps": [("Dr. Samuel Okafor", "Dean of Students", -1800, None, None)],
    },
    {
        "name": "Green Street Merchants",
        "type": B,
        "areas": [LA],
        "stance": SUP,
        "status": S.CONTACTED,
        "constituency": "Businesses on the campus edge",
        "geography": "neighborhoods",
        "neighborhoods": "Green Street, Campustown",
        "reason": "Want a faster response to bar-close fights.",
    },
]

CITY = [
    {
        "name": "Northside Neighborhood Association",
        "type": C,
        "areas": [HO, PW, JU],
        "stance": SUP,
        "status": S.ADVISORY_TEAM,
        "constituency": "Residents of Northside",
        "geography": "neighborhoods",
        "neighborhoods": "Northside",
        "reason": "Hosts the monthly beat meeting; pushed for the lighting survey.",
        "reps": [
            ("Rosa Martinez", "Chair", -900, None, "rosa"),
            ("Walter Greene", "Chair", -2400, -900, None),
        ],
        "owner": "marcus",
    },
    {
        "name": "Eastgate Neighborhood Association",
        "type": C,
        "areas": [HO, PW],
        "stance": NEU,
        "status": S.CONTACTED,
        "constituency": "Residents of Eastgate",
        "geography": "neighborhoods",
        "neighborhoods": "Eastgate",
        "reason": "Interested, but their board meets quarterly.",
        "reps": [("Bernice Tolliver", "President", -700, 18, None)],
        "owner": "marcus",
        "follow_up": 5,
    },
    {
        "name": "Riverton Tenants Union",
        "type": C,
        "areas": [HO],
        "stance": CRI,
        "status": S.CONTACTED,
        "constituency": "Renters, especially in Riverside Court",
        "geography": "city",
        "reason": "Opposes police help with evictions; says code complaints go nowhere.",
        "reps": [("Luis Ortega", "Organizer", -400, None, None)],
        "owner": "dana",
        "follow_up": -2,
        "referred_by": "Northside Neighborhood Association",
    },
    {
        "name": "Boys & Girls Club of Riverton",
        "type": N,
        "areas": [ED],
        "stance": SUP,
        "status": S.PST,
        "constituency": "Youth aged 6–18",
        "geography": "city",
        "parent": "Boys & Girls Clubs of America",
        "reason": "Runs the after-school program at the Southside unit with two officers.",
        "reps": [("Terrence Wallace", "Unit director", -1300, None, None)],
        "data": "Daily attendance by unit.",
    },
    {
        "name": "YMCA of Riverton",
        "type": N,
        "areas": [ED, HE],
        "stance": SUP,
        "status": S.ENGAGED,
        "constituency": "Families and youth",
        "geography": "city",
        "parent": "YMCA of the USA",
        "reason": "Offered the gym for Friday late nights.",
        "reps": [("Carla Benson", "Executive director", -1000, None, None)],
    },
    {
        "name": "Riverton Housing Authority",
        "type": G,
        "areas": [HO],
        "stance": NEU,
        "status": S.ENGAGED,
        "constituency": "Public housing residents",
        "geography": "city",
        "reason": "Shares calls data for Riverside Court; cautious about resident privacy.",
        "reps": [("Derrick Moore", "Director of resident services", -600, None, None)],
        "data": "Work orders and lease violations by building.",
    },
    {
        "name": "Riverton Public Works",
        "type": G,
        "areas": [PW],
        "stance": SUP,
        "status": S.PST,
        "constituency": "Whole city",
        "geography": "city",
        "reason": "Replaced streetlights on the Northside corridor within a month.",
        "reps": [("Angela Price", "Deputy director", -1200, None, None)],
        "data": "Streetlight outage tickets; 311 requests.",
    },
    {
        "name": "Riverton Memorial Hospital",
        "type": C,
        "areas": [HE],
        "stance": SUP,
        "status": S.ENGAGED,
        "constituency": "Patients; emergency department",
        "geography": "region",
        "reason": "Trauma team wants a hospital-based violence intervention program.",
        "reps": [("Dr. Priyanka Rao", "Trauma surgeon", -300, None, None)],
        "data": "Assault injury visits (aggregate, monthly).",
    },
    {
        "name": "Greater Riverton Interfaith Council",
        "type": INF,
        "areas": [JU, HO],
        "stance": NEU,
        "status": S.CONTACTED,
        "constituency": "Congregations across the city",
        "geography": "city",
        "reason": "Pastors split: some support foot patrols, some want fewer stops.",
        "reps": [("Rev. Deborah Fields", "Convener", -800, None, None)],
    },
    {
        "name": "Mount Zion Baptist Church",
        "type": C,
        "areas": [JU, ED],
        "stance": SUP,
        "status": S.ENGAGED,
        "constituency": "Southside families",
        "geography": "neighborhoods",
        "neighborhoods": "Southside",
        "reason": "Hosts the summer youth basketball league with officers.",
        "reps": [("Pastor James Whitaker", "Senior pastor", -3000, None, None)],
        "referred_by": "Greater Riverton Interfaith Council",
    },
    {
        "name": "St. Brigid's Parish Food Pantry",
        "type": C,
        "areas": [HO, HE],
        "stance": UNK,
        "status": S.IDENTIFIED,
        "constituency": "Families in need",
        "geography": "neighborhoods",
        "neighborhoods": "Eastgate",
        "referred_by": "Greater Riverton Interfaith Council",
    },
    {
        "name": "Riverton Branch NAACP",
        "type": N,
        "areas": [JU],
        "stance": CRI,
        "status": S.ENGAGED,
        "constituency": "Black residents of Riverton",
        "geography": "city",
        "parent": "NAACP",
        "reason": "Asked for traffic stop data by race; critical of the 2025 use-of-force review.",
        "reps": [("Gloria Simmons", "Branch president", -1500, None, None)],
        "owner": "dana",
    },
    {
        "name": "Riverton Youth Alliance",
        "type": C,
        "areas": [ED, LA],
        "stance": SUP,
        "status": S.ADVISORY_TEAM,
        "constituency": "Youth aged 12–24",
        "geography": "both",
        "reason": "Runs summer jobs placements; sits on the advisory team.",
        "reps": [("Jordan Ellis", "Director", -1100, None, "jordan")],
        "data": "Summer jobs placements and completion.",
    },
    {
        "name": "Champaign County Probation",
        "type": G,
        "areas": [JU],
        "stance": SUP,
        "status": S.ENGAGED,
        "constituency": "People on probation",
        "geography": "region",
        "reps": [("Officer Nate Fuller", "Supervisor", -700, None, None)],
    },
    {
        "name": "Riverton Chamber of Commerce",
        "type": N,
        "areas": [LA],
        "stance": SUP,
        "status": S.CONTACTED,
        "constituency": "Local employers",
        "geography": "city",
        "parent": "U.S. Chamber of Commerce (federated)",
        "reason": "Wants downtown retail theft on the agenda.",
        "reps": [("Meredith Lang", "President", -500, 10, None)],
    },
    {
        "name": "Workforce Development Board",
        "type": G,
        "areas": [LA],
        "stance": NEU,
        "status": S.IDENTIFIED,
        "constituency": "Job seekers",
        "geography": "region",
        "referred_by": "Riverton Youth Alliance",
    },
    {
        "name": "Riverton Bike Coalition",
        "type": C,
        "areas": [PW],
        "stance": CRI,
        "status": S.CONTACTED,
        "constituency": "Cyclists and pedestrians",
        "geography": "city",
        "reason": "Says traffic enforcement targets cyclists, not speeding drivers on Route 9.",
        "referred_by_person": "Rosa Martinez",
        "reps": [("Sam Okonkwo", "Board chair", -400, -20, None)],
    },
    {
        "name": "Riverton Public Health District",
        "type": G,
        "areas": [HE],
        "stance": SUP,
        "status": S.ENGAGED,
        "constituency": "Whole city",
        "geography": "region",
        "reason": "Shares overdose data; wants a co-responder model.",
        "reps": [("Dr. Ana Flores", "Epidemiologist", -900, None, None)],
        "data": "Non-fatal overdose ED visits by ZIP code.",
    },
    {
        "name": "Southside Corner Store Owners",
        "type": B,
        "areas": [LA, JU],
        "stance": NEU,
        "status": S.IDENTIFIED,
        "constituency": "Small shop owners on Southside",
        "geography": "neighborhoods",
        "neighborhoods": "Southside",
    },
]

OUTREACH = [
    ("meeting", -40, "Introduced CS360 and the advisory team; agreed to share a contact list."),
    ("call", -12, "Follow-up call about the listening session date."),
    ("email", -5, "Sent the draft agenda and the worksheet for comment."),
]


def _seed_agency(agency, specs, users):
    today = timezone.localdate()
    by_name = {}
    for spec in specs:
        owner = users.get(spec.get("owner", ""))
        organization, _ = Organization.objects.update_or_create(
            agency=agency,
            name=spec["name"],
            defaults={
                "normalized_name": normalize_name(spec["name"]),
                "name_trigrams": trigrams(spec["name"]),
                "partner_type": spec["type"],
                "areas": [str(a) for a in spec["areas"]],
                "stance": spec["stance"],
                "status": spec["status"],
                "constituency": spec.get("constituency", ""),
                "geography": spec.get("geography", ""),
                "neighborhoods": spec.get("neighborhoods", ""),
                "parent_organization": spec.get("parent", ""),
                "data_holdings": spec.get("data", ""),
                "owner": owner,
                "next_follow_up": (
                    today + timedelta(days=spec["follow_up"]) if "follow_up" in spec else None
                ),
            },
        )
        by_name[spec["name"]] = organization
        if spec["stance"] != UNK:
            StanceRecord.objects.get_or_create(
                agency=agency,
                organization=organization,
                reason=spec.get("reason") or "Recorded at the first meeting.",
                defaults={
                    "stance": spec["stance"],
                    "recorded_on": today - timedelta(days=30),
                    "recorded_by": owner,
                },
            )
        for full_name, title, start, end, user_key in spec.get("reps", []):
            person, _ = Person.objects.get_or_create(
                agency=agency,
                full_name=full_name,
                defaults={
                    "email": _email(full_name, agency),
                    "user": users.get(user_key) if user_key else None,
                },
            )
            Affiliation.objects.update_or_create(
                agency=agency,
                person=person,
                organization=organization,
                role_title=title,
                defaults={
                    "start_date": today + timedelta(days=start),
                    "end_date": today + timedelta(days=end) if end is not None else None,
                },
            )
        if spec["status"] not in (S.IDENTIFIED,):
            for kind, offset, notes in OUTREACH[: 1 + len(spec["name"]) % 3]:
                OutreachEntry.objects.get_or_create(
                    agency=agency,
                    organization=organization,
                    notes=notes,
                    defaults={
                        "kind": kind,
                        "happened_on": today + timedelta(days=offset),
                        "staff": owner,
                    },
                )
    for spec in specs:
        organization = by_name[spec["name"]]
        if spec.get("referred_by"):
            organization.recommended_by_organization = by_name[spec["referred_by"]]
            organization.save(update_fields=["recommended_by_organization"])
        if spec.get("referred_by_person"):
            organization.recommended_by_person = Person.objects.get(
                agency=agency, full_name=spec["referred_by_person"]
            )
            organization.save(update_fields=["recommended_by_person"])
    return by_name


def _email(full_name, agency):
    local = ".".join(
        part for part in full_name.lower().replace(".", "").split() if part not in {"dr", "rev"}
    )
    domain = "stateu.example" if "university" in agency.slug else "riverton.example"
    return f"{local}@{domain}"


def seed(world):
    users = world.users
    university = _seed_agency(
        world.agencies["university"],
        UNIVERSITY,
        users,
    )
    city = _seed_agency(world.agencies["city"], CITY, users)
    # A stance that changed over time, so the history shows movement.
    today = timezone.localdate()
    for organization, earlier, reason in (
        (
            university["Black Student Union"],
            NEU,
            "Came to the fall open house; asked good questions about stops.",
        ),
        (
            city["Riverton Tenants Union"],
            NEU,
            "First meeting was cordial; wanted to hear about the code enforcement pilot.",
        ),
    ):
        StanceRecord.objects.get_or_create(
            agency=organization.agency,
            organization=organization,
            reason=reason,
            defaults={"stance": earlier, "recorded_on": today - timedelta(days=200)},
        )
