from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.text import slugify

from opsi.audit import log_access

from .building import build_report
from .exporters import EXPORTS, _charts
from .forms import ReportForm


def _form(request):
    return ReportForm(request.GET or None, user=request.user)


# Reports open their own transaction to count (one snapshot of the data: reports.building), so
# their views are not wrapped in the request's transaction.
@transaction.non_atomic_requests
@login_required
def report_page(request):
    form = _form(request)
    report = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        report = build_report(data["definition_obj"], data["period"], data["scope_obj"], request.user, data["suppress"])
    return render(
        request,
        "reports/report_page.html",
        {"form": form, "report": report, "charts": _charts(report) if report else {}, "query": request.GET.urlencode()},
    )


@transaction.non_atomic_requests
@login_required
def report_download(request, file_format):
    export_class = EXPORTS.get(file_format)
    if export_class is None:
        raise Http404
    form = _form(request)
    if not form.is_valid():
        raise Http404
    data = form.cleaned_data
    language = request.GET.get("lang") or request.LANGUAGE_CODE
    with translation.override(language if language in ("id", "en") else "id"):
        report = build_report(data["definition_obj"], data["period"], data["scope_obj"], request.user, data["suppress"])
        content = export_class().write(report)
    log_access(
        request.user,
        request,
        f"report {file_format}",
        report=report.definition.key,
        period=report.period.label,
        scope=report.scope_label,
        external=report.external,
        rows=sum(len(t.rows) for s in report.sections for t in s.tables),
    )
    response = HttpResponse(content, content_type=export_class.content_type)
    name = file_name(report, data["scope_obj"], language if language in ("id", "en") else "id", file_format)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def file_name(report, scope, language, file_format):
    """Each download its own name: the report, the scope, the period, the language and whether
    it is for use outside (a national and a branch report, or the two languages, downloaded
    one after the other no longer take each other's name)."""
    where = {"national": "national", "region": f"region-{scope.value}"}.get(scope.kind) or slugify(report.scope_label)
    outside = "-outside" if report.external else ""
    period = f"{report.period.start:%Y%m%d}-{report.period.end:%Y%m%d}"
    return f"{report.definition.key}-{where}-{period}-{language}{outside}.{file_format}"
