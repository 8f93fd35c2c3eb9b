"""Duplicate lookups that reach into every branch: a code, a NIK, an import check.

A duplicate must be found wherever it is registered, so these lookups are not
scoped; what they answer is. Another branch's match is reported as a fact
("registered in another branch", "recorded for another member"), never with its
alias or branch. Each lookup leaves an audit entry (who, what kind of lookup,
the answer's class; a NIK only by its keyed hash, a code not at all) and each user
has an hourly allowance, counted in the audit trail itself, so the limit holds
across processes and servers the way django-axes counts failed logins.
"""

import datetime
from dataclasses import dataclass, field

from auditlog.models import LogEntry
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import ngettext

from opsi.audit import log_access

from opsi.crypto import lookup_hash
from .models import Member, MemberIdentity

CODE_LOOKUP = "code lookup"
NIK_LOOKUP = "NIK lookup"
IMPORT_CHECK = "import check"
LIMIT_REACHED = "limit reached"
WINDOW = datetime.timedelta(hours=1)


def _limit(what):
    if what == IMPORT_CHECK:
        return [IMPORT_CHECK], settings.IMPORT_CHECKS_PER_HOUR
    return [CODE_LOOKUP, NIK_LOOKUP], settings.LOOKUPS_PER_HOUR


def ensure_allowed(what, request):
    """Raise a ValidationError with a message when the user has used up the hour's lookups.

    The refusal is audited too: a user hammering the limit is worth seeing.
    """
    if request is None or not request.user.is_authenticated:
        return
    kinds, limit = _limit(what)
    since = timezone.now() - WINDOW
    recent = LogEntry.objects.filter(
        actor=request.user,
        action=LogEntry.Action.ACCESS,
        timestamp__gte=since,
        additional_data__what__in=kinds,
    ).exclude(additional_data__result=LIMIT_REACHED)
    if recent.count() < limit:
        return
    oldest = recent.order_by("timestamp").values_list("timestamp", flat=True).first()
    minutes = max(1, int((oldest + WINDOW - timezone.now()).total_seconds() // 60) + 1)
    log_access(request.user, request, what, result=LIMIT_REACHED)
    raise ValidationError(
        ngettext(
            "Too many lookups of codes or NIKs in the last hour. Try again in %(minutes)s minute.",
            "Too many lookups of codes or NIKs in the last hour. Try again in %(minutes)s minutes.",
            minutes,
        )
        % {"minutes": minutes},
        code="lookup_limit",
    )


def _audit(request, what, **answer):
    actor = request.user if request is not None and request.user.is_authenticated else None
    if actor is None:
        return
    log_access(actor, request, what, **answer)


@dataclass
class CodeMatches:
    """Members with a code: those the user may see (with alias), and whether any are elsewhere."""

    visible: list = field(default_factory=list)
    elsewhere: list = field(default_factory=list)

    def __bool__(self):
        return bool(self.visible or self.elsewhere)

    @property
    def result(self):
        if self.visible and self.elsewhere:
            return "own and other branch"
        if self.elsewhere:
            return "other branch"
        return "own branch" if self.visible else "none"


def find_code(code, user, request=None, exclude=None, audit=True):
    """Every member with this code, split into what ``user`` may see and what she may not."""
    if audit:
        ensure_allowed(CODE_LOOKUP, request)
    found = (
        Member.objects.filter(uic=code).select_related("branch").only("pk", "alias", "uic", "branch__name", "branch_id")
    )
    if exclude is not None:
        found = found.exclude(pk=exclude.pk)
    found = list(found.order_by("pk")[:10])
    visible_ids = (
        set(Member.objects.visible_to(user).filter(pk__in=[m.pk for m in found]).values_list("pk", flat=True))
        if found
        else set()
    )
    matches = CodeMatches(
        visible=[m for m in found if m.pk in visible_ids],
        elsewhere=[m for m in found if m.pk not in visible_ids],
    )
    if audit:
        # The matched members by number: whose code was looked up, without the code.
        _audit(request, CODE_LOOKUP, result=matches.result, members=[m.pk for m in found])
    return matches


def nik_taken(nik, request=None, exclude_member=None, audit=True):
    """Whether another member already has this NIK in the vault (found by its keyed hash)."""
    if audit:
        ensure_allowed(NIK_LOOKUP, request)
    digest = lookup_hash(nik)
    found = MemberIdentity.objects.filter(nik_hash=digest)
    if exclude_member is not None:
        found = found.exclude(member=exclude_member)
    owner = found.values_list("member_id", flat=True).first()
    if audit:
        _audit(
            request, NIK_LOOKUP, nik_hash=digest, result="taken" if owner else "free", members=[owner] if owner else []
        )
    return owner is not None


def audit_import_check(request, rows, codes_elsewhere, codes_own, niks_checked, niks_taken):
    """One entry per checked file: how many rows, what the check found elsewhere."""
    _audit(
        request,
        IMPORT_CHECK,
        result="checked",
        rows=rows,
        codes_elsewhere=len(codes_elsewhere),
        codes_own_branch=len(codes_own),
        members=sorted(set(codes_elsewhere) | set(codes_own)),
        niks_checked=niks_checked,
        niks_taken=niks_taken,
    )
