# ruff: noqa: E501  (demo prose reads better unwrapped)
"""Demo teams for both agencies: an advisory team and two problem-solving teams each, with
goals, a year of monthly readings, meetings with minutes and actions, and SARA records at
different stages. Builds on the Community Map demo and creates any person it lacks."""

import random
from datetime import timedelta

from django.utils import timezone

from communitymap import services as map_services
from communitymap.models import Affiliation, Person, Stance, normalize_name
from teams import services
from teams.models import ActionItem, Reading, SaraRecord, Team

# Organizations and people come from the Community Map demo; these specs only fill gaps
# when it has not run. (key, organization name, partner type, areas, stance)
ORGANIZATIONS = {
    "city": [
        ("northside", "Northside Neighborhood Association", "community", ["housing"], "supporter"),
        ("eastgate", "Eastgate Neighborhood Association", "community", ["housing"], "neutral"),
        ("tenants", "Riverton Tenants Union", "community", ["housing"], "critic"),
        ("youth", "Riverton Youth Alliance", "community", ["education"], "supporter"),
        ("works", "Riverton Public Works", "government", ["public_works"], "supporter"),
        ("housing", "Riverton Housing Authority", "government", ["housing"], "neutral"),
        ("health", "Riverton Public Health District", "government", ["health"], "supporter"),
        ("naacp", "Riverton Branch NAACP", "ngo", ["justice"], "critic"),
        ("chamber", "Riverton Chamber of Commerce", "business", ["labor"], "supporter"),
        ("church", "Mount Zion Baptist Church", "community", ["education", "health"], "supporter"),
        ("probation", "Champaign County Probation", "government", ["justice"], "supporter"),
    ],
    "university": [
        ("senate", "Student Senate", "community", ["education"], "neutral"),
        ("bsu", "Black Student Union", "community", ["education"], "critic"),
        ("youth", "Riverton Youth Alliance", "community", ["education"], "supporter"),
        ("reslife", "Residence Life", "government", ["housing"], "supporter"),
        ("counseling", "Counseling Center", "government", ["health"], "supporter"),
        (
            "transport",
            "Campus Transportation and Parking",
            "government",
            ["public_works"],
            "neutral",
        ),
        ("ssdp", "Students for Sensible Drug Policy", "community", ["health"], "critic"),
        ("merchants", "Green Street Merchants", "business", ["labor"], "supporter"),
        ("dean", "Office of the Dean of Students", "government", ["education"], "supporter"),
    ],
}

# (key, full name, organization key or None for department staff, role title, demo user key)
PEOPLE = {
    "city": [
        ("dana", "Dana Whitfield", None, "Chief of Staff", "dana"),
        ("marcus", "Marcus Lee", None, "Crime analyst", "marcus"),
        ("rosa", "Rosa Martinez", "northside", "Chair", "rosa"),
        ("jordan", "Jordan Ellis", "youth", "Director", "jordan"),
        ("luis", "Angela Price", "works", "Deputy director", None),
        ("denise", "Derrick Moore", "housing", "Director of resident services", None),
        ("amara", "Dr. Ana Flores", "health", "Epidemiologist", None),
        ("malik", "Gloria Simmons", "naacp", "Branch president", None),
        ("helen", "Meredith Lang", "chamber", "President", None),
        ("samuel", "Pastor James Whitaker", "church", "Senior pastor", None),
        ("bernice", "Bernice Tolliver", "eastgate", "President", None),
        ("ortega", "Luis Ortega", "tenants", "Organizer", None),
        ("nate", "Officer Nate Fuller", "probation", "Supervisor", None),
    ],
    "university": [
        ("karen", "Karen Osei", None, "Deputy Chief", "karen"),
        ("tom", "Tom Becker", None, "Community engagement officer", "tom"),
        ("nina", "Nina Alvarez", None, "Crime analyst", None),
        ("priya", "Priya Shah", "senate", "President", "priya"),
        ("jordan", "Jordan Ellis", "youth", "Director", "jordan"),
        ("grace", "Gregory Tan", "reslife", "Director of Residence Life", None),
        ("omar", "Dr. Elena Ruiz", "counseling", "Clinical director", None),
        ("luis", "Paul Lindqvist", "transport", "Director", None),
        ("zoe", "Eli Brandt", "ssdp", "Chapter lead", None),
        ("mike", "Mike Brennan", "merchants", "Owner, The Green Room", None),
        ("dean", "Dr. Samuel Okafor", "dean", "Dean of Students", None),
    ],
}

