import datetime
import functools

import factory

from members.registration import register_member
from opsi.models import User
from opsi.tenant import Branch, DropInCentre

PASSWORD = "a-long-test-password-42"


class BranchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Branch
        django_get_or_create = ["province"]

    province = factory.Iterator(["31", "51", "73", "94", "32", "33"])
    name = factory.LazyAttribute(lambda o: f"Branch {o.province}")


class DropInCentreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DropInCentre

    branch = factory.SubFactory(BranchFactory)
    name = factory.Sequence(lambda n: f"DIC {n}")
    area = "Kota"


@functools.cache
def _password_hash():
    from django.contrib.auth.hashers import make_password

    return make_password(PASSWORD)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = User.Role.COORDINATOR
    # Hashed once (Argon2 is slow on purpose), shared by every test user.
    password = factory.LazyFunction(lambda: _password_hash())

    @factory.post_generation
    def branches(self, create, extracted, **kwargs):
        if create and extracted:
            self.branches.set(extracted)
        if create:
            self.save()


class MemberFactory(factory.django.DjangoModelFactory):
    """A member registered as the form registers one (registration.register_member): her first
    kind period from the day she joined, no work setting when honorary."""

    class Meta:
        model = "members.Member"

    branch = factory.SubFactory(BranchFactory)
    uic = factory.Sequence(lambda n: f"SIBU2{(n % 28) + 1:02d}{(n // 28) % 12 + 1:02d}{90 + n // 336 % 10:02d}")
    alias = factory.Sequence(lambda n: f"Mawar {n}")
    kind = "regular"
    gender = "woman"
    birth_year = 1990
    work_setting = "street"
    joined_on = datetime.date(2024, 1, 15)
    consent_on = datetime.date(2024, 1, 15)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return register_member(model_class(*args, **kwargs), by=None)
