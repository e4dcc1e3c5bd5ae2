# ruff: noqa: E501  (demo prose reads better unwrapped)
"""Demo scanning for both agencies: activities of every kind with what was heard, candidate
problems, a closed priority round whose decision adopted the priorities the demo PSTs work
on, and an open round the demo partners (rosa, priya, jordan) have not voted in yet."""

import hashlib
import random
import secrets
from datetime import timedelta

from django.utils import timezone

from scanning import services, voting
from scanning.models import (
    Ballot,
    Input,
    PriorityRound,
    ScanningActivity,
    VoterRecord,
)
from teams.models import Team

# (key, kind, title, days ago, facilitator, place, participants, anonymous, [org names])
ACTIVITIES = {
    "city": [
        (
            "nna",
            "meeting",
            "Northside Neighborhood Association monthly meeting",
            120,
            "Dana Whitfield",
            "Northside Community Center",
            34,
            False,
            ["Northside Neighborhood Association"],
        ),
        (
            "church",
            "interview",
            "Call with the senior pastor of Mount Zion Baptist Church",
            112,
            "Dana Whitfield",
            "By phone",
            1,
            False,
            ["Mount Zion Baptist Church"],
        ),
        (
            "eastgate",
            "focus_group",
            "Eastgate residents focus group",
            105,
            "Marcus Lee",
            "Eastgate branch library",
            11,
            True,
            ["Eastgate Neighborhood Association"],
        ),
        (
            "youth",
            "focus_group",
            "Youth focus group at the Riverton Youth Alliance",
            98,
            "Jordan Ellis",
            "Riverton Youth Alliance drop-in center",
            9,
            True,
            ["Riverton Youth Alliance"],
        ),
        (
            "chamber",
            "survey",
            "Downtown business survey with the Chamber of Commerce",
            91,
            "Marcus Lee",
            "Online and on paper",
            42,
            False,
            ["Riverton Chamber of Commerce"],
        ),
        (
            "walk",
            "site_visit",
            "Evening walk-through of Eastgate with Public Works",
            84,
            "Marcus Lee",
            "Eastgate, Ash to Pine",
            6,
            False,
            ["Riverton Public Works", "Eastgate Neighborhood Association"],
        ),
        (
            "tenants",
            "interview",
            "Call with the Riverton Tenants Union organizer",
            80,
            "Dana Whitfield",
            "By phone",
            1,
            False,
            ["Riverton Tenants Union"],
        ),
        (
            "cfs",
            "data_review",
            "Calls-for-service review, last 24 months",
            75,
            "Marcus Lee",
            "RPD crime analysis unit",
            4,
            False,
            ["Riverton Public Health District"],
        ),
        (
            "naacp",
            "meeting",
            "NAACP branch public safety forum",
            20,
            "Dana Whitfield",
            "Mount Zion fellowship hall",
            57,
            False,
            ["Riverton Branch NAACP", "Mount Zion Baptist Church"],
        ),
    ],
    "university": [
        (
            "senate",
            "meeting",
            "Student Senate general assembly",
            118,
            "Tom Becker",
            "Illini Union, Room 210",
            61,
            False,
            ["Student Senate"],
        ),
        (
            "staff",
            "meeting",
            "Staff Senate meeting: safety on campus",
            110,
            "Karen Osei",
            "Levis Faculty Center",
            28,
            False,
            ["Office of the Dean of Students"],
        ),
        (
            "halls",
            "focus_group",
            "First-year residence hall focus group",
            103,
            "Tom Becker",
            "North residence halls lounge",
            12,
            True,
            ["Residence Life"],
        ),
        (
            "bsu",
            "focus_group",
            "Black Student Union listening session",
            96,
            "Tom Becker",
            "Cultural Center",
            15,
            True,
            ["Black Student Union"],
        ),
        (
            "greenroom",
            "interview",
            "Call with the owner of The Green Room",
            90,
            "Tom Becker",
            "By phone",
            1,
            False,
            ["Green Street Merchants"],
        ),
        (
            "climate",
            "survey",
            "Campus climate survey: safety questions",
            85,
            "Karen Osei",
            "Online",
            412,
            False,
            ["Office of the Dean of Students"],
        ),
        (
            "lighting",
            "site_visit",
            "Night lighting walk with Facilities and students",
            78,
            "Tom Becker",
            "North campus paths",
            8,
            False,
            ["Student Senate", "Campus Transportation and Parking"],
        ),
        (
            "clery",
            "data_review",
            "Clery daily log and dispatch review",
            72,
            "Karen Osei",
            "SUPD records unit",
            3,
            False,
            ["Counseling Center"],
        ),
        (
            "ssdp",
            "meeting",
            "Students for Sensible Drug Policy chapter meeting",
            18,
            "Tom Becker",
            "Lincoln Hall 1027",
            22,
            False,
            ["Students for Sensible Drug Policy"],
        ),
    ],
}

