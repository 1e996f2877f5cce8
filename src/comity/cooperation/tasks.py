"""The request list's XLSX exports as background tasks (core.jobs): a long register never holds a
web request, and its page shows live progress."""

import datetime
import logging
import secrets
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone, translation
from django_tasks import task

from comity.accounts.models import User
from comity.cooperation import transfer
from comity.cooperation.models import ExportJob
from comity.core.jobs import PROGRESS_TTL, JobKind, leased, progress_key, var_dir
from comity.core.tabular import write_xlsx

logger = logging.getLogger(__name__)
EXPORTS = JobKind("export", ExportJob, (ExportJob.State.PREPARING,), "exports")

# --- exports ----------------------------------------------------------------------------------

EXPORT_KEPT_HOURS = 24
EXPORT_PROGRESS_EVERY = 1000


def export_progress(job: ExportJob) -> int:
    """Rows written so far, as last reported by the worker."""
    return int(cache.get(progress_key(job.pk, "export")) or 0)


def exports_expire() -> int:
    """Delete the files of exports ready for longer than `EXPORT_KEPT_HOURS` and never downloaded
    (a register's copy is kept no longer than its user needs it); how many there were."""
    cutoff = timezone.now() - datetime.timedelta(hours=EXPORT_KEPT_HOURS)
    stale = list(ExportJob.objects.filter(state=ExportJob.State.READY, updated_at__lt=cutoff))
    for job in stale:
        Path(job.stored_path).unlink(missing_ok=True)
    ExportJob.objects.filter(pk__in=[job.pk for job in stale]).update(
        state=ExportJob.State.EXPIRED, stored_path=""
    )
    return len(stale)


@transaction.atomic
def export_job_start(*, actor: User, query: str) -> ExportJob | None:
    """Queue the XLSX export of the list's selection under `query` (its filters as a query string),
    or None when a filter is not valid. Old files are cleared first."""
    params = QueryDict(query)
    if transfer.selection_to_export(actor, params) is None:
        return None
    chosen = QueryDict(mutable=True)  # the filters given a value: the list's form sends them all
    for name, values in params.lists():
        for value in values:
            if value and name != "cursor":
                chosen.appendlist(name, value)
    exports_expire()
    job = ExportJob.objects.create(user=actor, query=chosen.urlencode())
    transaction.on_commit(lambda: run_export_job.enqueue(job.pk))
    return job


def _counted(rows: Iterable[list[str]], job_id: int) -> Iterator[list[str]]:
    """`rows` (a header, then one per request), reporting every EXPORT_PROGRESS_EVERY written."""
    for done, row in enumerate(rows):
        if done and done % EXPORT_PROGRESS_EVERY == 0:
            cache.set(progress_key(job_id, "export"), done, PROGRESS_TTL)
        yield row


@task()
def run_export_job(job_id: int) -> None:
    job = ExportJob.objects.select_related("user__authority").get(pk=job_id)
    if job.state != ExportJob.State.PREPARING:
        return
    # Recorded before it is written, so that the file of a worker that dies is found and deleted.
    job.stored_path = str(var_dir("exports") / f"{secrets.token_urlsafe(16)}.xlsx")
    with leased("export", job):
        try:
            # Read as the user may see the requests now, not when the job was asked for.
            selection = transfer.selection_to_export(job.user, QueryDict(job.query))
            if selection is None:
                raise ValueError("the filters are no longer valid")
            authority, own = selection
            job.rows_total = own.count()
            job.save(update_fields=["rows_total", "updated_at"])
            rows = transfer.export_rows(transfer.exportable(own).iterator(chunk_size=2000), authority)
            # In the language of the user who asked, in the worker as on the page.
            with translation.override(job.user.language or settings.LANGUAGE_CODE):
                write_xlsx(_counted(rows, job_id), job.stored_path, "requests", transfer.column_help())
        except Exception:
            logger.exception("export job %s failed", job_id)  # ids only: no case details in logs
            Path(job.stored_path).unlink(missing_ok=True)
            job.state, job.stored_path = ExportJob.State.FAILED, ""
        else:
            job.state = ExportJob.State.READY
        job.save(update_fields=["state", "stored_path", "updated_at"])
    cache.delete(progress_key(job_id, "export"))


@transaction.atomic
def export_job_take(*, actor: User, job_id: int) -> IO[bytes] | None:
    """The ready file of the actor's export, open for reading and already removed from the disk (it
    is read once, then gone: the register's copy lasts no longer than its download); None when
    there is no such file (another's job, not ready, downloaded or expired)."""
    job = ExportJob.objects.select_for_update().filter(pk=job_id, user=actor).first()
    if job is None or job.state != ExportJob.State.READY:
        return None
    path = Path(job.stored_path)
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        handle = None
    path.unlink(missing_ok=True)
    job.state = ExportJob.State.DOWNLOADED if handle else ExportJob.State.EXPIRED
    job.stored_path = ""
    job.save(update_fields=["state", "stored_path", "updated_at"])
    return handle
