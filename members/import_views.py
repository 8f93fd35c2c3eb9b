from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from opsi.audit import log_access
from opsi.forms import CleanTextMixin

from . import lookups
from .importing import (
    ImportUploadHandler,
    claim,
    forget_checked,
    keep_checked,
    read_file,
    row_problems,
    run_import,
    take_checked,
    too_large_message,
)

SAMPLE = Path(__file__).parent / "sample" / "members-import-sample.csv"
# Room for the form's other fields and the multipart boundaries around the file.
BODY_OVERHEAD = 64 * 1024


class UploadForm(CleanTextMixin, forms.Form):
    file = forms.FileField(label=gettext_lazy("File (.csv or .xlsx)"))


def _refused(message):
    """The upload form saying why the file was refused (the file itself was not kept)."""
    form = UploadForm(data={}, files={})
    form.errors["file"] = form.error_class([message])
    return form


def _may_import(user):
    return user.is_admin or user.role == user.Role.COORDINATOR


@csrf_exempt  # the upload handler must be in place before the CSRF check reads the body; checked below
@login_required
@require_http_methods(["GET", "POST"])
def member_import(request):
    if not _may_import(request.user):
        raise PermissionDenied
    if request.method == "POST" and int(request.META.get("CONTENT_LENGTH") or 0) > (
        settings.MEMBER_IMPORT_MAX_BYTES + BODY_OVERHEAD
    ):
        # Refused on its announced size, before a byte of the body is read.
        return render(request, "members/member_import.html", {"form": _refused(too_large_message())})
    handler = ImportUploadHandler(request)
    request.upload_handlers = [handler]
    return _member_import(request, handler)


@csrf_protect
def _member_import(request, handler):
    if request.method == "POST" and "confirm" in request.POST:
        return _confirm(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    context = {"form": form}
    if handler.too_large:
        context["form"] = _refused(too_large_message())
    elif request.method == "POST" and form.is_valid():
        forget_checked(request)
        try:
            dataset = read_file(form.cleaned_data["file"])
            lookups.ensure_allowed(lookups.IMPORT_CHECK, request)
        except ValidationError as error:
            form.add_error("file", error)
        else:
            result, resource = run_import(dataset, request.user, dry_run=True)
            lookups.audit_import_check(
                request,
                len(dataset),
                resource.codes_elsewhere,
                resource.codes_own,
                resource.niks_checked,
                resource.niks_taken,
            )
            problems = row_problems(result)
            context.update(rows=len(dataset), problems=problems)
            if not problems:
                context["token"] = keep_checked(request, dataset)
    return render(request, "members/member_import.html", context)


def _confirm(request):
    token = request.POST["confirm"]
    dataset = take_checked(request, token)
    if dataset is None:
        messages.error(request, _("The checked file expired or was already imported. Upload it again."))
        return redirect("member_import")
    with transaction.atomic():
        # Sent twice at once, both requests still find the rows in the session: the
        # token, spent in the import's transaction, lets one of them import.
        if not claim(token):
            messages.warning(request, _("This file was confirmed more than once: it was imported once only."))
            return redirect("member_list")
        return _import_checked(request, dataset)


def _import_checked(request, dataset):
    result, _resource = run_import(dataset, request.user, dry_run=False)
    problems = row_problems(result)
    if problems:
        # Nothing imported: the token is not spent either, so a confirmation waiting on
        # this one checks the file itself and shows the same rows.
        transaction.set_rollback(True)
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
