"""HIV testing, results and treatment, STI treatment and PrEP; new and returning people at the
centres; violence as a share of members.

Tests, treatment and PrEP are read from ``services.HealthCare`` (kept with a visit, or with a
referral's outcome: the person was tested where she was sent); results and treatment (ART) from
``services.HivResult``, which say that a person lives with HIV: their tables are ``sensitive``,
counted and rounded like the incident figures and shown only where ``incident_access`` allows
(``reports.protection``). Violence among members comes from the incidents, under the same rule.

A person is counted once per period and table, by her code (a member and a walk-in by the same
code are one person). Only current sex workers count in the testing figures (walk-ins by code and
regular members on the period's last day: the key population), as in the GAM figures.
"""

from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from incidents.models import ViolationKind
from services.models import HealthCare, HivResultKind, Prep, Visit

from ..breakdowns import count_by_sex_and_age, person_rows
from ..protection import recorded_before
from ..tables import Share, Table
from .access import current_sex_workers
from .incidents import _incidents
from .membership import last_day, members_total

# The person's code, wherever the care was recorded: the visit's, or the referral's.
_PERSON = Coalesce("visit__uic", "referral__uic")


def _care(ctx, period, results=False):
    """The care given to current sex workers in ``period`` in the branches in scope. For
    ``results``, to readers who get them only as incident figures (``Context.incidents_to_cutoff``),
    only what was recorded by the incidents' cutoff: a result recorded late changes no figure once
    shown."""
    day = last_day(period)
    key_population = (Q(visit__isnull=False) & current_sex_workers(day, "visit__member")) | (
        Q(referral__isnull=False) & current_sex_workers(day, "referral__member")
    )
    care = HealthCare.objects.in_branches(ctx.branch_ids).in_period(period.start, period.end).filter(key_population)
    if results and ctx.incidents_to_cutoff:
        care = care.filter(created_at__lt=recorded_before(period))
    return care


def _people(**condition):
    return Count(_PERSON, distinct=True, filter=Q(**condition))


def _testing(ctx, period):
    """The testing, STI and PrEP counts of ``period`` in one query, shared by the table and the key figure."""
    key = ("hiv_testing", period)
    if key not in ctx.memo:
        ctx.memo[key] = _care(ctx, period).aggregate(
            at_centres=_people(hiv_tested=True, visit__isnull=False),
            by_referral=_people(hiv_tested=True, referral__isnull=False),
            tested=_people(hiv_tested=True),
            sti=_people(sti_treated=True),
            prep_started=_people(prep=Prep.STARTED),
            prep_continued=_people(prep=Prep.CONTINUED),
        )
    return ctx.memo[key]


def hiv_tested_total(ctx, period=None):
    """Sex workers tested for HIV in the period, at a centre or where referred, each once."""
    return _testing(ctx, period or ctx.period)["tested"]


def hiv_testing(ctx):
    counts = _testing(ctx, ctx.period)
    rows = [
        ("at_centres", _("Tested for HIV at a drop-in centre")),
        ("by_referral", _("Tested for HIV where referred (the referral's outcome)")),
        ("tested", _("Tested for HIV, each person once")),
        ("sti", _("Given STI treatment")),
        ("prep_started", _("Started PrEP")),
        ("prep_continued", _("Continued PrEP")),
    ]
    return Table(
        "hiv_testing",
        _("HIV testing, STI treatment and PrEP among sex workers"),
        [_("Indicator"), _("People")],
        [[label, counts[key]] for key, label in rows],
        row_keys=[key for key, _label in rows],
        # The key figure, and the totals of the breakdowns by sex and age.
        links={"hiv_tested": (2, 1), "sti_treated": (3, 1), "prep_started": (4, 1), "prep_continued": (5, 1)},
        note=_(
            "A person tested both at a centre and where referred is in both rows and once in the third; a "
            "person who started and continued PrEP in the period is in both rows."
        ),
    )


def _result_counts(ctx, period):
    key = ("hiv_results", period, ctx.incidents_to_cutoff)
    if key not in ctx.memo:
        results = _care(ctx, period, results=True).filter(hiv_tested=True)
        ctx.memo[key] = results.aggregate(
            **{
                name: Count(_PERSON, distinct=True, filter=condition)
                for name, condition in _results(ctx, period).items()
            }
        )
    return ctx.memo[key]


def reactive_total(ctx, period=None):
    """Sex workers with a reactive result in the period, each once: sensitive, like incidents."""
    return _result_counts(ctx, period or ctx.period)["reactive"]


def hiv_results(ctx):
    """Tested and know their result, reactive, linked to ART: sensitive, like incidents."""
    counts = _result_counts(ctx, ctx.period)
    rows = [
        ("know", _("Tested and know their result")),
        ("reactive", _("Reactive result")),
        ("linked", _("Reactive result and linked to ART (treatment started)")),
    ]
    return Table(
        "hiv_results",
        _("HIV test results and treatment among sex workers"),
        [_("Indicator"), _("People")],
        [[label, counts[key]] for key, label in rows],
        row_keys=[key for key, _label in rows],
        links={"hiv_reactive": (1, 1)},  # the key figure, and the total of its breakdowns
        sensitive=True,
        note=_("Counted like rights violations: shown only where those are."),
    )


