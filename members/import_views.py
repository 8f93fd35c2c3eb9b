from pathlib import Path

import tablib
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from opsi.audit import log_access
from opsi.forms import CleanTextMixin

from .importing import read_file, row_problems, run_import

SAMPLE = Path(__file__).parent / "sample" / "members-import-sample.csv"
SALT = "members.import"


class UploadForm(CleanTextMixin, forms.Form):
    file = forms.FileField(label=gettext_lazy("File (.csv or .xlsx)"))


def _may_import(user):
    return user.is_admin or user.role == user.Role.COORDINATOR


@login_required
@require_http_methods(["GET", "POST"])
def member_import(request):
    if not _may_import(request.user):
        raise PermissionDenied
    if request.method == "POST" and "payload" in request.POST:
        return _confirm(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        try:
            dataset = read_file(form.cleaned_data["file"])
        except ValidationError as error:
            form.add_error("file", error)
        else:
            result = run_import(dataset, request.user, dry_run=True)
            problems = row_problems(result)
            context.update(rows=len(dataset), problems=problems)
            if not problems:
                # The checked rows travel back signed, so nothing is kept on the server.
                context["payload"] = signing.dumps(
                    {"user": request.user.pk, "csv": dataset.export("csv")}, salt=SALT, compress=True
                )
    return render(request, "members/member_import.html", context)


def _confirm(request):
    try:
        data = signing.loads(request.POST["payload"], salt=SALT, max_age=3600)
    except signing.BadSignature:
        messages.error(request, _("The checked file expired or was changed. Upload it again."))
        return redirect("member_import")
    if data["user"] != request.user.pk:
        raise PermissionDenied
    dataset = tablib.Dataset().load(data["csv"], format="csv")
    result = run_import(dataset, request.user, dry_run=False)
    problems = row_problems(result)
    if problems:
        messages.error(request, _("Nothing was imported: the data changed since the check."))
        return render(
            request,
            "members/member_import.html",
            {"form": UploadForm(), "rows": len(dataset), "problems": problems},
        )
    log_access(request.user, request, "import members", rows=len(dataset))
    messages.success(request, _("%(n)s members imported.") % {"n": len(dataset)})
    return redirect("member_list")


@login_required
def member_import_sample(request):
    if not _may_import(request.user):
        raise PermissionDenied
    response = HttpResponse(SAMPLE.read_bytes(), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="members-import-sample.csv"'
    return response
