"""Visits, referrals and paperwork steps on a member's timeline (four queries), the newest of each."""

from collections import defaultdict
from types import SimpleNamespace

from django.urls import reverse
from django.utils.translation import gettext as _

from members.timeline import Entry

from .models import CaseStep, Referral, Visit, VisitService
from .models.visits import localised_name


def entries(member, user, limit):
    found = []
    # Read as plain values: building model instances for every visit, its centre, its service
    # lines and their services cost more than the queries (the member page's slowest part).
    visits = list(
        Visit.objects.visible_to(user)
        .filter(member=member)
        .order_by("-visited_on", "-pk")
        .values_list("pk", "visited_on", "drop_in_centre__name")[:limit]
    )
    services = defaultdict(list)
    lines = (
        VisitService.objects.filter(visit__in=[pk for pk, _on, _centre in visits])
        .order_by("pk")
        .values_list("visit_id", "service_type__name", "service_type__name_en")
    )
    for visit_id, name, name_en in lines:
        services[visit_id].append(localised_name(SimpleNamespace(name=name, name_en=name_en)))
    for pk, visited_on, centre in visits:
        found.append(
            Entry(
                visited_on,
                _("Visit"),
                f"{centre}: {', '.join(services[pk])}" if services[pk] else centre,
                reverse("visit_detail", args=[pk]),
            )
        )
    for referral in Referral.objects.visible_to(user).filter(member=member).order_by("-made_on", "-pk")[:limit]:
        found.append(
            Entry(
                referral.made_on,
                _("Referral"),
                f"{referral.get_facility_kind_display()} · {referral.service} · {referral.get_outcome_display()}",
            )
        )
    steps = (
        CaseStep.objects.filter(case__member=member, case__in=_cases(user))
        .select_related("case")
        .order_by("-on", "-pk")[:limit]
    )
    for step in steps:
        found.append(
            Entry(
                step.on,
                _("Paperwork"),
                f"{step.case.get_document_display()}: {step.get_step_display()}",
                reverse("case_detail", args=[step.case_id]),
            )
        )
    return found


def _cases(user):
    from .models import PaperworkCase

    return PaperworkCase.objects.visible_to(user).values("pk")
