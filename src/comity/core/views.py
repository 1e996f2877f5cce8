from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from comity.core import jobs
from comity.core.imports import importer
from comity.core.models import ImportJob


def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness for load balancers and the benchmarks' floor: no database, no template."""
    return HttpResponse("ok\n", content_type="text/plain")


def import_job_or_404(request: HttpRequest, pk: int, kind: str) -> ImportJob:
    """The user's own import job of `kind`: anyone else's, even of the same authority, is a 404."""
    return get_object_or_404(ImportJob, pk=pk, user_id=request.user.pk, kind=kind)


def import_job_page(request: HttpRequest, job: ImportJob, **extra: Any) -> HttpResponse:
    """An import job's page, or its part that htmx polls, whatever it imports (the templates its
    kind registered, see core.imports): its progress, its problems (422) or its preview, its
    result. A job whose worker died is failed first (its lease lapsed)."""
    if not job.finished and jobs.reclaim_abandoned(pk=job.pk):
        job.refresh_from_db()
    kind = importer(job.kind)
    stage, done = jobs.job_progress(job)
    context = {
        "job": job,
        "stage": stage,
        "done": done,
        "percent": job.percent(done),
        "job_url": reverse(kind.job_url, args=[job.pk]),
        "start_url": reverse(kind.start_url),
        "list_url": reverse(kind.list_url),
        **extra,
    }
    if getattr(request, "htmx", False):
        return render(request, kind.fragment, context)
    status = 422 if job.state == ImportJob.State.REJECTED else 200
    return render(request, kind.page, context, status=status)
