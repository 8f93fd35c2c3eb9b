import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from members.identity import mask, nik_owner, save_identity, validate_nik
from tests.factories import MemberFactory

NIK = "3171014502900004"


def test_identity_is_not_readable_in_the_database_table(jakarta):
    member = MemberFactory(branch=jakarta)
    save_identity(member, None, legal_name="Siti Aminah", nik=NIK, phone="081234567890")
    with connection.cursor() as cursor:
        cursor.execute("SELECT legal_name, nik, phone, nik_hash FROM members_memberidentity")
        row = cursor.fetchone()
    stored = " ".join(row)
    for secret in ["Siti", "Aminah", NIK, "081234567890", "4567"]:
        assert secret not in stored
    member.identity.refresh_from_db()
    assert member.identity.nik == NIK


def test_duplicate_nik_is_found_across_branches(jakarta, bali):
    first = MemberFactory(branch=jakarta)
    save_identity(first, None, nik=NIK)
    second = MemberFactory(branch=bali)
    assert nik_owner(NIK, exclude_member=second) == first
    assert nik_owner("3171014502900005") is None


def test_audit_trail_names_the_changed_fields_never_the_values(jakarta):
    from auditlog.models import LogEntry

    member = MemberFactory(branch=jakarta)
    save_identity(member, None, nik=NIK)
    text = " ".join(str(e.changes) for e in LogEntry.objects.all())
    assert NIK not in text and "nik" in text


@pytest.mark.parametrize(
    "nik", ["123", "31710145029000041", "9971014502900004", "3171014513900004", "3171013502900004", "317101450290000a"]
)
def test_bad_niks_are_refused_with_a_message(nik):
    with pytest.raises(ValidationError):
        validate_nik(nik)


def test_a_womans_nik_with_day_plus_40_is_valid():
    validate_nik(NIK)


def test_nik_is_masked_to_first_and_last_four_digits():
    assert mask(NIK, "nik") == "3171********0004"
    assert mask("081234567890", "phone") == "*********890"
