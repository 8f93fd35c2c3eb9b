"""A member's copy of what OPSI holds about her (UU PDP 27/2022, Pasal 32).

Her record, her consents, everything the apps that record work put on her timeline (visits,
referrals, paperwork, outreach contacts, trainings: ``members.contributions.timeline``), the
incidents where she is the person harmed only when she asked for them to be included (the
copy goes home with her: an account of violence on paper can endanger her, Pasal 33), and
who read her record or her identity, and when, from the audit trail. Never another
member's record: every part is read by her member id, through the coordinator's access rule.
"""

from dataclasses import dataclass, field

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from members import identity as vault
from members.consent import consents_of
from members.models import Member, MemberIdentity
from members.timeline import timeline

# Everything on the timeline: the copy is not a page to scroll but what is held.
ALL_ENTRIES = 100_000


@dataclass
class AccessCopy:
    member: Member
    identity_held: list = field(default_factory=list)
    consents: list = field(default_factory=list)
    entries: list = field(default_factory=list)
    by_code: list = field(default_factory=list)
    incidents: list = field(default_factory=list)
    reads: list = field(default_factory=list)


def identity_held(member):
    """The identity fields held for her, masked as on her page (the full values are shown
    to her in person through the audited reveal, never printed)."""
    identity = MemberIdentity.objects.filter(member=member).first()
    if identity is None:
        return []
    labels = {f.name: f.verbose_name for f in MemberIdentity._meta.fields}
    return [
        (labels[name], vault.mask(getattr(identity, name, ""), name))
        for name in vault.IDENTITY_FIELDS
        if getattr(identity, name, "")
    ]


def reads_of(member):
    """Audit entries of reads of her record and identity: when, who, what."""
    types = ContentType.objects.get_for_models(Member, MemberIdentity)
    condition = Q(content_type=types[Member], object_pk=str(member.pk))
    identity_pk = MemberIdentity.objects.filter(member=member).values_list("pk", flat=True).first()
    if identity_pk is not None:
        condition |= Q(content_type=types[MemberIdentity], object_pk=str(identity_pk))
    return list(
        LogEntry.objects.filter(condition, action=LogEntry.Action.ACCESS)
        .select_related("actor")
        .order_by("-timestamp")
        .only("timestamp", "additional_data", "actor__username", "actor__role")
    )


def by_code(member, user):
    """[(date, label, text)] of the visits and outreach contacts recorded by her code alone (before
    she registered, or where nobody linked them to her record): hers too. Two queries."""
    from django.utils.translation import gettext as _

    from outreach.models import OutreachContact, OutreachSession
    from services.models import Visit

    visits = (
        Visit.objects.visible_to(user)
        .filter(member__isnull=True, uic=member.uic)
        .order_by("-visited_on")
        .values_list("visited_on", "drop_in_centre__name")
    )
    contacts = (
        OutreachContact.objects.filter(
            member__isnull=True, uic=member.uic, session__in=OutreachSession.objects.visible_to(user).values("pk")
        )
        .order_by("-session__held_on")
        .values_list("session__held_on", "session__place_kind")
    )
    places = dict(OutreachSession._meta.get_field("place_kind").choices)
    found = [(on, _("Visit"), centre) for on, centre in visits]
    found += [(on, _("Outreach"), places.get(kind, kind)) for on, kind in contacts]
    return sorted(found, key=lambda row: row[0], reverse=True)


def build(member, user, with_incidents=False):
    from incidents.models import Incident

    entries, _more = timeline(member, user, ALL_ENTRIES)
    incidents = []
    if with_incidents:
        # Her incidents only: the person harmed is her. Read by the member id, not through the
        # incident rule (which hides them from everyone but those who handle incidents): the
        # copy is hers, and the coordinator who hands it over handles the branch's incidents.
        incidents = list(
            Incident.objects.filter(member=member).prefetch_related("violations").order_by("-occurred_on", "-pk")
        )
    return AccessCopy(
        member=member,
        identity_held=identity_held(member),
        consents=consents_of(member),
        entries=entries,
        by_code=by_code(member, user),
        incidents=incidents,
        reads=reads_of(member),
    )