# Department staff on the Community Map have no organization there; their sector is set.
POLICE_KEYS = {"dana", "marcus", "karen", "tom", "nina"}


def seed(world):
    for agency_key in ("city", "university"):
        agency = world.agencies[agency_key]
        staff = world.users.get("dana" if agency_key == "city" else "karen")
        orgs = {
            key: _organization(agency, staff, *spec) for key, *spec in ORGANIZATIONS[agency_key]
        }
        people = {
            key: _person(agency, staff, name, orgs.get(org_key), title, world.users.get(user_key))
            for key, name, org_key, title, user_key in PEOPLE[agency_key]
        }
        builder = CITY if agency_key == "city" else UNIVERSITY
        builder(agency, staff, orgs, people)


def _organization(agency, staff, name, partner_type, areas, stance):
    found = agency.organizations.filter(normalized_name=normalize_name(name)).first()
    if found:
        return found
    return map_services.create_organization(
        agency=agency,
        created_by=staff,
        data={"name": name, "partner_type": partner_type, "areas": areas, "status": "engaged"},
        stance=stance,
        stance_reason="Recorded from the first CS360 meetings." if stance != Stance.UNKNOWN else "",
    )


def _person(agency, staff, name, organization, title, user):
    person = None
    if user is not None:
        person = Person.objects.filter(agency=agency, user=user).first()
    person = person or Person.objects.filter(agency=agency, full_name=name).first()
    if person is None and organization is None:
        person = Person.objects.create(agency=agency, full_name=name, notes=title, user=user)
    elif person is None:
        person = map_services.add_representative(
            organization=organization, added_by=staff, full_name=name, role_title=title
        ).person
    elif organization is not None and not (
        Affiliation.objects.filter(person=person, organization=organization).exists()
    ):
        map_services.add_representative(
            organization=organization, added_by=staff, person=person, role_title=title
        )
    if user is not None and person.user_id is None:
        person.user = user
        person.save(update_fields=["user"])
    return person


def _team(agency, staff, kind, name, roster, people, **charter):
    """Create the team and its roster, or return None when it exists (the demo is idempotent)."""
    if agency.teams.filter(name=name).exists():
        return None
    started = timezone.localdate() - timedelta(days=400)
    team = services.create_team(
        agency=agency, kind=kind, name=name, created_by=staff, status=Team.Status.ACTIVE, **charter
    )
    team.created_at = timezone.now() - timedelta(days=400)
    team.save(update_fields=["created_at"])
    for key, role, can_vote in roster:
        services.add_member(
            team=team,
            person=people[key],
            added_by=staff,
            role=role,
            can_vote=can_vote,
            joined_on=started,
        )
    return team


def _month_ends(count):
    """The last `count` month-ends before today, oldest first."""
    day = timezone.localdate().replace(day=1) - timedelta(days=1)
    ends = []
    for _ in range(count):
        ends.append(day)
        day = day.replace(day=1) - timedelta(days=1)
    return ends[::-1]


def _metric(team, goal, staff, readings_by, *, baseline, target, noise, skip_last=0, **fields):
    months = _month_ends(12)
    metric = services.add_metric(
        team=team,
        goal=goal,
        added_by=staff,
        baseline_value=baseline,
        target_value=target,
        baseline_date=months[0] - timedelta(days=31),
        baseline_period=f"monthly average, year to {months[0] - timedelta(days=31):%B %Y}",
        target_date=months[-1] + timedelta(days=200),
        **fields,
    )
    rng = random.Random(f"{team.name}/{metric.name}")
    values = []
    for index, _month in enumerate(months):
        trend = baseline + (target - baseline) * 0.8 * (index + 1) / len(months)
        values.append(round(max(0, trend + rng.uniform(-noise, noise)), 1))
    Reading.objects.bulk_create(
        Reading(
            agency=team.agency,
            metric=metric,
            value=value,
            taken_on=month,
            entered_by=readings_by,
            source_note=f"{metric.source_organization or 'RMS monthly report'}",
        )
        for value, month in list(zip(values, months, strict=True))[: len(months) - skip_last]
    )
    return metric


