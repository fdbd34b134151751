"""factory_boy factories for the core."""

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from portal.models import OrgUnit, OrgUnitKind, User


class OrgUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgUnit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"unit-{n}")
    name = factory.Sequence(lambda n: f"Unit {n}")
    kind = OrgUnitKind.MOBILE_UNIT


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda user: f"{user.username}@customs.example")
    password = factory.django.Password("correct-horse-battery")
    org_unit = factory.SubFactory(OrgUnitFactory)

    @factory.post_generation
    def roles(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if create and extracted:
            users_groups = self.groups  # type: ignore[attr-defined]  # self is the built User
            users_groups.set(Group.objects.filter(name__in=extracted))


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "portal.Course"
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"course-{n}")
    title = factory.Sequence(lambda n: f"Course {n}")
    validity_months = 24


class TrainingSessionFactory(factory.django.DjangoModelFactory):
    """A one-day session today (attendance and results can be recorded at once)."""

    class Meta:
        model = "portal.TrainingSession"

    course = factory.SubFactory(CourseFactory)
    starts_on = factory.LazyFunction(timezone.localdate)
    ends_on = factory.LazyAttribute(lambda session: session.starts_on)
    trainer = "Rasa Mokytoja"
    place = "Vilnius, training centre"
    capacity = 10
