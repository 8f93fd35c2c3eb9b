"""Report definitions: which indicators a donor's report holds, in which sections.

A second donor's report is a new definition here, not new code.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from .indicators import access, health, incidents, membership, outreach, outreach_by_branch, partners


@dataclass(frozen=True)
class KeyFigureDef:
    key: str
    label: str
    compute: object  # fn(ctx, period) -> int or Share
    sensitive: bool = False  # about people harmed: rounded in every report (reports.protection)
    # A percentage's (numerator, denominator) by the names of the counts they are (rounding
    # draws once per name, so the denominator shows what the figure of that name shows).
    parts: tuple = None
    # False for a figure that counts no people (branches): shown as it is in every report; a
    # branch's own report shows 0 or 1, which no rounding can hide.
    counts_people: bool = True
    # Counted on the period's last day: rounded by that day (``Table.on_last_day``).
    on_last_day: bool = False


@dataclass(frozen=True)
class BreakdownDef:
    """A key-population indicator broken down by sex and by age (UNAIDS GAM's disaggregations).

    ``count``: fn(ctx) -> Counter {(sex, age band): people} in one query, built with
    ``reports.breakdowns.person_rows`` and ``count_by_sex_and_age`` (any indicator of people is
    broken down by giving its records, the path to their member and to their code).
    ``total``: the name of the figure it breaks down, a key figure's key or a table's link
    (``Table.links``); the row's total is that figure, and rounded, its cells add up to it as
    shown. ``on_last_day`` and ``sensitive`` as for a key figure: a sensitive breakdown is shown
    only where incident figures are (``reports.protection``). The report shows every breakdown
    of its definition in two tables, by sex and by age, in the section "By sex and age".
    """

    key: str
    label: str
    count: object
    total: str
    on_last_day: bool = False
    sensitive: bool = False
    # The breakdowns shown: a figure whose breakdown by sex another table shows already (members
    # by kind and gender) is shown by age only, so that one count is not rounded twice.
    by: tuple = ("sex", "age")


@dataclass(frozen=True)
class SectionDef:
    key: str
    title: str
    tables: list  # fn(ctx) -> Table


@dataclass(frozen=True)
class ReportDefinition:
    key: str
    title: str
    programme: str
    sections: list
    key_figures: list = field(default_factory=list)
    method_notes: list = field(default_factory=list)
    # Key-population indicators broken down by sex and age (``BreakdownDef``).
    breakdowns: list = field(default_factory=list)


BREAKDOWN_NOTES = [
    _(
        "By sex and age, as UNAIDS GAM asks of every key-population indicator: each indicator that counts people "
        "is a row of the tables by sex and by age, whose total is its figure. Sex: a member's recorded gender "
        "(waria: transgender; not said: unknown), else the code's gender digit (1 man, 2 woman, 3 waria, 4 "
        "another, 9 not said). Age: reached in the year the period ends, from a member's birth year, else the "
        "code's year of birth (in the century that makes the person 10 to 109); unknown without either. A person "
        "with a member's record counts once, by that record."
    ),
]

BRIDGING_THE_GAPS = ReportDefinition(
    key="btg",
    title=_("Bridging the Gaps outcome report"),
    programme="Bridging the Gaps",
    key_figures=[
        KeyFigureDef("visits", _("Drop-in centre visits"), access.visits_total),
        KeyFigureDef("unique_people", _("People who visited (by code)"), access.unique_people_total),
        KeyFigureDef("new_people", _("New people at the centres (first visit ever)"), health.new_people_total),
        KeyFigureDef("hiv_tested", _("Sex workers tested for HIV"), health.hiv_tested_total),
        KeyFigureDef("hiv_reactive", _("Reactive HIV results"), health.reactive_total, sensitive=True),
        KeyFigureDef("ktp_issued", _("KTP issued"), access.ktp_issued_total),
        KeyFigureDef("bpjs_issued", _("BPJS cards issued"), access.bpjs_issued_total),
        KeyFigureDef(
            "ktp_and_bpjs",
            _("Members holding both KTP and BPJS at the end of the period"),
            access.holding_ktp_and_bpjs_total,
            on_last_day=True,
        ),
        KeyFigureDef("outreach_sessions", _("Outreach sessions"), outreach.sessions_total),
        KeyFigureDef("members", _("Members at the end of the period"), membership.members_total, on_last_day=True),
        KeyFigureDef("new_members", _("New members"), membership.new_members_total),
        KeyFigureDef("peer_educators", _("Peer educators"), membership.peer_educators_total, on_last_day=True),
        KeyFigureDef(
            "active_peer_educators", _("Peer educators who did outreach"), outreach.active_peer_educators_total
        ),
        KeyFigureDef("members_trained", _("Members trained at least once"), outreach.members_trained_total),
        KeyFigureDef(
            "branches_active", _("Branches with members"), membership.branches_active_total, counts_people=False
        ),
        KeyFigureDef("incidents", _("Rights violations documented"), incidents.incidents_total, sensitive=True),
        KeyFigureDef(
            "incidents_responded",
            _("Share of incidents helped within 72 hours (%)"),
            incidents.responded_within_72_hours,
            sensitive=True,
            parts=("incidents_responded", "incidents"),
        ),
    ],
    breakdowns=[
        BreakdownDef(
            "unique_people", _("People who visited (by code)"), access.unique_people_by_sex_and_age, "unique_people"
        ),
        BreakdownDef(
            "outreach_people",
            _("People reached by code at outreach"),
            outreach.people_reached_by_sex_and_age,
            "outreach_people",
        ),
        BreakdownDef("ktp_issued", _("KTP issued"), access.ktp_issued_by_sex_and_age, "ktp_issued"),
        BreakdownDef("bpjs_issued", _("BPJS cards issued"), access.bpjs_issued_by_sex_and_age, "bpjs_issued"),
        BreakdownDef(
            "ktp_and_bpjs",
            _("Members holding both KTP and BPJS"),
            access.holding_ktp_and_bpjs_by_sex_and_age,
            "ktp_and_bpjs",
            on_last_day=True,
        ),
        BreakdownDef("hiv_tested", _("Sex workers tested for HIV"), health.hiv_tested_by_sex_and_age, "hiv_tested"),
        BreakdownDef("sti_treated", _("Given STI treatment"), health.sti_treated_by_sex_and_age, "sti_treated"),
        BreakdownDef("prep_started", _("Started PrEP"), health.prep_started_by_sex_and_age, "prep_started"),
        BreakdownDef("prep_continued", _("Continued PrEP"), health.prep_continued_by_sex_and_age, "prep_continued"),
        BreakdownDef(
            "hiv_reactive", _("Reactive HIV results"), health.reactive_by_sex_and_age, "hiv_reactive", sensitive=True
        ),
        BreakdownDef(
            "members", _("Members"), membership.members_by_sex_and_age, "members", on_last_day=True, by=("age",)
        ),
        BreakdownDef(
            "new_members", _("New members"), membership.new_members_by_sex_and_age, "new_members", by=("age",)
        ),
    ],
    sections=[
        SectionDef(
            "access",
            _("Outcome 1: access to health services"),
            [
                access.services_by_type,
                access.referrals_by_outcome,
                partners.partner_confirmed_results,
                access.documents_issued,
                outreach.outreach_summary,
                outreach_by_branch.topics_by_branch,
                outreach_by_branch.items_by_branch,
            ],
        ),
        SectionDef(
            "health",
            _("HIV testing, treatment and prevention"),
            [health.new_and_returning, health.hiv_testing, health.hiv_results],
        ),
        SectionDef(
            "stigma",
            _("Outcome 2: no stigma and discrimination"),
            [
                outreach.outside_trainings,
                incidents.incidents_by_violation,
                incidents.incidents_by_perpetrator,
                incidents.incidents_by_branch,
                health.violence_among_members,
            ],
        ),
        SectionDef(
            "movement",
            _("Outcome 3: a strong sex-worker movement"),
            [
                membership.members_by_kind_and_gender,
                membership.members_by_branch_and_kind,
                membership.new_members_by_kind,
                outreach.member_trainings_by_topic,
                partners.joint_trainings_by_partner,
            ],
        ),
    ],
    method_notes=[
        _("People are counted by their unique identifier code, never by name."),
        _(
            "Members are counted by their kind, their branch and their peer-educator status on the last day of the "
            "period, from the dated histories; new members by the kind and the branch they joined with; a document "
            "in the branch the member belonged to when it was issued; a referral's outcome as it was known on the "
            "period's last day. A report of a closed period therefore stays the same when a later change is "
            "recorded. Moves between branches and peer-educator changes are dated from December 2026 on; earlier "
            "ones were not recorded."
        ),
        _("Dates are the dates in the branch's own time zone (WIB, WITA or WIT)."),
        _(
            "A member erased at her request is counted by a pseudonym in place of her code: she is still one "
            "person, and the figures of a closed period, kept once counted, stay as they were reported. A member "
            "who withdrew her consent to being counted in donor reports is left out of the people counted by code "
            "in every period that ends on or after the day of her withdrawal."
        ),
        _(
            "Median days to issue: the days from the case opened to the document issued, middle value of the "
            "period's documents; with an even number of documents, half-way between the two middle values, rounded "
            "to whole days (halves up)."
        ),
        _("Rights violations are counted only where the person consented to anonymous statistics."),
        _(
            "Members holding both KTP and BPJS: members on the last day of the period (not those who left before "
            "it) with both documents issued through the programme by that day."
        ),
        _(
            "Members trained: members who attended at least one day of training within the period; a day after "
            "the period's end counts in the next period, even for a training that spans both."
        ),
        _(
            "Trainings held: a training counts once, in the period of its first day, with all its participants "
            "(people from outside by their number, members who came on any of its days), so that a training from "
            "30 March to 2 April is in the first quarter only and the quarters add up to the half-year and the year."
        ),
        _(
            "National trainings run by the secretariat appear in the national report only, so that regional and "
            "branch reports add up to it."
        ),
        *BREAKDOWN_NOTES,
        _(
            "By sex and age as their figures count: the people who visited, those reached at outreach and those "
            "who got documents include former and honorary members; members and new members are given by age "
            "only (by sex in the members tables)."
        ),
        _(
            "Share of incidents helped within 72 hours: the percentage of the period's counted incidents in which "
            "help was given within 72 hours of the report."
        ),
        *health.METHOD_NOTES,
    ],
)

UNAIDS_GAM = ReportDefinition(
    key="gam",
    title=_("UNAIDS Global AIDS Monitoring: prevention coverage among sex workers"),
    programme="UNAIDS Global AIDS Monitoring",
    key_figures=[
        KeyFigureDef("unique_people", _("People who visited (by code)"), access.unique_people_total),
        KeyFigureDef("gam_reached", _("Sex workers reached with the defined package"), access.gam_reached_total),
    ],
    breakdowns=[
        BreakdownDef(
            "gam_reached",
            _("Sex workers reached with the defined package"),
            access.gam_reached_by_sex_and_age,
            "gam_reached",
        ),
        BreakdownDef(
            "coverage_reached",
            _("Sex workers who came to a centre"),
            access.came_to_a_centre_by_sex_and_age,
            "coverage_reached",
        ),
        BreakdownDef(
            "coverage_covered",
            _("With two or more prevention interventions"),
            access.two_or_more_interventions_by_sex_and_age,
            "coverage_covered",
        ),
        BreakdownDef(
            "unique_people", _("People who visited (by code)"), access.unique_people_by_sex_and_age, "unique_people"
        ),
    ],
    sections=[
        SectionDef(
            "coverage",
            _("Coverage of HIV prevention programmes"),
            [access.gam_programme_coverage, access.prevention_coverage_by_branch],
        ),
    ],
    method_notes=[
        _(
            'Coverage follows the UNAIDS Global AIDS Monitoring indicator "Coverage of HIV prevention programmes '
            'among key populations", A (sex workers), Part II, programme data: "number of people in a key '
            'population reached with HIV prevention interventions designed for the intended population" over '
            '"number of people in a key population", the population size estimate.'
        ),
        _(
            "Reached with the defined package: a sex worker who received at least one prevention service at a "
            "drop-in centre in the period (those marked so in the service catalogue: condoms, lubricant, "
            "counselling, STI and HIV test referrals) or was met by code at peer outreach, each person once. "
            "Outreach contacts counted without a code are not people and are left out."
        ),
        _(
            "Sex workers: walk-ins known by code and regular members (active sex workers) on the last day of the "
            "period, or on the report's day while the period is not over; former and honorary members are left out."
        ),
        _(
            "The population size estimate is the branch's latest for the period's year or before, entered and "
            "dated by the secretariat; the table names each one used. Coverage is shown only for a branch with an "
            "estimate, and in the total only when every branch has one."
        ),
        _(
            "The second table is not the GAM coverage: it applies the rule of Part I (a survey's: \"received at "
            'least two of the following HIV prevention services" in the past three months) to the sex workers who '
            "came to a centre in the last three months of the period. Condoms and lubricant are one service, as in "
            "the survey's question; an HIV or STI test referral stands for testing, since tests themselves are not "
            "recorded."
        ),
        _(
            "The last three months are the last three calendar months of the period: April to June for the first "
            "half of a year. For a date range: the month of its last day and the two months before, starting no "
            "earlier than the range."
        ),
        _(
            "The total rows count each person once nationally: someone reached in two branches is one person, and "
            "services received in different branches are put together, so a total is not the sum of the branch "
            "rows."
        ),
        *BREAKDOWN_NOTES,
        _(
            "By sex and age as in the tables: the sex workers reached and those of the second table (in its three "
            "months) are current sex workers only, the people who visited everyone; the coverage is not broken "
            "down (size estimates are not by sex and age)."
        ),
    ],
)

DEFINITIONS = {d.key: d for d in [BRIDGING_THE_GAPS, UNAIDS_GAM]}