def _results(ctx, period):
    """{row: condition} of the results table: know their result, reactive, linked to ART."""
    known = [HivResultKind.REACTIVE, HivResultKind.NON_REACTIVE]
    # Linked to ART: treatment started by the period's last day, as it was known then.
    linked = Q(hiv_result__result=HivResultKind.REACTIVE, hiv_result__art_started_on__lte=period.end)
    if ctx.incidents_to_cutoff:
        linked &= Q(hiv_result__art_recorded_at__lt=recorded_before(period))
    return {
        "know": Q(hiv_result__result__in=known),
        "reactive": Q(hiv_result__result=HivResultKind.REACTIVE),
        "linked": linked,
    }


def _by_sex_and_age(ctx, care):
    """Counter {(sex, age band): people} of ``care`` (``reports.breakdowns``): a person by her
    member's record where the visit or referral has one, else by her code."""
    visits = person_rows(
        care.filter(visit__isnull=False), F("visit__uic"), ctx.period, member="visit__member", uic="visit__uic"
    )
    referrals = person_rows(
        care.filter(referral__isnull=False),
        F("referral__uic"),
        ctx.period,
        member="referral__member",
        uic="referral__uic",
    )
    return count_by_sex_and_age(visits, referrals)


def hiv_tested_by_sex_and_age(ctx):
    return _by_sex_and_age(ctx, _care(ctx, ctx.period).filter(hiv_tested=True))


def sti_treated_by_sex_and_age(ctx):
    return _by_sex_and_age(ctx, _care(ctx, ctx.period).filter(sti_treated=True))


def prep_started_by_sex_and_age(ctx):
    return _by_sex_and_age(ctx, _care(ctx, ctx.period).filter(prep=Prep.STARTED))


def prep_continued_by_sex_and_age(ctx):
    return _by_sex_and_age(ctx, _care(ctx, ctx.period).filter(prep=Prep.CONTINUED))


def reactive_by_sex_and_age(ctx):
    care = _care(ctx, ctx.period, results=True).filter(hiv_tested=True)
    return _by_sex_and_age(ctx, care.filter(_results(ctx, ctx.period)["reactive"]))


def _new_and_returning(ctx, period):
    key = ("new_and_returning", period)
    if key not in ctx.memo:
        seen_before = Visit.objects.filter(person_key=OuterRef("person_key"), visited_on__lt=period.start)
        counts = (
            Visit.objects.in_branches(ctx.branch_ids)
            .in_period(period.start, period.end)
            .aggregate(
                people=Count("person_key", distinct=True),
                returning=Count("person_key", distinct=True, filter=Exists(seen_before)),
            )
        )
        counts["new"] = counts["people"] - counts["returning"]
        ctx.memo[key] = counts
    return ctx.memo[key]


def new_people_total(ctx, period=None):
    """People whose first visit ever, at any centre, was in the period."""
    return _new_and_returning(ctx, period or ctx.period)["new"]


def new_and_returning(ctx):
    counts = _new_and_returning(ctx, ctx.period)
    return Table(
        "new_and_returning",
        _("New and returning people at the drop-in centres"),
        [_("People"), _("Number")],
        [
            [_("New: first visit ever in this period"), counts["new"]],
            [_("Returning: came to a centre before this period"), counts["returning"]],
            [_("Total"), counts["people"]],
        ],
        total_row=True,
        row_keys=["new", "returning", "total"],
        # The same counts as the key figures "new people" and "people who visited".
        links={"new_people": (0, 1), "unique_people": (2, 1)},
        note=_("New: the first visit ever by the code, at any centre of OPSI, falls in the period."),
    )


def violence_among_members(ctx):
    """Members harmed by physical or sexual violence in the period (counted incidents) over the
    members on the period's last day: sensitive, like every incident figure."""
    period = ctx.period
    day = last_day(period)
    harmed = (
        _incidents(ctx, period)
        .filter(violations__kind=ViolationKind.VIOLENCE, member__joined_on__lte=day)
        .filter(Q(member__left_on__isnull=True) | Q(member__left_on__gt=day))
        .aggregate(n=Count("member", distinct=True))["n"]
    )
    members = members_total(ctx, period)
    return Table(
        "violence_among_members",
        _("Members who suffered physical or sexual violence"),
        [_("Members"), _("Harmed by physical or sexual violence"), _("Members"), _("Share of members")],
        [[_("Members of the branches in this report"), harmed, members, Share(harmed, members)]],
        row_keys=["members"],
        shares={3: (1, 2)},
        links={"members": (0, 2)},  # the key figure of the same count
        sensitive=True,
        on_last_day=True,
        note=_(
            "Members on the period's last day harmed by physical or sexual violence in an incident of the "
            "period counted with consent to statistics, over the members on that day."
        ),
    )


METHOD_NOTES = [
    _(
        "HIV tests follow the Global Fund's KP-3c (\"received an HIV test during the reporting period and know "
        'their results") and UNAIDS GAM ("tested and know their result"): a test at a centre, or confirmed by a '
        "referral's outcome, each current sex worker once per period. Know their result: reactive or "
        'non-reactive, given to the person. Linked to ART ("linked to antiretroviral therapy"): a reactive result '
        "in the period with treatment started by its last day."
    ),
]
