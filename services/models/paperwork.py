from auditlog.registry import auditlog
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from opsi.scoping import ScopedQuerySet


class Document(models.TextChoices):
    KTP = "ktp", _("KTP-el (e-ID)")
    KK = "kk", _("KK (family card)")
    BIRTH_CERTIFICATE = "birth_certificate", _("Birth certificate")
    BPJS = "bpjs", _("BPJS Kesehatan / JKN-KIS card")


class Step(models.TextChoices):
    IDENTIFIED = "identified", _("Need identified")
    GATHERED = "gathered", _("Documents gathered")
    SUBMITTED = "submitted", _("Submitted to the office")
    ISSUED = "issued", _("Issued")
    REJECTED = "rejected", _("Rejected")
    ABANDONED = "abandoned", _("Abandoned")


STEP_ORDER = {
    Step.IDENTIFIED: 1,
    Step.GATHERED: 2,
    Step.SUBMITTED: 3,
    Step.ISSUED: 4,
    Step.REJECTED: 4,
    Step.ABANDONED: 4,
}
CLOSED_STEPS = [Step.ISSUED, Step.REJECTED, Step.ABANDONED]


class Barrier(models.TextChoices):
    NONE = "", _("None")
    NO_DOMICILE_LETTER = "no_domicile_letter", _("No domicile letter")
    NO_FAMILY_CARD = "no_family_card", _("No family card")
    STIGMA = "stigma", _("Stigma at the office")
    COST = "cost", _("Cost")
    OTHER = "other", _("Other")


class PaperworkCaseQuerySet(ScopedQuerySet):
    def open(self):
        return self.exclude(step__in=CLOSED_STEPS)

    def bulk_create(self, objs, *args, **kwargs):
        """Cases made in bulk (data loads, tests) take their member's branch, as ``save`` does."""
        objs = list(objs)
        unknown = {case.member_id for case in objs if case.branch_id is None}
        if unknown:
            from members.models import Member

            branches = dict(Member.objects.filter(pk__in=unknown).values_list("pk", "branch_id"))
            for case in objs:
                if case.branch_id is None:
                    case.branch_id = branches.get(case.member_id)
        return super().bulk_create(objs, *args, **kwargs)


class PaperworkCase(models.Model):
    """Getting a member one document: KTP, KK, birth certificate or BPJS card."""

    branch_path = "branch"

    member = models.ForeignKey(
        "members.Member", verbose_name=_("member"), on_delete=models.PROTECT, related_name="paperwork_cases"
    )
    # The member's branch, copied: a branch's list reads its cases by this column instead of
    # joining every case to its member. It follows her when she moves (``follow_member``,
    # called for every recorded move), so it is always her present branch.
    branch = models.ForeignKey(
        "opsi.Branch",
        verbose_name=_("branch"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        db_index=False,  # case_branch_page leads with it
        help_text=_("The member's branch; it follows her when she moves."),
    )
    document = models.CharField(_("document"), max_length=20, choices=Document.choices)
    opened_on = models.DateField(_("opened on"))
    step = models.CharField(_("current step"), max_length=12, choices=Step.choices, default=Step.IDENTIFIED)
    step_on = models.DateField(_("date of the current step"))
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    barrier = models.CharField(_("barrier met"), max_length=20, choices=Barrier.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PaperworkCaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("paperwork case")
        verbose_name_plural = _("paperwork cases")
        ordering = ["-opened_on", "-pk"]
        indexes = [
            models.Index(fields=["step", "step_on"], name="case_step_date"),
            # Every column a branch's list sorts and counts by: its page of 25 is picked from
            # the index alone, then those 25 are read (services.views.stuck_cases).
            models.Index(fields=["branch", "step", "step_on", "id"], name="case_branch_page"),
        ]

    def __str__(self):
        # No alias or code: this text is copied into the audit trail (object_repr).
        return f"{self.get_document_display()} #{self.pk}"

    def save(self, *args, **kwargs):
        if self.branch_id is None:
            self.branch_id = self.member.branch_id
        super().save(*args, **kwargs)

    @property
    def is_open(self):
        return self.step not in CLOSED_STEPS


class CaseStep(models.Model):
    """One step of a case, with its date and who helped."""

    case = models.ForeignKey(PaperworkCase, on_delete=models.CASCADE, related_name="steps")
    step = models.CharField(_("step"), max_length=12, choices=Step.choices)
    on = models.DateField(_("date"))
    helped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("helped by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    barrier = models.CharField(_("barrier met"), max_length=20, choices=Barrier.choices, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True, help_text=_("No names or ID numbers."))

    class Meta:
        verbose_name = _("case step")
        verbose_name_plural = _("case steps")
        ordering = ["on", "pk"]


auditlog.register(PaperworkCase)
auditlog.register(CaseStep)
