"""Outreach and trainings: outcome 1 (outreach), 2 (outside audiences), 3 (members trained)."""

from django.db.models import Count, F, Q, Sum
from django.utils.translation import gettext as _

from members.models import Gender
from opsi.db import bytewise
from outreach.models import (
    OUTSIDE_AUDIENCES,
    Audience,
    OutreachContact,
    OutreachSession,
    OutsideParticipants,
    Training,
    TrainingAttendance,
    TrainingTopic,
)
from services.models import Commodity

from ..breakdowns import count_by_sex_and_age, person_rows
from ..consent import countable
from ..tables import Table


def _sessions(ctx, period=None):
    period = period or ctx.period
    return OutreachSession.objects.in_branches(ctx.branch_ids).in_period(period.start, period.end)


def _trainings(ctx, period=None, held=False):
    """Trainings of the branches in scope; national trainings (run by the secretariat, no
    branch) only in the national report, so that regional reports add up to it.

    ``held``: the trainings held in the period, those whose first day falls in it, so that
    a training spanning two periods counts once, in the first (a quarter's, a half-year's
    and a year's trainings add up). Otherwise every training with a day in the period."""
    period = period or ctx.period
    if held:
        trainings = Training.objects.filter(starts_on__range=(period.start, period.end))
    else:
        trainings = Training.objects.in_period(period.start, period.end)
    if ctx.branch_ids is None:
        return trainings  # every branch, and the national trainings
    scope = Q(branch__in=ctx.branch_ids)
    if ctx.includes_national:
        scope |= Q(branch__isnull=True)
    return trainings.filter(scope)


def sessions_total(ctx, period=None):
    return _sessions(ctx, period).count()


def outreach_summary(ctx):
    sessions = _sessions(ctx)
    contacts = sessions.contacts()
    by_code = OutreachContact.objects.filter(session__in=sessions).aggregate(
        people=Count(bytewise("uic"), distinct=True, filter=countable(ctx.period, partner=ctx.partner)),
        contacts=Count("pk"),
    )
    items = {r["commodity"]: r["quantity"] for r in sessions.commodities_by_kind()}
    # Contacts are meetings tallied at each session, not people: only the last row counts people.
    rows = [
        [_("Outreach sessions"), sessions.count()],
        [_("Contacts without a code, first meeting (a tally, not people)"), contacts["new"]],
        [_("Contacts without a code, met before (a tally, not people)"), contacts["repeat"]],
        [_("Contacts with a code (a tally, not people)"), by_code["contacts"]],
        [_("People reached by code"), by_code["people"]],
    ]
    commodities = list(Commodity.objects.all())
    rows += [[_("Handed out: %(item)s") % {"item": item}, items.get(item.pk, 0)] for item in commodities]
    table = Table("outreach", _("Peer outreach"), [_("Indicator"), _("Number")], rows)
    table.note = _(
        "Contacts are meetings, not people. Without a code, the peer educator tallies each person met at a session "
        "as a first meeting or as met before: someone met at three sessions is three contacts, and may be a first "
        "meeting at two places. Contacts with a code are the meetings recorded with a person's code. Only \"People "
        'reached by code" counts people, each once in the period; people met without a code cannot be counted as '
        "people, and contacts are not to be added to people."
    )
    table.row_keys = ["sessions", "new", "repeat", "contacts", "people"] + [f"commodity:{c.pk}" for c in commodities]
    table.links["outreach_sessions"] = (0, 1)  # the key figure
    table.links["outreach_people"] = (4, 1)  # broken down by sex and age
    return table


def people_reached_by_sex_and_age(ctx):
    """The people reached by code at outreach (the outreach table's row) by sex and age."""
    contacts = OutreachContact.objects.filter(session__in=_sessions(ctx)).filter(
        countable(ctx.period, partner=ctx.partner)
    )
    return count_by_sex_and_age(person_rows(contacts, F("uic"), ctx.period))


def _attended(ctx, trainings, period=None):
    """Attendance on the days of ``period``: a member who came only on a day after the
    period's end, to a training that spans it, was trained in the next period."""
    period = period or ctx.period
    return TrainingAttendance.objects.filter(training__in=trainings, day__range=(period.start, period.end))


def _participants_grid(ctx, audiences, key, title):
    """Trainings held in the period (by their first day) and their participants by audience
    and gender: members by record (any day of the training), others by count. A training
    from 30 March to 2 April and all its participants count in the first quarter only."""
    trainings = _trainings(ctx, held=True).filter(audience__in=audiences)
    members = (
        TrainingAttendance.objects.filter(training__in=trainings)
        .values("training__audience", "member__gender")
        .annotate(n=Count("member", distinct=True))
    )
    outsiders = (
        OutsideParticipants.objects.filter(training__in=trainings)
        .values("training__audience", "gender")
        .annotate(n=Sum("count"))
    )
    counts = {}
    for row in members:
        key_ = (row["training__audience"], row["member__gender"])
        counts[key_] = counts.get(key_, 0) + row["n"]
    for row in outsiders:
        key_ = (row["training__audience"], row["gender"])
        counts[key_] = counts.get(key_, 0) + row["n"]
    trainings_by_audience = dict(trainings.values_list("audience").annotate(n=Count("pk")))
    labels = dict(Audience.choices)
    columns = [_("Audience"), _("Trainings")] + [label for _c, label in Gender.choices] + [_("Total")]
    rows = []
    for audience in audiences:
        values = [counts.get((audience, g), 0) for g, _l in Gender.choices]
        rows.append([labels[audience], trainings_by_audience.get(audience, 0)] + values + [sum(values)])
    rows.append([_("Total")] + [sum(r[i] for r in rows) for i in range(1, len(columns))])
    # The total column adds the gender columns, not the number of trainings.
    summed = tuple(range(2, len(columns) - 1))
    table = Table(key, title, columns, rows, total_row=True, total_column=True, summed_columns=summed)
    table.row_keys = [*audiences, "total"]
    return table


def outside_trainings(ctx):
    return _participants_grid(
        ctx,
        OUTSIDE_AUDIENCES,
        "outside_trainings",
        _("Trainings for outside audiences and their participants by gender"),
    )


def member_trainings_by_topic(ctx):
    trainings = _trainings(ctx).filter(audience=Audience.MEMBERS)
    # Trainings held: by their first day, as for outside audiences; members trained: by the
    # days they attended (a member who came only after the period's end counts in the next).
    held = _trainings(ctx, held=True).filter(audience=Audience.MEMBERS)
    per_topic = dict(held.values_list("topic").annotate(n=Count("pk")))
    people = dict(_attended(ctx, trainings).values_list("training__topic").annotate(n=Count("member", distinct=True)))
    rows = [[label, per_topic.get(code, 0), people.get(code, 0)] for code, label in TrainingTopic.choices]
    return Table(
        "member_trainings",
        _("Trainings for members by topic"),
        [_("Topic"), _("Trainings"), _("Members trained")],
        rows,
        chart=False,
        row_keys=list(TrainingTopic.values),
    )


def members_trained_total(ctx, period=None):
    """Members who attended at least one day of training in the period."""
    trainings = _trainings(ctx, period)
    return _attended(ctx, trainings, period).values("member").distinct().count()


def active_peer_educators_total(ctx, period=None):
    """Peer educators who led at least one outreach session in the period."""
    return _sessions(ctx, period).filter(peer_educators__isnull=False).values("peer_educators").distinct().count()
