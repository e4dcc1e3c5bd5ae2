"""factory_boy factories for every app. Keep one section per app, in dependency order."""

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
