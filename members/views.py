from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from opsi.scoping import get_visible_or_404, get_writable_or_404, may_change
from opsi.tenant import Branch, DropInCentre

from .forms import DropInCentreForm


@login_required
def branch_list(request):
    branches = Branch.objects.visible_to(request.user).prefetch_related("drop_in_centres")
    return render(request, "members/branch_list.html", {"branches": branches})


@login_required
def branch_detail(request, pk):
    branch = get_visible_or_404(Branch.objects, request.user, pk=pk)
    centres = branch.drop_in_centres.all()
    can_manage = _can_manage(request.user, branch)
    return render(
        request,
        "members/branch_detail.html",
        {"branch": branch, "centres": centres, "can_manage": can_manage},
    )


@login_required
def drop_in_centre_detail(request, pk):
    centre = get_visible_or_404(DropInCentre.objects.select_related("branch"), request.user, pk=pk)
    return render(
        request,
        "members/drop_in_centre_detail.html",
        {"centre": centre, "can_manage": _can_manage(request.user, centre.branch)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def drop_in_centre_edit(request, pk):
    centre = get_writable_or_404(DropInCentre.objects.select_related("branch"), request.user, pk=pk)
    if not request.user.manages_branch_setup:
        raise PermissionDenied
    return _drop_in_centre_form(request, centre.branch, centre)


@login_required
@require_http_methods(["GET", "POST"])
def drop_in_centre_create(request, pk):
    branch = get_writable_or_404(Branch.objects, request.user, pk=pk)
    if not request.user.manages_branch_setup:
        raise PermissionDenied
    return _drop_in_centre_form(request, branch, None)


def _can_manage(user, branch):
    return user.manages_branch_setup and may_change(user, branch)


def _drop_in_centre_form(request, branch, centre):
    form = DropInCentreForm(request.POST or None, instance=centre, branch=branch)
    if request.method == "POST" and form.is_valid():
        centre = form.save()
        messages.success(request, _("Drop-in centre saved."))
        return redirect("drop_in_centre_detail", pk=centre.pk)
    return render(
        request,
        "members/drop_in_centre_form.html",
        {"form": form, "branch": branch, "centre": centre},
    )