def _meetings(team, staff, people, minutes, actions, *, last_days_ago=6, count=6):
    """Monthly meetings going back from `last_days_ago`, the newest with open actions."""
    today = timezone.localdate()
    members = list(team.members.current())
    meetings = []
    for index in range(count):
        held_on = today - timedelta(days=last_days_ago + 30 * (count - 1 - index))
        meeting = services.schedule_meeting(
            team=team, held_on=held_on, created_by=staff, location=""
        )
        present = [m for position, m in enumerate(members) if (position + index) % 5 != 0]
        services.record_meeting(
            meeting=meeting,
            recorded_by=staff,
            attendees=present,
            minutes=minutes[index % len(minutes)],
            decisions="Keep the monthly metric review as the first agenda item"
            if index == 0
            else "",
            location="Riverton Public Library, community room",
        )
        meetings.append(meeting)
    for offset, (description, owner_key, org, due_days, status) in enumerate(actions):
        meeting = meetings[-1 - (offset % 2)]
        action = services.add_action(
            team=team,
            meeting=meeting,
            description=description,
            owner=people[owner_key],
            owner_organization=org,
            due_on=today + timedelta(days=due_days),
            added_by=staff,
        )
        if status != ActionItem.Status.OPEN:
            services.set_action_status(action=action, status=status, changed_by=staff)
    return meetings


def _sara(team, staff, *, stage, responses=(), decisions=(), **fields):
    record = team.sara
    services.update_sara(record=record, changed_by=staff, stage=stage, **fields)
    today = timezone.localdate()
    for position, (strategy, org, days_ago, status) in enumerate(responses):
        response = services.add_response(
            record=record,
            strategy=strategy,
            owner_organization=org,
            started_on=today - timedelta(days=days_ago) if days_ago is not None else None,
            status=status,
            added_by=staff,
        )
        for days, decision, findings in decisions if position == 0 else ():
            checkpoint = response.checkpoints.filter(days_after_start=days).first()
            if checkpoint and checkpoint.due_on <= today:
                services.decide_checkpoint(
                    checkpoint=checkpoint,
                    decision=decision,
                    findings=findings,
                    decided_by=staff,
                    decided_on=checkpoint.due_on,
                )
    return record


ADVISORY_CHARTER = {
    "purpose": "Oversee the agency's CS360 work: review scanning findings, choose the public "
    "safety priorities, nominate problem-solving team members and review their progress.",
    "scope": "Priorities for the whole jurisdiction; not individual cases or complaints.",
    "decision_rules": "Quorum is half the voting members. Priorities are chosen by ranked vote "
    "after discussion; other decisions by consensus, or a simple majority when consensus fails.",
    "cadence": "monthly",
}


