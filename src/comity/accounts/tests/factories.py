import factory

from comity.accounts.choices import AuthorityKind, Role
from comity.accounts.models import Authority, User

TEST_PASSWORD = "correct-horse-battery-staple"


class AuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Authority

    name = factory.Sequence(lambda n: f"Central Authority {n}")
    country = "PE"
    kind = AuthorityKind.CENTRAL_AUTHORITY


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    authority = factory.SubFactory(AuthorityFactory)
    role = Role.OFFICER
    password = factory.django.Password(TEST_PASSWORD)
