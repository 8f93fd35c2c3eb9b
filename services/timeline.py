"""Visits, referrals and paperwork steps on a member's timeline (four queries)."""

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _

from members.timeline import Entry

from .models import CaseStep, Referral, Visit, VisitService


def entries(member, user):
    found = []
    visits = (
        Visit.objects.visible_to(user)
        .filter(member=member)
        .select_related("drop_in_centre")
        .prefetch_related(Prefetch("service_lines", queryset=VisitService.objects.select_related("service_type")))
    )
    for visit in visits:
        services = ", ".join(str(line.service_type) for line in visit.service_lines.all())
        found.append(Entry(visit.visited_on, _("Visit"), f"{visit.drop_in_centre.name}: {services}",
                           reverse("visit_detail", args=[visit.pk])))
    for referral in Referral.objects.visible_to(user).filter(member=member):
        found.append(Entry(referral.made_on, _("Referral"),
                           f"{referral.get_facility_kind_display()} · {referral.service} · {referral.get_outcome_display()}"))
    steps = CaseStep.objects.filter(case__member=member, case__in=_cases(user)).select_related("case")
    for step in steps:
        found.append(Entry(step.on, _("Paperwork"), f"{step.case.get_document_display()}: {step.get_step_display()}",
                           reverse("case_detail", args=[step.case_id])))
    return found


def _cases(user):
    from .models import PaperworkCase

    return PaperworkCase.objects.visible_to(user).values("pk")
