import pytest

from tests.factories import MemberFactory


@pytest.fixture
def mawar(jakarta):
    """A member of Jakarta, where ayu coordinates."""
    return MemberFactory(branch=jakarta, alias="Mawar", uic="SIBU2150390")
