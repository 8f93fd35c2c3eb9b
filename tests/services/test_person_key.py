"""Visits carry a number standing for the person's code: the reports count people by it."""

import datetime

import pytest
from django.db import connection

from opsi.db import PERSON_KEY_SQL, person_key
from reports import periods
from reports.building import build_report
from reports.definitions import BRIDGING_THE_GAPS
from reports.scopes import Scope
from services.models import Visit
from services.visits import log_visit
from tests.factories import MemberFactory

D = datetime.date


def test_every_way_of_writing_a_visit_keeps_the_key_of_its_code(jakarta, jakarta_dic, ayu, catalogue):
    mawar = MemberFactory(branch=jakarta, uic="SIBU2150390")
    visit, _ = log_visit(
        centre=jakarta_dic, member=mawar, uic="", on=D(2025, 5, 1), services={catalogue["rest"]: 1}, by=ayu
    )
    walk_in, _ = log_visit(
        centre=jakarta_dic, member=None, uic="ANNA0101851", on=D(2025, 5, 1), services={catalogue["rest"]: 1}, by=ayu
    )
    [bulk] = Visit.objects.bulk_create([Visit(drop_in_centre=jakarta_dic, uic="RINI3112880", visited_on=D(2025, 5, 2))])
    Visit.objects.filter(pk=walk_in.pk).update(uic="ANNA0101852")
    walk_in.refresh_from_db()

    assert Visit.objects.get(pk=visit.pk).person_key == person_key("SIBU2150390")
    assert walk_in.person_key == person_key("ANNA0101852") != person_key("ANNA0101851")
    assert Visit.objects.get(pk=bulk.pk).person_key == person_key("RINI3112880")


def test_a_member_and_a_walk_in_with_the_same_code_are_one_person(jakarta, jakarta_dic, ayu, sari, catalogue):
    mawar = MemberFactory(branch=jakarta, uic="SIBU2150390")
    log_visit(centre=jakarta_dic, member=mawar, uic="", on=D(2025, 5, 1), services={catalogue["rest"]: 1}, by=ayu)
    log_visit(
        centre=jakarta_dic, member=None, uic="SIBU2150390", on=D(2025, 6, 1), services={catalogue["rest"]: 1}, by=ayu
    )
    log_visit(
        centre=jakarta_dic, member=None, uic="SIBU2150391", on=D(2025, 6, 1), services={catalogue["rest"]: 1}, by=ayu
    )

    report = build_report(BRIDGING_THE_GAPS, periods.year(2025), Scope("national"), sari)

    assert report.figure("visits").value == 3
    assert report.figure("unique_people").value == 2


@pytest.mark.django_db
def test_the_database_computes_the_same_key_as_python():
    """The migration fills existing visits in SQL; new ones get their key in Python."""
    if connection.vendor != "postgresql":
        pytest.skip("the SQL form is for PostgreSQL")
    codes = ["SIBU2150390", "ANNA0101851", "ERASED0000000042", "A"]
    with connection.cursor() as cursor:
        for code in codes:
            cursor.execute(f"SELECT {PERSON_KEY_SQL.format(column='%s')}", [code])  # nosec B608
            assert cursor.fetchone()[0] == person_key(code), code
    assert any(person_key(c) < 0 for c in codes) and any(person_key(c) > 0 for c in codes)


def test_the_migration_that_filled_the_keys_computes_what_the_code_computes():
    """Its frozen copy must agree with opsi.db, or visits saved before and after it differ."""
    import importlib

    frozen = importlib.import_module("services.migrations.0006_visit_person_key")
    for code in ("SIBU2150390", "ANNA0101852", "RINI3112880", ""):
        assert frozen.person_key(code) == person_key(code)
    assert frozen.PERSON_KEY_SQL == PERSON_KEY_SQL
