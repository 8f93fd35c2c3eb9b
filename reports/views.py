import uuid

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from opsi import jobs

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
        {
            "form": form,
            "report": report,
            "charts": _charts(report) if report else {},
            "query": request.GET.urlencode(),
            "job_key": uuid.uuid4(),
        },
    )


@transaction.non_atomic_requests  # the report counts in a transaction of its own (reports.building)
@login_required
@require_http_methods(["GET", "POST"])
def report_download(request, file_format):
    """Ask for a report's file: it is made on the queue, the user waits on its progress page."""
    if file_format not in EXPORTS:
        raise Http404
    form = _form(request)
    if not form.is_valid():
        raise Http404
    if request.method == "GET":  # the page's buttons send a form: a link or a reload asks for nothing
        query = request.GET.copy()
        query.pop("lang", None)
        return redirect(reverse("report_page") + "?" + query.urlencode())
    job = jobs.ask(request, REPORT_FILE_JOB.name, {"format": file_format, "query": request.GET.urlencode()})
    return redirect("job_progress", pk=job.pk)


def make_report_file(job, progress):
    user, file_format = job.requested_by, job.params["format"]
    query = QueryDict(job.params["query"])
    form = ReportForm(query, user=user)
    if not form.is_valid():
        raise ValueError("the report asked for is no longer one the user may have")
    data = form.cleaned_data
    language = query.get("lang") if query.get("lang") in ("id", "en") else "id"
    export_class = EXPORTS[file_format]
    with translation.override(language):
        report = build_report(data["definition_obj"], data["period"], data["scope_obj"], user, data["suppress"])
        progress(40)
        content = export_class().write(report)
    return jobs.JobFile(
        content,
        file_name(report, data["scope_obj"], language, file_format),
        export_class.content_type,
        {
            "report": report.definition.key,
            "period": report.period.label,
            "scope": report.scope_label,
            "external": report.external,
            "rows": sum(len(t.rows) for s in report.sections for t in s.tables),
        },
    )


def may_fetch_report_file(user, job):
    """The report's form still accepts its scope for the user (the access rule, asked again)."""
    return ReportForm(QueryDict(job.params["query"]), user=user).is_valid()


REPORT_FILE_JOB = jobs.JobKind(
    name="report_file",
    make=make_report_file,
    may_fetch=may_fetch_report_file,
    audit="report {format}",  # filled in from the job's params
    label=_("Report file"),
    back=lambda job: reverse("report_page") + "?" + job.params["query"],
)


def file_name(report, scope, language, file_format):
    """Each download its own name: the report, the scope, the period, the language and whether
    it is for use outside (a national and a branch report, or the two languages, downloaded
    one after the other no longer take each other's name)."""
    where = {"national": "national", "region": f"region-{scope.value}"}.get(scope.kind) or slugify(report.scope_label)
    outside = "-outside" if report.external else ""
    period = f"{report.period.start:%Y%m%d}-{report.period.end:%Y%m%d}"
    return f"{report.definition.key}-{where}-{period}-{language}{outside}.{file_format}"
