"""Key-population indicators broken down by sex and by age, as UNAIDS GAM asks of each.

An indicator that can be broken down says how in its definition (``BreakdownDef`` in
``reports.definitions``): a function ``fn(ctx) -> Counter {(sex, age band): people}`` that counts
with one query, built from the helpers here, so that any indicator (a visit, an outreach
contact, a document, a test) is broken down the same way:

    def tested_by_sex_and_age(ctx):
        rows = person_rows(tests_in(ctx), F("visit__person_key"), ctx.period, member="visit__member",
                           uic="visit__uic")
        return count_by_sex_and_age(rows)

Sex: a member's recorded gender (woman, man, waria, another, not said); a person known by code
only (a walk-in, an outreach contact) by the gender digit of the code (``members.uic``: 1 man,
2 woman, 3 waria, 4 another, 9 not said). Age: the age reached in the calendar year in which the
period ends, from a member's birth year, or from the year of birth in a code (its last two
digits, read in the century that makes the person 10 to 109 years old that year). A person with
records of both kinds counts by the member's record; each person is counted once.

The report shows two tables (``breakdown_tables``): by sex and by age, a row per indicator,
each row adding up to the indicator's total. Rounded for use outside OPSI, the cells of a row
are rounded together (``reports.protection``) so that they add up to the total as shown.
"""

from collections import Counter

from django.db import connection
from django.db.models import Case, CharField, IntegerField, Q, Value, When
from django.db.models.functions import Cast, Substr
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from members.models import Gender
from members.uic import GENDER_CODES, UIC_PATTERN

from .tables import Section, Table


class Sex:
    FEMALE, MALE, TRANSGENDER, OTHER, UNKNOWN = "female", "male", "transgender", "other", "unknown"
    choices = [
        (FEMALE, gettext_lazy("Female")),
        (MALE, gettext_lazy("Male")),
        (TRANSGENDER, gettext_lazy("Waria / transgender")),
        (OTHER, gettext_lazy("Other sex")),
        (UNKNOWN, gettext_lazy("Sex unknown")),
    ]


class AgeBand:
    UNDER_25, FROM_25, UNKNOWN = "under_25", "25_plus", "unknown"
    choices = [
        (UNDER_25, gettext_lazy("Under 25")),
        (FROM_25, gettext_lazy("25 and over")),
        (UNKNOWN, gettext_lazy("Age unknown")),
    ]


# A member's gender as the sex GAM asks for.
SEX_OF_GENDER = {
    Gender.WOMAN: Sex.FEMALE,
    Gender.MAN: Sex.MALE,
    Gender.WARIA: Sex.TRANSGENDER,
    Gender.ANOTHER: Sex.OTHER,
    Gender.NOT_SAID: Sex.UNKNOWN,
}
# The gender digit of a code (members.uic) as the same.
SEX_OF_CODE_DIGIT = {GENDER_CODES[gender]: sex for gender, sex in SEX_OF_GENDER.items()}
YOUNG = 25  # GAM's age groups: under 25, 25 and over
# A code's two-digit year is read in the century that makes the person at least this old.
YOUNGEST = 10

# A member's record comes before a code (the greatest value per person wins: "m" > "c").
_MEMBER, _CODE = "m", "c"


def _path(prefix, field):
    return f"{prefix}__{field}" if prefix else field


def _member_known(member):
    return Q(**{f"{member}__isnull": False}) if member else Q(pk__isnull=False)


def sex_of(member="member", uic="uic"):
    """The sex group of a record as an expression: by the member's gender where the record has a
    member (``member``: the path to it, "" for a member itself), else by the code's gender digit
    (``uic``: the path to the code; None when every record has a member)."""
    member_known = _member_known(member)
    whens = [
        When(member_known & Q(**{_path(member, "gender"): gender}), then=Value(_MEMBER + sex))
        for gender, sex in SEX_OF_GENDER.items()
    ]
    whens.append(When(member_known, then=Value(_MEMBER + Sex.UNKNOWN)))
    if uic:
        digit = Substr(uic, 5, 1)
        for code, sex in SEX_OF_CODE_DIGIT.items():
            whens.append(When(Q(**{f"{uic}__regex": UIC_PATTERN.pattern}) & Q(bd_digit=code), then=Value(_CODE + sex)))
        return Case(*whens, default=Value(_CODE + Sex.UNKNOWN), output_field=CharField()), {"bd_digit": digit}
    return Case(*whens, default=Value(_CODE + Sex.UNKNOWN), output_field=CharField()), {}


