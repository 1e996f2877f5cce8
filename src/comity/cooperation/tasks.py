"""Imports, and XLSX exports, as background tasks: a large file never holds a web request, and its
page shows live progress."""

import datetime
import logging
import secrets
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import IO

from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone, translation
from django_tasks import task

from comity.accounts.models import Authority, User
from comity.cooperation import transfer
from comity.cooperation.models import ExportJob, ImportJob
from comity.core.imports import importer
from comity.core.tabular import ImportRejected, count_rows, write_xlsx

logger = logging.getLogger(__name__)
PROGRESS_TTL = 24 * 3600


def progress_key(job_id: int, kind: str = "import") -> str:
    """Where the worker reports a job's progress in the cache (outside the job's transaction)."""
    return f"comity:{kind}-job:{job_id}"


def lease_key(kind: str, job_id: int) -> str:
    return f"comity:{kind}-lease:{job_id}"


@contextmanager
def leased(kind: str, job: ImportJob | ExportJob) -> Iterator[None]:
    """Run a job's work under a lease that a thread renews while this process lives: when the
    worker dies (kill -9, out of memory, a restart), the lease lapses and `reclaim_abandoned`
    fails the job. The lease is kept in the cache, shared by every process, because a database
    write would wait on SQLite behind the import's own transaction."""
    key, lease = lease_key(kind, job.pk), settings.COMITY_JOB_LEASE_SECONDS
    stop = threading.Event()
    cache.set(key, True, lease)

    def renew() -> None:
        while not stop.wait(lease / 4):
            cache.set(key, True, lease)

    renewer = threading.Thread(target=renew, name=f"{kind}-lease-{job.pk}", daemon=True)
    renewer.start()
    job.started_at = timezone.now()
    job.save(update_fields=["started_at", "stored_path", "updated_at"])
    try:
        yield
    finally:
        stop.set()
        renewer.join()
        cache.delete(key)


# The states in which a worker runs a job, by kind.
RUNNING = (
    ("import", ImportJob, (ImportJob.State.CHECKING, ImportJob.State.IMPORTING)),
    ("export", ExportJob, (ExportJob.State.PREPARING,)),
)
# A file under var/uploads or var/exports that no job refers to is deleted after this long: one
# kept by a process that died between writing it and recording it.
ORPHAN_HOURS = 1


def reclaim_abandoned(**among: object) -> int:
    """Fail the started jobs (those matching `among`, e.g. pk=) whose lease lapsed, deleting their
    files, so that the user is told and can start again; return how many. Nothing of an import
    was written: its rows are written in one transaction, which the worker's death rolled back."""
    cutoff = timezone.now() - datetime.timedelta(seconds=settings.COMITY_JOB_LEASE_SECONDS)
    reclaimed = 0
    for kind, model, states in RUNNING:
        started = model.objects.filter(state__in=states, started_at__lt=cutoff, **among)
        for job in started.only("pk", "state", "started_at"):
            if cache.get(lease_key(kind, job.pk)) is not None:
                continue
            with transaction.atomic():
                # Still in the run seen above: not finished, nor started again, meanwhile.
                locked = (
                    model.objects.select_for_update()
                    .filter(pk=job.pk, state=job.state, started_at=job.started_at)
                    .first()
                )
                if locked is None:
                    continue
                if locked.stored_path:
                    Path(locked.stored_path).unlink(missing_ok=True)
                locked.state, locked.interrupted, locked.stored_path = model.State.FAILED, True, ""
                locked.save(update_fields=["state", "interrupted", "stored_path", "updated_at"])
            cache.delete(progress_key(job.pk, kind))
            logger.warning("%s job %s was interrupted: its worker stopped; marked failed", kind, job.pk)
            reclaimed += 1
    if not among:
        _delete_orphans()
    return reclaimed


def _delete_orphans() -> None:
    kept = {
        *ImportJob.objects.exclude(stored_path="").values_list("stored_path", flat=True),
        *ExportJob.objects.exclude(stored_path="").values_list("stored_path", flat=True),
    }
    before = time.time() - ORPHAN_HOURS * 3600
    for folder in ("uploads", "exports"):
        for path in _var_dir(folder).iterdir():
            if str(path) not in kept and path.stat().st_mtime < before:
                path.unlink(missing_ok=True)


def job_progress(job: ImportJob) -> tuple[str, int]:
    """(stage, rows done) as last reported by the worker: stage "checked" or "written"."""
    reported = cache.get(progress_key(job.pk)) or {}
    return str(reported.get("stage", job.state)), int(reported.get("done", 0))


def _var_dir(name: str) -> Path:
    """A folder of the instance's var directory for files the jobs keep ("uploads", "exports")."""
    path = Path(settings.VAR_DIR) / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def import_job_start(
    *, actor: User, authority: Authority, upload: UploadedFile, kind: str = "requests"
) -> ImportJob:
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
                kind=kind,
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
    only if the user confirmed them (`new_authorities`); else those rows are refused. A file that
    adds nothing was not kept, and stays checked."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk, user=actor)
    if job.state == ImportJob.State.READY and job.result.get("created"):
        job.state, job.started_at = ImportJob.State.IMPORTING, None  # queued again, not running
        job.save(update_fields=["state", "started_at", "updated_at"])
        transaction.on_commit(
            lambda: run_import_job.enqueue(job.pk, commit=True, new_authorities=new_authorities)
        )
    return job


@task()
def run_import_job(job_id: int, commit: bool, new_authorities: bool = True) -> None:
    job = ImportJob.objects.select_related("authority", "user").get(pk=job_id)
    if job.state != (ImportJob.State.IMPORTING if commit else ImportJob.State.CHECKING):
        return  # failed meanwhile (its worker was thought dead): the user starts again
    path = Path(job.stored_path)

    def progress(stage: str, done: int) -> None:
        cache.set(progress_key(job_id), {"stage": stage, "done": done}, PROGRESS_TTL)

    # The outcome is saved under the lease too: once it lapses, the job may be reclaimed.
    with leased("import", job):
        try:
            with path.open("rb") as handle:
                result = importer(job.kind).run(
                    handle,
                    job.file_name,
                    authority=job.authority,
                    actor=job.user,
                    progress=progress,
                    commit=commit,
                    options={"new_authorities": new_authorities},
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
        if job.state != ImportJob.State.READY or not job.result["created"]:
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
    if job.state != ExportJob.State.PREPARING:
        return
    # Recorded before it is written, so that the file of a worker that dies is found and deleted.
    job.stored_path = str(_var_dir("exports") / f"{secrets.token_urlsafe(16)}.xlsx")
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
