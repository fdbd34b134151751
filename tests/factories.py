"""factory_boy factories for the core."""

import factory
from django.contrib.auth.models import Group

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
