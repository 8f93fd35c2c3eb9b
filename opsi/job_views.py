"""The pages of a file made on the queue (``opsi.jobs``): its progress, then the file.

Both answer only the user who asked (another user's job is a 404, whoever they are). The
file is handed over only while that user may still see what it holds, and each fetch is
audited as the page that asked for it would have been.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import render

from . import jobs
from .audit import log_access
from .scoping import get_visible_or_404

# After this long in the queue the progress page says the worker may not be running.
WAITED_LONG_SECONDS = 60


@transaction.non_atomic_requests
@login_required
def job_progress(request, pk):
    job = get_visible_or_404(jobs.Job.objects, request.user, pk=pk)
    kind = jobs.kind_of(job.kind)
    return render(
        request,
        "jobs/job_progress.html",
        {
            "job": job,
            "kind": kind,
            "waited_long": job.state == job.State.QUEUED and job.waited_seconds > WAITED_LONG_SECONDS,
            "back": kind.back(job) if kind.back else None,
        },
    )


@transaction.non_atomic_requests
@login_required
def job_file(request, pk):
    job = get_visible_or_404(jobs.Job.objects, request.user, pk=pk)
    content = job.content()
    if content is None:
        raise Http404
    kind = jobs.kind_of(job.kind)
    if not kind.may_fetch(request.user, job):
        raise PermissionDenied
    log_access(request.user, request, kind.audit.format(**job.params), **job.details)
    response = HttpResponse(content, content_type=job.content_type)
    response["Content-Disposition"] = f'attachment; filename="{job.file_name}"'
    response["Cache-Control"] = "no-store, private"
    return response