# Candidate problems: key -> (title, behavior, people, place, time, areas, summary)
CANDIDATES = {
    "city": {
        "guns": (
            "Gun violence and the fear of it in Northside",
            "Shots fired and nonfatal shootings; residents avoid parks and porches after dark.",
            "Young men 16–24 in two rival groups; families and older residents who live nearby.",
            "Northside, around Jefferson Park and the Ash Street corridor.",
            "Evenings and weekends, worst in summer.",
            ["justice", "health", "education"],
            "Raised at every Northside meeting and by the pastors; people describe changing their routines because of gunfire.",
        ),
        "properties": (
            "Problem properties in Eastgate",
            "Vacant and neglected rental houses used for drug sales and squatting; repeated calls to the same addresses.",
            "Absentee landlords, tenants without repairs, neighbors who call repeatedly.",
            "Eastgate, between Ash and Pine.",
            "Ongoing; calls peak at night.",
            ["housing", "public_works"],
            "Residents and the tenants union both named a short list of houses; the data review found them among the most-called addresses.",
        ),
        "speeding": (
            "Speeding and street racing on Main Street",
            "Cars racing and speeding, near-misses with pedestrians.",
            "Drivers, often from outside the neighborhood; children and older pedestrians.",
            "Main Street from 3rd to 11th.",
            "Late evenings, Friday and Saturday nights.",
            ["public_works"],
            "Business owners and parents raised it; several asked for traffic calming rather than more stops.",
        ),
        "breakins": (
            "Car break-ins downtown at night",
            "Windows smashed and valuables taken from parked cars.",
            "Visitors and employees parking downtown.",
            "Downtown garages and the lots behind Main Street.",
            "Nights, especially weekends.",
            ["labor", "public_works"],
            "Most often raised in the business survey; employees worry walking to their cars.",
        ),
        "youth": (
            "Young people with nowhere to go after school",
            "Groups of teens hanging out with nothing to do; conflicts that start online spill over.",
            "Teens 13–17, mostly from Eastgate and Northside.",
            "Downtown transit center and the closed rec center.",
            "School days 3–8 pm.",
            ["education"],
            "Young people themselves asked for places to be and jobs; adults framed it as loitering.",
        ),
        "trust": (
            "Tenants do not trust police to respond fairly",
            "Tenants do not call police, fearing eviction or immigration consequences.",
            "Renters, especially immigrant families.",
            "Eastgate and the south side apartments.",
            "Ongoing.",
            ["housing", "justice"],
            "Heard in the tenants union call and the Eastgate focus group.",
        ),
    },
    "university": {
        "greenstreet": (
            "Late-night assaults on Green Street",
            "Fights and assaults outside bars at closing time; students walking home alone targeted.",
            "Students 18–24 leaving bars; bar staff; people from outside campus.",
            "Green Street and Campustown, 5th to Wright.",
            "Thursday to Saturday, 11 pm to 3 am.",
            ["labor", "health"],
            "The most-raised concern in the Student Senate and the climate survey; bar owners want a shared plan.",
        ),
        "theft": (
            "Thefts from residence halls",
            "Laptops and packages stolen from unlocked rooms and mail areas; doors propped open.",
            "First-year students; delivery drivers; tailgaters following residents in.",
            "North residence halls.",
            "Move-in weeks and weekday afternoons.",
            ["housing"],
            "Raised by first-year students and Residence Life; the Clery log shows it is the most common reported crime.",
        ),
        "paths": (
            "Dark paths between the library and north halls",
            "Students feel unsafe walking; two robberies last autumn.",
            "Students leaving evening classes and the library.",
            "Paths behind the main library to the north halls.",
            "Weeknights after 9 pm, autumn and winter.",
            ["public_works", "education"],
            "The lighting walk found eleven lights out; students in three settings said they avoid the path.",
        ),
        "overdose": (
            "Alcohol and drug overdoses at off-campus parties",
            "Students afraid to call for help for friends who overdose.",
            "Students at house parties; first-year students.",
            "Off-campus houses west of campus.",
            "Weekend nights, football weekends.",
            ["health"],
            "Students for Sensible Drug Policy and the counseling center asked for Good Samaritan awareness.",
        ),
        "stops": (
            "Students of color feel singled out in stops",
            "Students of color describe being stopped or asked for ID more than peers.",
            "Black and Latino students; officers on foot patrol.",
            "Campustown and the main quad.",
            "Evenings.",
            ["justice", "education"],
            "Heard in the Black Student Union session and the climate survey's open answers.",
        ),
        "bikes": (
            "Bike theft at academic buildings",
            "Bikes stolen from racks, cut cable locks.",
            "Students and staff who bike to campus.",
            "Racks outside the engineering and main library buildings.",
            "Daytime, class hours.",
            ["public_works"],
            "Mentioned often but rarely as the most serious concern.",
        ),
    },
}

