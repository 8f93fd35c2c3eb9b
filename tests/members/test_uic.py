import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from members.uic import build_uic, is_valid_uic, normalise_uic

BORN = datetime.date(1990, 3, 15)


def test_uic_follows_the_documented_formula():
    assert build_uic("Siti", "Budi", "woman", BORN) == "SIBU2150390"


@pytest.mark.parametrize(
    "mother,father",
    [("siti", "budi"), ("  SITI ", "Budi  Santoso"), ("Sîtì", "Büdi"), ("s-i'ti", "b.udi")],
)
def test_uic_ignores_case_spaces_accents_and_punctuation(mother, father):
    assert build_uic(mother, father, "woman", BORN) == "SIBU2150390"


def test_short_or_unknown_names_are_padded_with_x():
    assert build_uic("A", "", "waria", BORN) == "AXXX3150390"


def test_gender_changes_the_code():
    assert build_uic("Siti", "Budi", "man", BORN) != build_uic("Siti", "Budi", "woman", BORN)


def test_a_typed_code_is_normalised():
    assert normalise_uic(" sibu-215 0390 ") == "SIBU2150390"


@given(
    mother=st.text(max_size=30),
    father=st.text(max_size=30),
    gender=st.sampled_from(["man", "woman", "waria", "another", "not_said"]),
    born=st.dates(min_value=datetime.date(1930, 1, 1), max_value=datetime.date(2015, 12, 31)),
)
def test_any_answers_give_a_valid_deterministic_code(mother, father, gender, born):
    code = build_uic(mother, father, gender, born)
    assert is_valid_uic(code)
    assert code == build_uic(mother, father, gender, born)
