"""The DHIS2 export page: choose a report, period and scope; see what changed since the last
export of the same; download the file (or send it to the configured server), which records it.

Who: the secretariat and administrators (``sees_all_branches``). A coordinator sends nothing to
an outside system: her branch's figures go through the secretariat's export, with its org unit.
Every export is in the audit trail (the record's creation, and an access entry naming it)."""

import uuid

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opsi.audit import log_access
from opsi.scoping import role_required
from opsi.submissions import create_once

from ..forms import ReportForm
from . import payload, sending
from .models import Dhis2Export

CONTENT_TYPES = {"json": "application/json", "adx": "application/adx+xml"}
REPORT_FIELDS = ("definition", "period_kind", "year", "number", "scope")


class ExchangeForm(ReportForm):
    """The report for use outside OPSI, always: every count rounded, ended quarters, halves and
    years only (the form says so for a date range or a period not over)."""

    suppress = forms.BooleanField(widget=forms.HiddenInput, required=False)

    def clean_suppress(self):
        return True


def _report_form(request, data):
    fields = {name: data.get(name) for name in REPORT_FIELDS if data.get(name) is not None}
    return ExchangeForm(fields or None, user=request.user)


def _prepare(form, user):
    data = form.cleaned_data
    return payload.prepare(data["definition_obj"], data["period"], data["scope_obj"], user)


@transaction.non_atomic_requests
@login_required
@role_required("sees_all_branches")
def exchange_page(request):
    form = _report_form(request, request.GET)
    prepared = refused = None
    exports = []
    if form.is_bound and form.is_valid():
        try:
            prepared = _prepare(form, request.user)
        except payload.Refused as refusal:
            refused = str(refusal)
        data = form.cleaned_data
        exports = list(payload.exports_of(data["definition_obj"], data["period"], data["scope_obj"])[:10])
    return render(
        request,
        "reports/exchange.html",
        {
            "form": form,
            "prepared": prepared,
            "refused": refused,
            "exports": exports,
            "report_fields": [(name, request.GET.get(name, "")) for name in REPORT_FIELDS],
            "submission_key": uuid.uuid4(),
            "server": bool(settings.DHIS2_URL),
            "dry_run": _dry_run_of(request, request.GET),
            "formats": [("json", _("Download dataValueSets JSON")), ("adx", _("Download ADX XML"))],
            "period_code": payload.period_code(prepared.period) if prepared else "",
            "title": _("Send figures to DHIS2"),
        },
    )


def _prepared_or_404(request):
    form = _report_form(request, request.POST)
    if not form.is_valid():
        raise Http404
    try:
        return _prepare(form, request.user)
    except payload.Refused:
        raise Http404 from None


def _submission_key(request):
    try:
        return uuid.UUID(request.POST.get("submission_key", ""))
    except ValueError:
        return None


@transaction.non_atomic_requests
@login_required
@role_required("sees_all_branches")
@require_POST
def exchange_download(request, file_format):
    if file_format not in payload.FILES:
        raise Http404
    prepared = _prepared_or_404(request)

    def create():
        content = payload.FILES[file_format](prepared)
        return payload.record(prepared, file_format, content, request.user, _submission_key(request))

    export, created = create_once(Dhis2Export, _submission_key(request), create, by=request.user)
    if created:
        _audit(request, export, prepared)
    response = HttpResponse(export.content.encode("utf-8"), content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{payload.file_name(prepared, file_format)}"'
    return response


@transaction.non_atomic_requests
@login_required
@role_required("sees_all_branches")
@require_POST
def exchange_send(request):
    """A dry run (``dryRun=true``: DHIS2 answers what it would do and saves nothing), or, after
    one, the import itself, which is recorded like a download."""
    if not settings.DHIS2_URL:
        raise Http404
    prepared = _prepared_or_404(request)
    # The import only after a dry run of this very report, period and scope in this session.
    dry_run = request.POST.get("import") != "yes" or _dry_run_of(request, request.POST) is None
    content = payload.json_file(prepared)
    try:
        summary = sending.send(content, dry_run=dry_run)
    except sending.SendFailed as failure:
        messages.error(request, _("DHIS2 did not take the figures: %(why)s") % {"why": failure})
        return redirect(_back(request))
    if dry_run:
        # Figures leave OPSI on a dry run too (DHIS2 reads them): it is in the audit trail.
        log_access(
            prepared.version,
            request,
            "dhis2 dry run",
            report=prepared.definition.key,
            period=prepared.period.label,
            scope=prepared.report.scope_label,
            values=len(prepared.values),
            status=summary["status"],
        )
        request.session["dhis2_dry_run"] = {"query": _query(request.POST), "summary": summary}
        messages.info(request, _("Dry run: DHIS2 saved nothing. Read its summary below, then import."))
        return redirect(_back(request))

    def create():
        return payload.record(
            prepared, Dhis2Export.Format.SENT, content, request.user, _submission_key(request), summary
        )

    export, created = create_once(Dhis2Export, _submission_key(request), create, by=request.user)
    if created:
        _audit(request, export, prepared)
    request.session.pop("dhis2_dry_run", None)
    messages.success(request, _("DHIS2 imported the figures: %(summary)s") % {"summary": sending.describe(summary)})
    return redirect(_back(request))


def _query(data):
    return [data.get(name, "") for name in REPORT_FIELDS]


def _dry_run_of(request, data):
    """The summary of the last dry run of this very report, period and scope, if any."""
    dry_run = request.session.get("dhis2_dry_run")
    if dry_run and dry_run["query"] == _query(data):
        return dry_run["summary"]
    return None


def _back(request):
    query = QueryDict(mutable=True)
    for name in REPORT_FIELDS:
        query[name] = request.POST.get(name, "")
    return reverse("dhis2_exchange") + "?" + query.urlencode()


def _audit(request, export, prepared):
    log_access(
        export,
        request,
        f"dhis2 {export.file_format}",
        report=prepared.definition.key,
        period=prepared.period.label,
        scope=prepared.report.scope_label,
        mapping=str(prepared.version),
        values=len(prepared.values),
        sha256=export.sha256,
        **export.counts,
    )