# Inputs per activity: (text, theme, respondent kind, place, topics, strength 1–3, candidate key)
INPUTS = {
    "city": {
        "nna": [
            (
                "We heard shots again last Saturday near Jefferson Park. My kids don't play outside after six anymore.",
                "concern",
                "resident",
                "Northside",
                ["Gun violence", "Fear of crime"],
                3,
                "guns",
            ),
            (
                "Older neighbors have stopped sitting on their porches in the evening.",
                "concern",
                "resident",
                "Northside",
                ["Fear of crime"],
                3,
                "guns",
            ),
            (
                "When we call about shots fired it takes a long time for anyone to come, and nobody tells us what happened.",
                "relationship",
                "resident",
                "Northside",
                ["Response times", "Communication"],
                2,
                "guns",
            ),
            (
                "The streetlights on Ash Street have been out for months.",
                "improvement",
                "resident",
                "Northside",
                ["Lighting"],
                2,
                "guns",
            ),
            (
                "Cars fly down Main at night; someone is going to get killed crossing to the store.",
                "concern",
                "resident",
                "Northside",
                ["Traffic and speeding", "Pedestrian safety"],
                2,
                "speeding",
            ),
            (
                "The association keeps a list of houses with repeated trouble; we'd share it.",
                "data",
                "partner",
                "Northside",
                ["Communication"],
                1,
                None,
            ),
        ],
        "church": [
            (
                "Families in the congregation have lost sons to shootings. They want to be part of the answer, not just hear about arrests.",
                "relationship",
                "partner",
                "Northside",
                ["Gun violence", "Trust in police"],
                3,
                "guns",
            ),
            (
                "We could open the fellowship hall on Friday nights for young people if someone helps with supervision.",
                "improvement",
                "partner",
                "Northside",
                ["Youth"],
                2,
                "youth",
            ),
            (
                "Funerals have become gatherings where the next conflict starts.",
                "concern",
                "partner",
                "Northside",
                ["Gun violence"],
                3,
                "guns",
            ),
        ],
        "eastgate": [
            (
                "The empty house on the corner has people in and out all night. We've called ten times.",
                "concern",
                "resident",
                "Eastgate",
                ["Drugs and overdoses", "Burglary"],
                3,
                "properties",
            ),
            (
                "The landlord lives out of state and never answers.",
                "concern",
                "resident",
                "Eastgate",
                ["Homelessness"],
                2,
                "properties",
            ),
            (
                "I don't call the police anymore. Nothing changes and my landlord finds out.",
                "relationship",
                "resident",
                "Eastgate",
                ["Trust in police"],
                3,
                "trust",
            ),
            (
                "Kids walk past the drug house on the way to the bus stop.",
                "concern",
                "resident",
                "Eastgate",
                ["Youth", "Drugs and overdoses"],
                3,
                "properties",
            ),
            (
                "Half the streetlights between Ash and Pine don't work.",
                "improvement",
                "resident",
                "Eastgate",
                ["Lighting"],
                2,
                "properties",
            ),
            (
                "Speeding on Pine is bad too, not just Main.",
                "concern",
                "resident",
                "Eastgate",
                ["Traffic and speeding"],
                1,
                "speeding",
            ),
            (
                "Officers should know our names. We only see them when something bad happens.",
                "relationship",
                "resident",
                "Eastgate",
                ["Trust in police", "Communication"],
                2,
                "trust",
            ),
        ],
        "youth": [
            (
                "There's nowhere to go after school since the rec center closed.",
                "concern",
                "youth",
                "Downtown",
                ["Youth"],
                3,
                "youth",
            ),
            (
                "Fights start on Instagram and finish at the transit center.",
                "concern",
                "youth",
                "Downtown",
                ["Youth"],
                2,
                "youth",
            ),
            (
                "Police move us along at the transit center even when we're just waiting for the bus.",
                "relationship",
                "youth",
                "Downtown",
                ["Trust in police", "Racial profiling"],
                3,
                "trust",
            ),
            (
                "We want summer jobs, not more curfews.",
                "improvement",
                "youth",
                "Riverton",
                ["Youth"],
                3,
                "youth",
            ),
            (
                "I'm scared when I hear shooting near my grandma's house.",
                "concern",
                "youth",
                "Northside",
                ["Gun violence", "Fear of crime"],
                3,
                "guns",
            ),
        ],
        "chamber": [
            (
                "Three of my employees had car windows smashed this winter in the lot behind the store.",
                "concern",
                "business",
                "Downtown",
                ["Car break-ins"],
                3,
                "breakins",
            ),
            (
                "Customers say they don't feel safe walking to the garage at night.",
                "concern",
                "business",
                "Downtown",
                ["Car break-ins", "Lighting", "Fear of crime"],
                2,
                "breakins",
            ),
            (
                "Racing on Main on weekends scares off our evening customers.",
                "concern",
                "business",
                "Downtown",
                ["Traffic and speeding"],
                2,
                "speeding",
            ),
            (
                "We have camera footage of the lots and would share it.",
                "data",
                "business",
                "Downtown",
                ["Car break-ins"],
                1,
                "breakins",
            ),
            (
                "Graffiti gets cleaned faster when we report it together.",
                "improvement",
                "business",
                "Downtown",
                ["Graffiti and vandalism"],
                1,
                None,
            ),
        ],
        "walk": [
            (
                "Eleven properties on the walk had boarded or broken windows.",
                "data",
                "staff",
                "Eastgate",
                ["Graffiti and vandalism"],
                2,
                "properties",
            ),
            (
                "Overgrown lots next to the vacant houses give cover at night.",
                "improvement",
                "staff",
                "Eastgate",
                ["Lighting"],
                2,
                "properties",
            ),
            (
                "Public Works can prioritize the Ash–Pine lights if police share the call locations.",
                "improvement",
                "partner",
                "Eastgate",
                ["Lighting", "Communication"],
                1,
                "properties",
            ),
        ],
        "tenants": [
            (
                "Tenants are afraid that calling police will get them evicted under the nuisance ordinance.",
                "relationship",
                "partner",
                "Eastgate",
                ["Trust in police"],
                3,
                "trust",
            ),
            (
                "Immigrant families don't report break-ins at all.",
                "concern",
                "partner",
                "Eastgate",
                ["Burglary", "Trust in police"],
                3,
                "trust",
            ),
            (
                "The same five landlords own most of the problem houses.",
                "data",
                "partner",
                "Eastgate",
                ["Homelessness"],
                2,
                "properties",
            ),
        ],
        "cfs": [
            (
                "Shots-fired calls in Northside are up 40% over two years; most between 9 pm and 2 am.",
                "data",
                "officer",
                "Northside",
                ["Gun violence"],
                2,
                "guns",
            ),
            (
                "Twelve Eastgate addresses account for a fifth of the district's disorder calls.",
                "data",
                "officer",
                "Eastgate",
                ["Drugs and overdoses"],
                2,
                "properties",
            ),
            (
                "Overdose calls cluster around the transit center.",
                "data",
                "partner",
                "Downtown",
                ["Drugs and overdoses", "Mental health"],
                2,
                None,
            ),
        ],
        "naacp": [
            (
                "People want to see the data on who gets stopped, by neighborhood and race.",
                "relationship",
                "resident",
                "Riverton",
                ["Racial profiling", "Communication"],
                3,
                "trust",
            ),
            (
                "The shootings are a public health problem, not only a police problem.",
                "concern",
                "partner",
                "Northside",
                ["Gun violence", "Mental health"],
                3,
                "guns",
            ),
            (
                "Invite young people to the table when you decide the priorities.",
                "improvement",
                "resident",
                "Riverton",
                ["Youth", "Communication"],
                2,
                "youth",
            ),
        ],
    },
    "university": {
        "senate": [
            (
                "Walking home from Green Street at 2 am is the scariest part of the week.",
                "concern",
                "student",
                "Green Street",
                ["Fear of crime", "Alcohol and parties"],
                3,
                "greenstreet",
            ),
            (
                "Fights outside the bars at closing are constant on Fridays.",
                "concern",
                "student",
                "Green Street",
                ["Alcohol and parties"],
                3,
                "greenstreet",
            ),
            (
                "The path behind the library is pitch dark after 9.",
                "concern",
                "student",
                "North campus",
                ["Lighting", "Pedestrian safety"],
                3,
                "paths",
            ),
            (
                "SafeWalks takes 40 minutes to arrive on weekends.",
                "improvement",
                "student",
                "Campus",
                ["Response times"],
                2,
                "greenstreet",
            ),
            (
                "Students don't know what the police do with Clery data; publish it in plain language.",
                "relationship",
                "student",
                "Campus",
                ["Communication"],
                1,
                None,
            ),
            (
                "My bike was stolen outside engineering even with a lock.",
                "concern",
                "student",
                "Engineering quad",
                ["Bike theft"],
                1,
                "bikes",
            ),
            (
                "The Senate can run a survey on walking home if the department wants it.",
                "data",
                "partner",
                "Campus",
                ["Communication"],
                1,
                None,
            ),
        ],
        "staff": [
            (
                "Staff leaving late from the library feel unsafe on the north paths.",
                "concern",
                "staff",
                "North campus",
                ["Lighting", "Fear of crime"],
                2,
                "paths",
            ),
            (
                "Packages disappear from the residence hall mail rooms.",
                "concern",
                "staff",
                "North residence halls",
                ["Burglary"],
                2,
                "theft",
            ),
            (
                "Emergency phones on the north paths don't all work.",
                "improvement",
                "staff",
                "North campus",
                ["Lighting"],
                2,
                "paths",
            ),
        ],
        "halls": [
            (
                "People prop the doors open for delivery and anyone walks in.",
                "concern",
                "student",
                "North residence halls",
                ["Burglary"],
                3,
                "theft",
            ),
            (
                "My laptop was taken while I was in the shower down the hall.",
                "concern",
                "student",
                "North residence halls",
                ["Burglary"],
                3,
                "theft",
            ),
            (
                "We didn't know we could register laptops with the police.",
                "improvement",
                "student",
                "North residence halls",
                ["Communication"],
                1,
                "theft",
            ),
            (
                "Parties off campus get out of hand and nobody wants to call because of drinking tickets.",
                "concern",
                "student",
                "Off campus west",
                ["Alcohol and parties", "Drugs and overdoses"],
                3,
                "overdose",
            ),
            (
                "The walk back from the library is the one time I feel unsafe.",
                "concern",
                "student",
                "North campus",
                ["Lighting", "Fear of crime"],
                2,
                "paths",
            ),
            (
                "RAs need training on thefts and what to tell residents.",
                "improvement",
                "student",
                "North residence halls",
                ["Communication"],
                1,
                "theft",
            ),
        ],
        "bsu": [
            (
                "I've been asked for my ID on the quad twice this semester; my white roommate never has.",
                "relationship",
                "student",
                "Main quad",
                ["Racial profiling", "Trust in police"],
                3,
                "stops",
            ),
            (
                "We'd talk to officers more if they came to us when nothing is wrong.",
                "relationship",
                "student",
                "Campus",
                ["Trust in police", "Communication"],
                2,
                "stops",
            ),
            (
                "Green Street at night feels unsafe for us from both sides: from fights and from stops.",
                "concern",
                "student",
                "Green Street",
                ["Racial profiling", "Fear of crime"],
                3,
                "greenstreet",
            ),
            (
                "Publish stop data by race every semester.",
                "improvement",
                "student",
                "Campus",
                ["Racial profiling", "Communication"],
                3,
                "stops",
            ),
        ],
        "greenroom": [
            (
                "Closing time is when it goes wrong: everyone leaves at once onto the same block.",
                "concern",
                "business",
                "Green Street",
                ["Alcohol and parties"],
                3,
                "greenstreet",
            ),
            (
                "Bars would stagger closing if the city and the university back it.",
                "improvement",
                "business",
                "Green Street",
                ["Alcohol and parties"],
                2,
                "greenstreet",
            ),
            (
                "Our door staff see trouble coming; there's no direct line to officers on foot.",
                "improvement",
                "business",
                "Green Street",
                ["Communication", "Response times"],
                2,
                "greenstreet",
            ),
            (
                "We have incident logs from door staff going back two years.",
                "data",
                "business",
                "Green Street",
                ["Alcohol and parties"],
                1,
                "greenstreet",
            ),
        ],
        "climate": [
            (
                "41% of respondents feel unsafe on Green Street after midnight.",
                "data",
                "student",
                "Green Street",
                ["Fear of crime"],
                2,
                "greenstreet",
            ),
            (
                "Respondents named the north paths as the least safe place on campus.",
                "data",
                "student",
                "North campus",
                ["Lighting", "Fear of crime"],
                2,
                "paths",
            ),
            (
                "Open answers: several students of color describe being stopped without reason.",
                "relationship",
                "student",
                "Campus",
                ["Racial profiling"],
                2,
                "stops",
            ),
            (
                "Faculty ask for clearer emergency alerts.",
                "improvement",
                "faculty",
                "Campus",
                ["Communication"],
                1,
                None,
            ),
        ],
        "lighting": [
            (
                "Eleven lights out between the library and the north halls; two emergency phones dead.",
                "data",
                "staff",
                "North campus",
                ["Lighting"],
                2,
                "paths",
            ),
            (
                "Bushes along the path give cover; trimming would help.",
                "improvement",
                "student",
                "North campus",
                ["Lighting", "Pedestrian safety"],
                2,
                "paths",
            ),
            (
                "Bike racks here have no lighting or cameras.",
                "improvement",
                "student",
                "North campus",
                ["Bike theft", "Lighting"],
                1,
                "bikes",
            ),
        ],
        "clery": [
            (
                "Theft is the most reported Clery crime, two thirds of it in residence halls.",
                "data",
                "officer",
                "North residence halls",
                ["Burglary"],
                2,
                "theft",
            ),
            (
                "Assaults on Green Street cluster between 1 and 3 am on weekends.",
                "data",
                "officer",
                "Green Street",
                ["Alcohol and parties"],
                2,
                "greenstreet",
            ),
            (
                "Counseling sees students after assaults who never reported to police.",
                "data",
                "partner",
                "Campus",
                ["Sexual assault and harassment", "Mental health"],
                2,
                "greenstreet",
            ),
        ],
        "ssdp": [
            (
                "Students don't know the Good Samaritan policy protects them when they call for a friend.",
                "concern",
                "student",
                "Off campus west",
                ["Drugs and overdoses", "Alcohol and parties"],
                3,
                "overdose",
            ),
            (
                "Naloxone should be in every residence hall.",
                "improvement",
                "student",
                "North residence halls",
                ["Drugs and overdoses"],
                2,
                "overdose",
            ),
            (
                "Officers arriving to an overdose should focus on care, not citations.",
                "relationship",
                "student",
                "Off campus west",
                ["Trust in police", "Drugs and overdoses"],
                2,
                "overdose",
            ),
        ],
    },
}

