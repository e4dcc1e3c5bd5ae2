"""factory_boy factories for every app. Keep one section per app, in dependency order."""

import datetime

import factory
from django.utils.text import slugify

from cs360.models import Agency, Membership, Role, User

# --- cs360 -------------------------------------------------------------------------------


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name")
    password = factory.django.Password("pw-for-tests-1")


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Agency {n} Police Department")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    kind = Agency.Kind.MUNICIPAL
    time_zone = "America/Chicago"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    agency = factory.SubFactory(AgencyFactory)
    role = Role.STAFF


# --- dashboard ---------------------------------------------------------------------------


class PoliceRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "dashboard.PoliceRecord"

    agency = factory.SubFactory(AgencyFactory)
    source = "incidents"
    record_id = factory.Sequence(lambda n: f"R{n:07d}")
    occurred_at = factory.Sequence(
        lambda n: (
            datetime.datetime(2024, 5, 1, 12, tzinfo=datetime.UTC) + datetime.timedelta(hours=n)
        )
    )
    reported_at = factory.LazyAttribute(lambda o: o.occurred_at)
    final_type = "THEFT"
    category = "THEFT"
    district = "001"
    beat = "0111"
    block_address = "100 BLOCK MAIN ST"
    latitude = 41.8781
    longitude = -87.6298
    public_latitude = 41.878
    public_longitude = -87.63


class ColumnMappingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "dashboard.ColumnMapping"

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"Records export {n}")
    source = "incidents"
    mapping = factory.LazyFunction(
        lambda: {
            "version": 1,
            "source": "incidents",
            "fields": {
                "record_id": {"column": "ID"},
                "occurred_at": {"column": "Date", "format": "%m/%d/%Y %I:%M:%S %p"},
                "category": {"column": "Primary Type"},
            },
        }
    )


class ImportJobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "dashboard.ImportJob"

    agency = factory.SubFactory(AgencyFactory)
    original_name = "export.csv"
    file = factory.django.FileField(
        filename="export.csv", data=b"ID,Date\n1,01/02/2024 10:00:00 AM\n"
    )
    source = "incidents"
    status = "succeeded"


class BoundaryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "dashboard.Boundary"

    agency = factory.SubFactory(AgencyFactory)
    layer = "district"
    code = factory.Sequence(lambda n: str(n + 1))
    name = factory.LazyAttribute(lambda o: f"District {o.code}")
    join_key = factory.LazyAttribute(lambda o: o.code.lstrip("0") or "0")
    geometry = factory.LazyFunction(
        lambda: {
            "type": "Polygon",
            "coordinates": [[[-87.7, 41.8], [-87.6, 41.8], [-87.6, 41.9], [-87.7, 41.8]]],
        }
    )


class PublicationSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "dashboard.PublicationSettings"
        django_get_or_create = ["agency"]

    agency = factory.SubFactory(AgencyFactory)
    police_data_public = True


# --- communitymap ------------------------------------------------------------------------

from communitymap.models import (  # noqa: E402
    Affiliation,
    Area,
    Organization,
    PartnerType,
    Person,
    normalize_name,
    trigrams,
)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"Northside Neighborhood Association {n}")
    normalized_name = factory.LazyAttribute(lambda o: normalize_name(o.name))
    name_trigrams = factory.LazyAttribute(lambda o: trigrams(o.name))
    partner_type = PartnerType.COMMUNITY
    areas = factory.LazyFunction(lambda: [Area.HOUSING])


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    agency = factory.SubFactory(AgencyFactory)
    full_name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"contact{n}@community.example")


class AffiliationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Affiliation

    agency = factory.SubFactory(AgencyFactory)
    organization = factory.SubFactory(OrganizationFactory, agency=factory.SelfAttribute("..agency"))
    person = factory.SubFactory(PersonFactory, agency=factory.SelfAttribute("..agency"))
    role_title = "President"
    start_date = factory.LazyFunction(lambda: __import__("datetime").date(2025, 8, 20))


# --- teams -------------------------------------------------------------------------------

from teams.models import Goal, Meeting, Metric, Reading, Team, TeamMember  # noqa: E402


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    agency = factory.SubFactory(AgencyFactory)
    kind = Team.Kind.PROBLEM_SOLVING
    name = factory.Sequence(lambda n: f"Green Street Nightlife PST {n}")
    status = Team.Status.ACTIVE
    purpose = "Reduce late-night assaults and the fear of them along Green Street."


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMember

    agency = factory.SelfAttribute("team.agency")
    team = factory.SubFactory(TeamFactory)
    person = factory.SubFactory(PersonFactory, agency=factory.SelfAttribute("..team.agency"))
    sector = TeamMember.Sector.COMMUNITY
    role = TeamMember.TeamRole.MEMBER


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    agency = factory.SelfAttribute("team.agency")
    team = factory.SubFactory(TeamFactory)
    statement = "Cut late-night assaults on Green Street by a third by the end of 2026."
    deadline = datetime.date(2026, 12, 31)


class MetricFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Metric

    goal = factory.SubFactory(GoalFactory)
    team = factory.SelfAttribute("goal.team")
    agency = factory.SelfAttribute("goal.agency")
    name = factory.Sequence(lambda n: f"Late-night assaults {n}")
    definition = "Assaults reported between 10 pm and 4 am on the 500-900 blocks of Green St."
    unit = "assaults per month"
    direction = Metric.Direction.DOWN
    baseline_value = 30
    baseline_period = "monthly average, 2025"
    baseline_date = datetime.date(2025, 12, 31)
    target_value = 20
    target_date = datetime.date(2026, 12, 31)
    kind = Metric.Kind.OUTCOME


class ReadingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reading

    metric = factory.SubFactory(MetricFactory)
    agency = factory.SelfAttribute("metric.agency")
    value = 25
    taken_on = factory.Sequence(lambda n: datetime.date(2026, 1, 1) + datetime.timedelta(days=n))


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    team = factory.SubFactory(TeamFactory)
    agency = factory.SelfAttribute("team.agency")
    held_on = factory.LazyFunction(datetime.date.today)
    agenda = "1. Metric review"


class ActionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "teams.ActionItem"

    team = factory.SubFactory(TeamFactory)
    agency = factory.SelfAttribute("team.agency")
    description = "Walk Green Street with the landlords after midnight"
    owner = factory.SubFactory(PersonFactory, agency=factory.SelfAttribute("..team.agency"))
    due_on = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=14))


# --- scanning ----------------------------------------------------------------------------

from scanning.models import (  # noqa: E402
    ActivityKind,
    CandidateProblem,
    Input,
    RespondentKind,
    ScanningActivity,
    Theme,
)


class ScanningActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScanningActivity

    agency = factory.SubFactory(AgencyFactory)
    kind = ActivityKind.MEETING
    title = factory.Sequence(lambda n: f"Student Senate listening session {n}")
    facilitator = "Officer Tom Becker"
    place = "Student Union, Room 210"
    participant_count = 24
    anonymous = False


class CandidateProblemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CandidateProblem

    agency = factory.SubFactory(AgencyFactory)
    title = factory.Sequence(lambda n: f"Unlit paths after night classes {n}")
    behavior = "Students walking alone feel unsafe; two robberies reported."
    people = "Students leaving evening classes; non-students cutting through."
    place = "Paths between the library and the north residence halls."
    time = "Weeknights 9 pm to 1 am, autumn and winter."


class InputFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Input

    agency = factory.SelfAttribute("activity.agency")
    activity = factory.SubFactory(ScanningActivityFactory)
    anonymous = factory.SelfAttribute("activity.anonymous")
    text = "The path behind the library is dark after 9 and people have been followed."
    theme = Theme.CONCERN
    respondent_kind = RespondentKind.STUDENT
    place_kind = "campus_area"
    place_name = "North campus"


def advisory_team(agency, voters, name="Advisory team"):
    """An advisory team whose voting members are `voters`: [(user or None, sector)].

    Returns (team, [TeamMember]) in the same order.
    """
    from teams import services as team_services

    team = agency.teams.filter(name=name).first() or team_services.create_team(
        agency=agency, kind=Team.Kind.ADVISORY, name=name, created_by=None, status="active"
    )
    members = []
    for user, sector in voters:
        person = None
        if user is not None:
            person = Person.objects.filter(agency=agency, user=user).first()
        if person is None:
            person = PersonFactory(agency=agency, user=user)
            if user is not None and user.full_name:
                person.full_name = user.full_name
                person.save(update_fields=["full_name"])
        existing = team.members.current().filter(person=person).first()
        members.append(
            existing
            or team_services.add_member(
                team=team, person=person, added_by=None, sector=sector, can_vote=True
            )
        )
    return team, members


def open_round(agency, team, candidates=None, **settings):
    """A priority round on `candidates` (two new ones by default), open for voting."""
    from datetime import timedelta

    from django.utils import timezone

    from scanning import voting

    candidates = candidates or [
        CandidateProblemFactory(agency=agency),
        CandidateProblemFactory(agency=agency),
    ]
    settings.setdefault("closes_at", timezone.now() + timedelta(days=7))
    round_ = voting.create_round(
        agency=agency,
        created_by=None,
        team=team,
        title=settings.pop("title", "Spring priorities"),
        candidates=candidates,
        **settings,
    )
    return voting.open_round(round_=round_, opened_by=None)
