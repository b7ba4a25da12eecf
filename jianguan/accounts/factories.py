"""Factories for users. The default password satisfies the password rules."""

from __future__ import annotations

import factory

from jianguan.accounts.models import User
from jianguan.accounts.roles import Role

DEFAULT_PASSWORD = "Jianguan#2026"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    role = Role.DIVISION_STAFF
    department = factory.SubFactory("jianguan.organizations.factories.DepartmentFactory")

    @factory.post_generation
    def password(obj: User, create: bool, extracted: str | None, **kwargs: object) -> None:
        obj.set_password(extracted or DEFAULT_PASSWORD)
        if create:
            obj.save()