# The closed round adopted the priorities the demo problem-solving teams work on.
ROUNDS = {
    "city": {
        "closed": (
            "Riverton public safety priorities 2026",
            ["guns", "properties", "speeding", "youth"],
            ["guns", "properties"],
            {"guns": "Northside Gun Violence PST", "properties": "Eastgate Problem Properties PST"},
        ),
        "open": (
            "Second-year priority: what comes next",
            ["speeding", "breakins", "youth", "trust"],
        ),
    },
    "university": {
        "closed": (
            "State University public safety priorities 2026",
            ["greenstreet", "theft", "paths", "overdose"],
            ["greenstreet", "theft"],
            {
                "greenstreet": "Green Street Nightlife Safety PST",
                "theft": "Residence Hall Theft PST",
            },
        ),
        "open": ("Spring priority round", ["paths", "overdose", "stops", "bikes"]),
    },
}

RATIONALE = {
    "city": "Gun violence ranked first in every round of the count and was raised through five channels, including the data review; problem properties came second and the tenants union, Public Works and the Eastgate association are ready to act on it.",
    "university": "Late-night assaults on Green Street ranked first and the climate survey and Clery data agree; residence hall thefts came second, with Residence Life ready to lead.",
}
DISSENT = {
    "city": "Two members argued that youth programming should come first, since it would also reduce shootings; the team agreed to include youth partners on the gun violence team.",
    "university": "The Black Student Union's representative asked that stops data be reviewed alongside the Green Street work; the co-chairs will bring it back in the spring round.",
}