def age_of(period, member="member", uic="uic"):
    """The age group of a record as an expression, at the end of ``period`` (the age reached in
    the year it ends): by the member's birth year where the record has a member, else by the
    year of birth in the code."""
    year = period.end.year
    born_young = year - YOUNG + 1  # born in this year or later: under 25 in ``year``
    member_known = _member_known(member)
    birth_year = _path(member, "birth_year")
    whens = [
        When(member_known & Q(**{f"{birth_year}__isnull": True}), then=Value(_MEMBER + AgeBand.UNKNOWN)),
        When(member_known & Q(**{f"{birth_year}__gte": born_young}), then=Value(_MEMBER + AgeBand.UNDER_25)),
        When(member_known, then=Value(_MEMBER + AgeBand.FROM_25)),
    ]
    extra = {}
    if uic:
        # Two digits ``yy``: 20yy when that makes the person at least YOUNGEST, else 19yy.
        this_century = Q(bd_yy__lte=year - YOUNGEST - 2000)
        young = (this_century & Q(bd_yy__gte=born_young - 2000)) | (~this_century & Q(bd_yy__gte=born_young - 1900))
        valid = Q(**{f"{uic}__regex": UIC_PATTERN.pattern})
        whens += [
            When(valid & young, then=Value(_CODE + AgeBand.UNDER_25)),
            When(valid, then=Value(_CODE + AgeBand.FROM_25)),
        ]
        extra = {"bd_yy": Cast(Substr(uic, 10, 2), IntegerField())}
    return Case(*whens, default=Value(_CODE + AgeBand.UNKNOWN), output_field=CharField()), extra


def person_rows(queryset, person, period, member="member", uic="uic"):
    """``queryset`` as rows (person, sex group, age group) for ``count_by_sex_and_age``.

    ``person``: what names one person (an expression: a code, a person key, a member's id);
    ``member``: the path from a record to its member ("" when the records are members);
    ``uic``: the path to the person's code (None when every record has a member)."""
    sex, sex_extra = sex_of(member, uic)
    age, age_extra = age_of(period, member, uic)
    return (
        queryset.order_by()
        .annotate(**sex_extra, **age_extra)
        .annotate(bd_person=person, bd_sex=sex, bd_age=age)
        .values_list("bd_person", "bd_sex", "bd_age")
    )


def count_by_sex_and_age(*rows):
    """Counter {(sex, age band): people} of the ``person_rows`` given (several are put together:
    a person met at a centre and at outreach is one person), each person once, in one query."""
    union = rows[0] if len(rows) == 1 else rows[0].union(*rows[1:], all=True)
    sql, params = union.query.sql_with_params()
    # Safe: ``sql`` is the ORM's own compiled query with its values left as parameters; the
    # column names are the fixed aliases of ``person_rows``.
    grouped = (
        "SELECT s, a, COUNT(*) FROM (SELECT bd_person, MAX(bd_sex) AS s, MAX(bd_age) AS a "  # nosec B608
        f"FROM ({sql}) u GROUP BY bd_person) g GROUP BY s, a"
    )
    with connection.cursor() as cursor:
        cursor.execute(grouped, params)
        counts = Counter()
        for sex, age, n in cursor.fetchall():
            counts[(sex[1:], age[1:])] += n
        return counts


def by_sex(counts):
    return {sex: sum(n for (s, _a), n in counts.items() if s == sex) for sex, _label in Sex.choices}


def by_age(counts):
    return {age: sum(n for (_s, a), n in counts.items() if a == age) for age, _label in AgeBand.choices}


def section(breakdowns, ctx):
    """The section "By sex and age" of a report's breakdowns (``BreakdownDef``, in the
    definition's order), each counted with one query. Sensitive ones (about people harmed) have
    tables of their own, which ``reports.protection`` withholds where incident figures are."""
    counted = {b.key: b.count(ctx) for b in breakdowns}
    plain = [b for b in breakdowns if not b.sensitive]
    harmed = [b for b in breakdowns if b.sensitive]
    tables = breakdown_tables(plain, counted) if plain else []
    if harmed:
        tables += breakdown_tables(harmed, counted, suffix="_sensitive")
    return Section("breakdowns", _("By sex and age"), tables)


def breakdown_tables(breakdowns, counted, suffix=""):
    """The two tables of ``breakdowns``: by sex and by age, a row per indicator with its total,
    from ``counted`` ({key: Counter})."""
    titles = (_("Key-population indicators by sex"), _("Key-population indicators by age"))
    if suffix:  # about people harmed or their health: protected as the incident figures are
        titles = (
            _("Key-population indicators by sex, protected as incident figures"),
            _("Key-population indicators by age, protected as incident figures"),
        )
    tables = []
    for by, key, title, groups, split in [
        ("sex", "breakdown_by_sex" + suffix, titles[0], Sex.choices, by_sex),
        ("age", "breakdown_by_age" + suffix, titles[1], AgeBand.choices, by_age),
    ]:
        shown = [b for b in breakdowns if by in b.by]
        if not shown:
            continue
        rows, links = [], {}
        for r, breakdown in enumerate(shown):
            values = split(counted[breakdown.key])
            cells = [values[code] for code, _label in groups]
            rows.append([str(breakdown.label), *cells, sum(cells)])
            links[breakdown.total] = (r, len(groups) + 1)
        tables.append(
            Table(
                key,
                title,
                [_("Indicator"), *[str(label) for _code, label in groups], _("Total")],
                rows,
                total_column=True,
                row_keys=[b.key for b in shown],
                links=links,
                column_names=[None, *[code for code, _label in groups], "total"],
                rows_add_up=True,
                on_last_day_rows=[b.key for b in shown if b.on_last_day],
                sensitive=any(b.sensitive for b in shown),
            )
        )
    if tables:  # said once, under the pair (the PDF keeps its pages full)
        tables[-1].note = _(
            "Each row breaks down the figure of the same name; its total is that figure. Age: reached in the year "
            "the period ends."
        )
    return tables
