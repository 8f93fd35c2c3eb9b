"""Operations on incidents: record one, respond, close; alerts to a branch."""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Member
from opsi.submissions import create_once

from .models import Alert, Incident, Response, Status, Violation


def record_incident(incident, kinds, by, submission_key=None):
    """Save a new incident with its kinds of violation; a repeated submission returns the first."""
    incident.recorded_by = by
    incident.submission_key = submission_key

    def create():
        incident.save()
        Violation.objects.bulk_create(Violation(incident=incident, kind=k) for k in kinds)
        return incident

    incident, _created = create_once(Incident, submission_key, create, by=by)
    return incident


@transaction.atomic
def respond(incident, help_kind, given, note, by, at=None):
    response = Response.objects.create(
        incident=incident, help_kind=help_kind, given=given, note=note, by=by, at=at or timezone.now()
    )
    if given and incident.status == Status.REPORTED:
        incident.status = Status.RESPONDING
        incident.save(update_fields=["status"])
    return response


@transaction.atomic
def close(incident, on):
    """Close the incident; closing it again (a second tab, a resent form) keeps the first date."""
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if incident.status == Status.CLOSED:
        return incident
    incident.status = Status.CLOSED
    incident.closed_on = on
    incident.save(update_fields=["status", "closed_on"])
    return incident


def names_in(text, branch):
    """Aliases of the branch's members that appear in ``text`` as whole words."""
    lowered = text.lower()
    found = []
    for alias in Member.objects.filter(branch=branch).values_list("alias", flat=True).distinct():
        if alias and re.search(r"(?<!\w)" + re.escape(alias.lower()) + r"(?!\w)", lowered):
            found.append(alias)
    return found


def send_alert(branch, text, days, by):
    names = names_in(text, branch)
    if names:
        raise ValidationError(
            _("A warning must not name members. Remove: %(names)s") % {"names": ", ".join(sorted(names))}
        )
    return Alert.objects.create(
        branch=branch, text=text, shows_until=branch.today() + timezone.timedelta(days=days), created_by=by
    )