def seed(world):
    rng = random.Random(360)
    for key in ("city", "university"):
        agency = world.agencies[key]
        if agency.scanning_activities.exists():
            continue  # Already seeded; the demo is idempotent.
        staff = world.users.get("dana" if key == "city" else "karen")
        services.ensure_default_topics(agency=agency)
        topics = {t.name: t for t in agency.scanning_topics.all()}
        candidates = _candidates(agency, staff, key)
        _activities(agency, staff, key, topics, candidates)
        advisory = agency.teams.filter(kind=Team.Kind.ADVISORY).first()
        if advisory is None or not advisory.members.filter(can_vote=True).exists():
            continue
        _closed_round(agency, staff, key, advisory, candidates, rng)
        _open_round(agency, staff, key, advisory, candidates, rng, world)


def _candidates(agency, staff, key):
    made = {}
    for ckey, (title, behavior, people, place, time, areas, summary) in CANDIDATES[key].items():
        made[ckey] = services.create_candidate(
            agency=agency,
            created_by=staff,
            title=title,
            behavior=behavior,
            people=people,
            place=place,
            time=time,
            areas=areas,
            evidence_summary=summary,
        )
    return made


def _activities(agency, staff, key, topics, candidates):
    orgs = {o.name: o for o in agency.organizations.all()}
    today = timezone.localdate()
    for akey, kind, title, days, facilitator, place, count, anonymous, org_names in ACTIVITIES[key]:
        activity = services.record_activity(
            agency=agency,
            recorded_by=staff,
            organizations=[orgs[n] for n in org_names if n in orgs],
            kind=kind,
            title=title,
            held_on=today - timedelta(days=days),
            facilitator=facilitator,
            place=place,
            participant_count=count,
            anonymous=anonymous,
            consent_obtained=True,
            consent_note="Read the recording statement aloud; no one objected."
            if anonymous
            else "",
        )
        ScanningActivity.objects.filter(pk=activity.pk).update(
            created_at=timezone.now() - timedelta(days=days)
        )
        for text, theme, who, place_name, topic_names, strength, ckey in INPUTS[key][akey]:
            item = services.record_input(
                activity=activity,
                recorded_by=staff,
                text=text,
                theme=theme,
                respondent_kind=who,
                place_kind="campus_area"
                if key == "university" and place_name not in {"Off campus west"}
                else "neighborhood",
                place_name=place_name,
                strength=strength,
                topics=[topics[n] for n in topic_names if n in topics],
            )
            if ckey:
                Input.objects.filter(pk=item.pk).update(candidate=candidates[ckey])
    # A few plain-spoken lines staff approved as public quotes.
    for item in agency.scanning_inputs.filter(anonymous=False, strength=3)[:3]:
        Input.objects.filter(pk=item.pk).update(quote_approved=True)


