"""The unique identifier code (UIC): the same person gets the same code anywhere.

Formula (the key-population pattern used by Indonesia's HIV programme):

    first two letters of the mother's first name
  + first two letters of the father's first name
  + gender code (1 man, 2 woman, 3 waria / transgender woman, 4 another, 9 not said)
  + date of birth as DDMMYY

for example mother "Siti", father "Budi", woman, born 15 March 1990 -> ``SIBU2150390``.

Names are normalised before use: accents folded (``É`` -> ``E``), upper-cased,
and everything but A-Z dropped, so ``"  nur'aini"`` gives ``NU``. A name shorter
than two letters is padded with ``X``; an unknown name counts as ``XX``. The
answers themselves are never stored, only the code.
"""

import re
import unicodedata

GENDER_CODES = {"man": "1", "woman": "2", "waria": "3", "another": "4", "not_said": "9"}
UIC_PATTERN = re.compile(r"^[A-Z]{4}[12349]\d{6}$")


def _fold(text):
    folded = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in folded if not unicodedata.combining(c)).upper()


def normalise_name(name):
    return re.sub(r"[^A-Z]", "", _fold(name))


def initials(name):
    return (normalise_name(name)[:2]).ljust(2, "X")


def build_uic(mother_first_name, father_first_name, gender, birth_date):
    return (
        initials(mother_first_name) + initials(father_first_name) + GENDER_CODES[gender] + birth_date.strftime("%d%m%y")
    )


def normalise_uic(code):
    """Accept a code typed by hand: spaces, dashes and case do not matter."""
    return re.sub(r"[^A-Z0-9]", "", _fold(code))


def is_valid_uic(code):
    return bool(UIC_PATTERN.match(code or ""))