def CITY(agency, staff, orgs, people):  # noqa: N802
    marcus = people["marcus"].user or staff
    _team(
        agency,
        staff,
        Team.Kind.ADVISORY,
        "Riverton CS360 Advisory Team",
        [
            ("rosa", "co_chair", True),
            ("dana", "co_chair", True),
            ("jordan", "member", True),
            ("malik", "member", True),
            ("amara", "member", True),
            ("samuel", "member", True),
            ("helen", "member", False),
        ],
        people,
        **ADVISORY_CHARTER,
    )
    advisory = agency.teams.get(name="Riverton CS360 Advisory Team")
    if not advisory.meetings.exists():
        _meetings(
            advisory,
            staff,
            people,
            [
                "Reviewed the scanning summary: 14 community meetings, 9 calls, 3 focus groups.",
                "Discussed the two candidate priorities and agreed the scoring criteria.",
                "Heard the Northside PST's first metric review; asked for the survey results.",
            ],
            [
                (
                    "Share the scanning summary with the Northside churches",
                    "samuel",
                    orgs["church"],
                    10,
                    "open",
                ),
                (
                    "Draft the public summary of the gun violence priority",
                    "dana",
                    None,
                    -5,
                    "done",
                ),
            ],
            count=4,
        )

    team = _team(
        agency,
        staff,
        Team.Kind.PROBLEM_SOLVING,
        "Northside Gun Violence PST",
        [
            ("marcus", "crime_analyst", False),
            ("rosa", "lead", False),
            ("luis", "member", False),
            ("amara", "member", False),
            ("malik", "member", False),
            ("jordan", "member", False),
            ("nate", "member", False),
        ],
        people,
        purpose="Reduce gun violence and the fear of gun violence in Northside.",
        scope="Shootings and shots-fired calls in Northside's six blocks around Elm and 5th; "
        "the fear residents report in the quarterly survey.",
        decision_rules="Consensus; the lead and the crime analyst prepare options.",
    )
    if team:
        shootings = services.add_goal(
            team=team,
            statement="Cut shootings and shots-fired calls in Northside by a quarter by the end of next year.",
            deadline=timezone.localdate() + timedelta(days=400),
            added_by=staff,
        )
        fear = services.add_goal(
            team=team,
            statement="More Northside residents feel safe outside after dark.",
            deadline=timezone.localdate() + timedelta(days=400),
            added_by=staff,
        )
        _metric(
            team,
            shootings,
            staff,
            marcus,
            name="Shots-fired calls in Northside",
            definition="CAD calls coded shots fired, Northside beats 21-23.",
            unit="calls per month",
            direction="down",
            kind="outcome",
            is_crime_count=True,
            baseline=18,
            target=12,
            noise=2.5,
            is_public=True,
        )
        _metric(
            team,
            shootings,
            staff,
            marcus,
            name="People shot in Northside",
            definition="Victims of non-fatal and fatal shootings, Northside beats.",
            unit="victims per month",
            direction="down",
            kind="outcome",
            is_crime_count=True,
            baseline=3,
            target=2,
            noise=1,
        )
        _metric(
            team,
            fear,
            staff,
            people["rosa"].user or staff,
            name="Residents who feel safe outside after dark",
            definition="Share answering 'safe' or 'very safe' in the association's door-to-door survey.",
            unit="% feel safe",
            direction="up",
            kind="outcome",
            source="partner",
            source_organization=orgs["northside"],
            baseline=38,
            target=55,
            noise=3,
            is_public=True,
        )
        _metric(
            team,
            fear,
            staff,
            staff,
            name="Streetlight outages fixed within 14 days",
            definition="Northside outage reports closed within 14 days.",
            unit="% fixed in 14 days",
            direction="up",
            kind="output",
            source="partner",
            source_organization=orgs["works"],
            baseline=52,
            target=90,
            noise=5,
            skip_last=2,
        )
        _meetings(
            team,
            staff,
            people,
            [
                "Marcus presented the hot-spot map: 60% of shots-fired calls on four blocks.",
                "Public Works reported 31 lights out in the hot spots; repair crew scheduled.",
                "Malik raised concerns about stop-and-frisk; agreed that responses avoid it.",
                "Reviewed the survey: fear highest among older residents near the bus depot.",
            ],
            [
                (
                    "Map repeat shots-fired addresses for the last 24 months",
                    "marcus",
                    None,
                    12,
                    "open",
                ),
                (
                    "Count broken lights on the 500-700 blocks of Elm",
                    "luis",
                    orgs["works"],
                    -9,
                    "open",
                ),
                (
                    "Run the fall door-to-door safety survey",
                    "rosa",
                    orgs["northside"],
                    20,
                    "in_progress",
                ),
                (
                    "Invite the violence interrupters to the next meeting",
                    "jordan",
                    orgs["youth"],
                    -20,
                    "done",
                ),
            ],
        )
        _sara(
            team,
            staff,
            stage=SaraRecord.Stage.RESPONSE,
            problem_statement="Shootings and shots fired on four Northside blocks around Elm and 5th, "
            "mostly Friday and Saturday nights, between young men in two rival groups.",
            scanning_summary="Named in 11 of 14 community meetings. Shots-fired calls averaged 18 "
            "a month in the baseline year; residents near the bus depot avoid going out at night.",
            offender="About 20 young men in two loosely organized groups with a running dispute.",
            victim="Group members, and bystanders near the corner store and bus depot.",
            place="Four blocks of Elm and 5th; two vacant lots and a poorly lit underpass.",
            handler="Families, the youth alliance's outreach workers, probation.",
            guardian="Neighbors, the corner store owner, patrol.",
            manager="Property owners of the vacant lots, Public Works for the lighting.",
            problem_type="wolf",
            hypotheses="A few individuals drive most incidents\nDark vacant lots give cover\n"
            "Retaliation follows within two weeks of a shooting",
            responses=[
                (
                    "Focused-deterrence call-in with the youth alliance and probation",
                    orgs["youth"],
                    100,
                    "under_way",
                ),
                (
                    "Light the underpass and clean the two vacant lots",
                    orgs["works"],
                    45,
                    "under_way",
                ),
            ],
            decisions=[(30, "continue", "Call-in held; two group members took up services.")],
        )

    team = _team(
        agency,
        staff,
        Team.Kind.PROBLEM_SOLVING,
        "Eastgate Problem Properties PST",
        [
            ("marcus", "crime_analyst", False),
            ("denise", "lead", False),
            ("samuel", "member", False),
            ("helen", "member", False),
            ("bernice", "member", False),
            ("ortega", "member", False),
        ],
        people,
        purpose="Reduce disorder around four Eastgate problem properties.",
        scope="Calls for service and code violations at the four addresses on the list.",
        decision_rules="Consensus.",
    )
    if team:
        goal = services.add_goal(
            team=team,
            statement="Halve disorder calls at the four Eastgate problem properties within a year.",
            deadline=timezone.localdate() + timedelta(days=300),
            added_by=staff,
        )
        _metric(
            team,
            goal,
            staff,
            marcus,
            name="Disorder calls at the four properties",
            definition="Noise, fight and drug calls at the four listed addresses.",
            unit="calls per month",
            direction="down",
            kind="outcome",
            is_crime_count=True,
            baseline=40,
            target=20,
            noise=4,
        )
        _metric(
            team,
            goal,
            staff,
            staff,
            name="Open code violations at the four properties",
            definition="Open housing code violations, from the Housing Authority.",
            unit="open violations",
            direction="down",
            kind="outcome",
            source="partner",
            source_organization=orgs["housing"],
            baseline=27,
            target=5,
            noise=2,
            skip_last=3,
        )
        _meetings(
            team,
            staff,
            people,
            [
                "Walked the four properties with the Housing Authority.",
                "Landlord of 412 Eastgate agreed to meet.",
            ],
            [("Send the landlord letters", "denise", orgs["housing"], -15, "open")],
            last_days_ago=44,
            count=3,
        )
        _sara(
            team,
            staff,
            stage=SaraRecord.Stage.ANALYSIS,
            problem_statement="Repeated noise, fights and drug dealing at four rental properties in Eastgate.",
            scanning_summary="Neighbors raised it at 5 meetings; 480 calls to the four addresses last year.",
            place="Four rental buildings on Eastgate Avenue, two owned by the same company.",
            manager="Absentee landlords and their property manager.",
            hypotheses="Weak place management: no on-site manager, broken door locks",
        )


