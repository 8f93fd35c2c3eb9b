import factory

from members.models import Branch, DropInCentre
from opsi.models import User

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


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = User.Role.COORDINATOR
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def branches(self, create, extracted, **kwargs):
        if create and extracted:
            self.branches.set(extracted)
        if create:
            self.save()
