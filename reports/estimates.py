"""Population size estimates, entered and dated by the secretariat: the denominators of the
UNAIDS GAM coverage (``reports.indicators.access.gam_programme_coverage``).

Who: the secretariat and administrators (every branch; a branch's own estimate is not its
coordinator's to set). Each save is in the audit trail (auditlog) with who entered it."""

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opsi.dates import DateField
from opsi.forms import CleanTextModelForm
from opsi.scoping import role_required
from opsi.tenant import Branch

from .models import PopulationSizeEstimate


class SizeEstimateForm(CleanTextModelForm):
    estimated_on = DateField(label=gettext_lazy("date of the estimate"))

    class Meta:
        model = PopulationSizeEstimate
        fields = ["branch", "year", "sex_workers", "source", "estimated_on"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = Branch.objects.visible_to(user).order_by("name")

    def clean(self):
        """An estimate for a branch and year already entered is replaced (the audit trail keeps
        the earlier): the form then edits that row."""
        cleaned = super().clean()
        if cleaned.get("branch") and cleaned.get("year"):
            existing = PopulationSizeEstimate.objects.filter(branch=cleaned["branch"], year=cleaned["year"]).first()
            if existing is not None:
                self.instance = existing
        return cleaned


@login_required
@role_required("sees_all_branches")
def size_estimates(request):
    form = SizeEstimateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            estimate = form.save(commit=False)
            estimate.entered_by = request.user
            estimate.save()
        return redirect("size_estimates")
    estimates = PopulationSizeEstimate.objects.select_related("branch", "entered_by")
    return render(
        request,
        "reports/size_estimates.html",
        {"form": form, "estimates": estimates, "title": _("Population size estimates")},
    )