def UNIVERSITY(agency, staff, orgs, people):  # noqa: N802
    nina = staff
    _team(
        agency,
        staff,
        Team.Kind.ADVISORY,
        "State University CS360 Advisory Team",
        [
            ("priya", "co_chair", True),
            ("karen", "co_chair", True),
            ("jordan", "member", True),
            ("grace", "member", True),
            ("omar", "member", True),
            ("zoe", "member", True),
            ("tom", "facilitator", False),
        ],
        people,
        **ADVISORY_CHARTER,
    )
    advisory = agency.teams.get(name="State University CS360 Advisory Team")
    if not advisory.meetings.exists():
        _meetings(
            advisory,
            staff,
            people,
            [
                "Reviewed the campus scanning: student focus groups raised Green Street at night.",
                "Agreed the criteria for the priority round.",
            ],
            [
                (
                    "Share the focus group summary with the Student Senate",
                    "priya",
                    orgs["senate"],
                    8,
                    "open",
                )
            ],
            count=3,
        )

    team = _team(
        agency,
        staff,
        Team.Kind.PROBLEM_SOLVING,
        "Green Street Nightlife Safety PST",
        [
            ("nina", "crime_analyst", False),
            ("tom", "lead", False),
            ("priya", "member", False),
            ("mike", "member", False),
            ("luis", "member", False),
            ("zoe", "member", False),
            ("omar", "member", False),
        ],
        people,
        purpose="Reduce late-night assaults on Green Street and the fear of them among students.",
        scope="The 500-900 blocks of Green Street, Thursday to Saturday, 10 pm to 4 am.",
        decision_rules="Consensus; the lead calls a vote if needed.",
    )
    if team:
        goal = services.add_goal(
            team=team,
            statement="A third fewer late-night assaults on Green Street by the end of the academic year.",
            deadline=timezone.localdate() + timedelta(days=200),
            added_by=staff,
        )
        feel = services.add_goal(
            team=team,
            statement="More students feel safe walking home from Green Street.",
            deadline=timezone.localdate() + timedelta(days=200),
            added_by=staff,
        )
        _metric(
            team,
            goal,
            staff,
            nina,
            name="Late-night assaults on Green Street",
            definition="Assaults reported 10 pm-4 am, 500-900 blocks of Green Street.",
            unit="assaults per month",
            direction="down",
            kind="outcome",
            is_crime_count=True,
            baseline=14,
            target=9,
            noise=2,
            is_public=True,
        )
        _metric(
            team,
            goal,
            staff,
            nina,
            name="SafeRide trips after midnight",
            definition="SafeRide pickups on Green Street after midnight.",
            unit="trips per month",
            direction="up",
            kind="output",
            baseline=220,
            target=400,
            noise=25,
        )
        _metric(
            team,
            feel,
            staff,
            people["priya"].user or staff,
            name="Students who feel safe walking home at night",
            definition="Student Senate monthly pulse survey, share answering safe or very safe.",
            unit="% feel safe",
            direction="up",
            kind="outcome",
            source="partner",
            source_organization=orgs["senate"],
            baseline=46,
            target=65,
            noise=3,
            is_public=True,
        )
        _meetings(
            team,
            staff,
            people,
            [
                "Nina showed that 70% of assaults happen within 30 minutes of bar closing.",
                "The bar owners agreed to stagger last call on Saturdays as a trial.",
                "Counseling Center reported more students asking for help after incidents.",
            ],
            [
                ("Publish the SafeRide late-night schedule", "tom", None, 6, "open"),
                ("Survey students about walking home", "priya", orgs["senate"], -4, "open"),
                ("Report bar closing times for the trial", "mike", orgs["merchants"], -30, "done"),
            ],
        )
        _sara(
            team,
            staff,
            stage=SaraRecord.Stage.ASSESSMENT,
            problem_statement="Assaults on Green Street between 1 and 3 am Thursday to Saturday, "
            "when bar crowds leave at the same time.",
            scanning_summary="Raised in every student focus group; 168 late-night assaults in the baseline year.",
            offender="Intoxicated patrons, mostly 19-24, leaving at closing time.",
            victim="Students walking home alone, and other patrons in the crowd.",
            place="500-900 blocks of Green Street; the taxi line and the dark mid-block alley.",
            handler="Friends in the group, bar staff who cut people off.",
            guardian="SafeRide, campus police foot patrol, bystanders.",
            manager="Bar owners, the city liquor commission, Public Works (lighting).",
            problem_type="den",
            hypotheses="Simultaneous closing creates crowding\nThe alley is dark\nToo few rides home",
            responses=[
                ("Stagger bar closing times on Saturdays", orgs["merchants"], 200, "under_way"),
                (
                    "Add late-night SafeRide vans and a lit pickup point",
                    None,
                    190,
                    "under_way",
                ),
            ],
            decisions=[
                (30, "continue", "Crowding at closing visibly lower; keep going."),
                (90, "modify", "Add Thursdays; assaults moved to Thursday nights."),
                (180, "continue", "Assaults down 28% against the baseline."),
            ],
        )

    team = _team(
        agency,
        staff,
        Team.Kind.PROBLEM_SOLVING,
        "Residence Hall Theft PST",
        [("tom", "lead", False), ("grace", "member", False), ("priya", "member", False)],
        people,
        purpose="Reduce thefts from residence hall rooms and lounges.",
        scope="The six first-year residence halls.",
    )
    if team:
        goal = services.add_goal(
            team=team,
            statement="Fewer thefts from residence hall rooms this academic year than last.",
            deadline=timezone.localdate() + timedelta(days=250),
            added_by=staff,
        )
        _metric(
            team,
            goal,
            staff,
            staff,
            name="Residence hall thefts",
            definition="Thefts reported from rooms and lounges in the six first-year halls.",
            unit="thefts per month",
            direction="down",
            kind="outcome",
            is_crime_count=True,
            baseline=22,
            target=14,
            noise=3,
        )
        _meetings(
            team,
            staff,
            people,
            ["First meeting: agreed the scope and who brings which data."],
            [("Pull the last two years of hall theft reports", "tom", None, 14, "open")],
            count=2,
            last_days_ago=12,
        )
        _sara(
            team,
            staff,
            stage=SaraRecord.Stage.SCANNING,
            problem_statement="Thefts of laptops and packages from first-year residence halls.",
            scanning_summary="Raised by Residence Life and in two student focus groups; "
            "about 22 thefts a month, most from unlocked rooms during move-in and exams.",
        )
