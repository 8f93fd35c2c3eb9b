"""Member search by any part of the alias, served by an index on PostgreSQL."""

import pytest
from django.db import connection
from django.urls import reverse

from tests.factories import MemberFactory


def test_search_finds_any_part_of_the_alias_in_any_case(client_of, ayu, jakarta):
    MemberFactory(branch=jakarta, alias="Mawar Merah")
    MemberFactory(branch=jakarta, alias="Melati")
    content = client_of(ayu).get(reverse("member_list"), {"q": "WAR me"}).content.decode()
    assert "Mawar Merah" in content and "Melati" not in content


@pytest.mark.django_db
def test_postgresql_has_the_trigram_index_the_search_uses():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'member_alias_trgm'")
        row = cursor.fetchone()
    assert row and "gin_trgm_ops" in row[0] and "upper" in row[0].lower()
