"""Imports, and XLSX exports, as background tasks: a large file never holds a web request, and its
page shows live progress."""

import datetime
import logging
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import IO

import openpyxl
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone
from django_tasks import task

from comity.accounts.models import Authority, User
from comity.cooperation import transfer
from comity.cooperation.models import ExportJob, ImportJob
from comity.core.tabular import ImportRejected, count_rows, write_xlsx

logger = logging.getLogger(__name__)
PROGRESS_TTL = 24 * 3600


def progress_key(job_id: int, kind: str = "import") -> str:
    """Where the worker reports a job's progress in the cache (outside the job's transaction)."""
    return f"comity:{kind}-job:{job_id}"


def job_progress(job: ImportJob) -> tuple[str, int]:
    """(stage, rows done) as last reported by the worker: stage "checked" or "written"."""
    reported = cache.get(progress_key(job.pk)) or {}
    return str(reported.get("stage", job.state)), int(reported.get("done", 0))


def _var_dir(name: str) -> Path:
    """A folder of the instance's var directory for files the jobs keep ("uploads", "exports")."""
    path = Path(settings.VAR_DIR) / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def import_job_start(*, actor: User, authority: Authority, upload: UploadedFile) -> ImportJob:
    """Keep the uploaded file and queue its check; the job is its actor's only.

    The file is stored and its rows counted before the transaction: on SQLite a transaction holds
    the one write lock from its start, and counting a large workbook's rows takes seconds in
    which no one else could write."""
    name = upload.name or "upload"
    stored = _var_dir("uploads") / f"{secrets.token_urlsafe(16)}{Path(name).suffix.lower()[:5]}"
    try:
        with stored.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        with stored.open("rb") as handle:
            rows_total = count_rows(handle)
        with transaction.atomic():
            job = ImportJob.objects.create(
                user=actor,
                authority=authority,
                file_name=name[:255],
                stored_path=str(stored),
                rows_total=rows_total,
            )
            transaction.on_commit(lambda: run_import_job.enqueue(job.pk, commit=False))
    except BaseException:
        stored.unlink(missing_ok=True)  # no job refers to it
        raise
    return job


@transaction.atomic
def import_job_confirm(*, actor: User, job: ImportJob, new_authorities: bool = False) -> ImportJob:
    """Queue the import of a checked file, once. The counterparts the check found new are created
    only if the user confirmed them (`new_authorities`); else those rows are refused."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk, user=actor)
    if job.state == ImportJob.State.READY:
        job.state = ImportJob.State.IMPORTING
        job.save(update_fields=["state", "updated_at"])
        transaction.on_commit(
            lambda: run_import_job.enqueue(job.pk, commit=True, new_authorities=new_authorities)
        )
    return job


@task()
def run_import_job(job_id: int, commit: bool, new_authorities: bool = True) -> None:
    job = ImportJob.objects.select_related("authority", "user").get(pk=job_id)
    path = Path(job.stored_path)

    def progress(stage: str, done: int) -> None:
        cache.set(progress_key(job_id), {"stage": stage, "done": done}, PROGRESS_TTL)

    try:
        with path.open("rb") as handle:
            result = transfer.import_requests(
                handle,
                job.file_name,
                authority=job.authority,
                actor=job.user,
                progress=progress,
                commit=commit,
                new_authorities=new_authorities,
            )
    except ImportRejected as rejected:
        job.state = ImportJob.State.REJECTED
        job.problems = [asdict(p) for p in rejected.problems]
        job.more_problems = rejected.more
    except Exception:
        logger.exception("import job %s failed", job_id)  # ids only: no file content in logs
        job.state = ImportJob.State.FAILED
    else:
        job.state = ImportJob.State.DONE if commit else ImportJob.State.READY
        job.result = asdict(result)
    if job.state != ImportJob.State.READY or not job.result.get("created"):
        path.unlink(missing_ok=True)  # kept only while an import waits for its confirmation
    job.save(update_fields=["state", "problems", "more_problems", "result", "updated_at"])
    cache.delete(progress_key(job_id))


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
    stored = _var_dir("exports") / f"{secrets.token_urlsafe(16)}.xlsx"
    try:
        # Read as the user may see the requests now, not when the job was asked for.
        selection = transfer.selection_to_export(job.user, QueryDict(job.query))
        if selection is None:
            raise ValueError("the filters are no longer valid")
        authority, own = selection
        job.rows_total = own.count()
        job.save(update_fields=["rows_total", "updated_at"])
        rows = transfer.export_rows(transfer.exportable(own).iterator(chunk_size=2000), authority)
        write_xlsx(_counted(rows, job_id), stored, "requests")
    except Exception:
        logger.exception("export job %s failed", job_id)  # ids only: no case details in logs
        stored.unlink(missing_ok=True)
        job.state = ExportJob.State.FAILED
    else:
        job.state = ExportJob.State.READY
        job.stored_path = str(stored)
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