def _voters(advisory):
    return list(advisory.members.current().filter(can_vote=True).select_related("person"))


def _demo_ballot(round_, member, ranking, reason=""):
    """A ballot as the service would store it, for members with no login in the demo."""
    VoterRecord.objects.create(agency=round_.agency, round=round_, member=member)
    fields = {"ranking": ranking, "reason": reason, "sector": member.sector}
    if round_.secret:
        token = secrets.token_hex(10)
        fields["token_hash"] = hashlib.sha256(token.encode()).hexdigest()
    else:
        fields["member"] = member
    Ballot.objects.create(agency=round_.agency, round=round_, **fields)


def _closed_round(agency, staff, key, advisory, candidates, rng):
    title, keys, adopted, teams = ROUNDS[key]["closed"]
    on_ballot = [candidates[k] for k in keys]
    round_ = voting.create_round(
        agency=agency,
        created_by=staff,
        team=advisory,
        title=title,
        description="Ranked vote after the scanning review meeting.",
        candidates=on_ballot,
        closes_at=timezone.now() + timedelta(hours=1),
        method="ranked",
        secret=True,
        quorum=max(1, len(_voters(advisory)) // 2),
    )
    voting.open_round(round_=round_, opened_by=staff)
    ids = [c.pk for c in on_ballot]
    for i, member in enumerate(_voters(advisory)):
        if member.sector == "police" or i % 3 == 0:
            ranking = [ids[0], ids[1], ids[2]]
        elif i % 3 == 1:
            ranking = [ids[1], ids[0], ids[3]]
        else:
            ranking = [ids[3], ids[0], ids[1]]
        _demo_ballot(round_, member, ranking, reason=rng.choice(["", "", "Heard it everywhere."]))
    past = timezone.now() - timedelta(days=60)
    PriorityRound.objects.filter(pk=round_.pk).update(
        closes_at=past, opened_at=past - timedelta(days=10), created_at=past - timedelta(days=12)
    )
    round_.refresh_from_db()
    voting.close_round(round_=round_, closed_by=staff)
    decision = voting.record_decision(
        round_=round_,
        decided_by=staff,
        adopt=[candidates[k] for k in adopted],
        rationale=RATIONALE[key],
        dissent_notes=DISSENT[key],
    )
    for priority in decision.adopted.all():
        team = agency.teams.filter(name=teams.get(_key_of(candidates, priority.candidate))).first()
        if team is not None and not hasattr(team, "priority"):
            priority.team = team
            priority.adopted_on = past.date()
            priority.save(update_fields=["team", "adopted_on"])


def _key_of(candidates, candidate):
    return next(k for k, c in candidates.items() if c.pk == candidate.pk)


def _open_round(agency, staff, key, advisory, candidates, rng, world):
    title, keys = ROUNDS[key]["open"]
    on_ballot = [candidates[k] for k in keys]
    round_ = voting.create_round(
        agency=agency,
        created_by=staff,
        team=advisory,
        title=title,
        description="Score each candidate on the seven worksheet criteria before the next advisory team meeting.",
        candidates=on_ballot,
        closes_at=timezone.now() + timedelta(days=5),
        method="score",
        secret=False,
        reason_required=False,
        quorum=max(1, len(_voters(advisory)) // 2),
    )
    voting.open_round(round_=round_, opened_by=staff)
    demo_users = {world.users.get(k) for k in ("rosa", "priya", "jordan")} - {None}
    criteria = list(round_.criteria.all())
    for member in _voters(advisory):
        if member.person.user in demo_users or rng.random() < 0.4:
            continue  # Left for the demo logins to cast, and a few still to come.
        scores = {str(c.pk): {str(k.pk): rng.randint(2, 5) for k in criteria} for c in on_ballot}
        VoterRecord.objects.create(agency=agency, round=round_, member=member)
        Ballot.objects.create(
            agency=agency, round=round_, member=member, sector=member.sector, scores=scores
        )
