"""Work on a user's file in the background (`comity worker`), for any app: a large file never holds
a web request, and its page shows live progress. Here: the import jobs of every kind (core.imports
says how each kind is checked and written), and what every kind of job shares, the files kept under
var/, the progress reported in the cache and the lease of a running job, by which the job of a
worker that died is failed rather than left running for ever."""

import datetime
import logging
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.cache import cache
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils import timezone
from django_tasks import task

from comity.core.imports import importer
from comity.core.models import ImportJob, UserJob
from comity.core.tabular import ImportRejected, count_rows

logger = logging.getLogger(__name__)
PROGRESS_TTL = 24 * 3600
# A file under var/ that no job refers to is deleted after this long: one kept by a process that
# died between writing it and recording it.
ORPHAN_HOURS = 1


@dataclass(frozen=True)
class JobKind:
    name: str  # of its lease and progress, e.g. "import"
    model: type[UserJob]
    running: tuple[str, ...]  # the states in which a worker runs a job of this kind
    folder: str  # of var/, where its files are kept


_KINDS: dict[str, JobKind] = {}


def register_job_kind(kind: JobKind) -> None:
    """Have the sweep fail this kind's jobs whose worker died, and delete its orphaned files."""
    _KINDS[kind.name] = kind


register_job_kind(
    JobKind("import", ImportJob, (ImportJob.State.CHECKING, ImportJob.State.IMPORTING), "uploads")
)


def var_dir(name: str) -> Path:
    """A folder of the instance's var directory for files the jobs keep ("uploads", "exports")."""
    path = Path(settings.VAR_DIR) / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def progress_key(job_id: int, kind: str = "import") -> str:
    """Where the worker reports a job's progress in the cache (outside the job's transaction)."""
    return f"comity:{kind}-job:{job_id}"


def lease_key(kind: str, job_id: int) -> str:
    return f"comity:{kind}-lease:{job_id}"


@contextmanager
def leased(kind: str, job: UserJob) -> Iterator[None]:
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


def reclaim_abandoned(**among: object) -> int:
    """Fail the started jobs (those matching `among`, e.g. pk=) whose lease lapsed, deleting their
    files, so that the user is told and can start again; return how many. Nothing of an import
    was written: its rows are written in one transaction, which the worker's death rolled back.
    `comity worker` runs it as a sweep (COMITY_WORKER_SWEEPS)."""
    cutoff = timezone.now() - datetime.timedelta(seconds=settings.COMITY_JOB_LEASE_SECONDS)
    reclaimed = 0
    for kind in _KINDS.values():
        model: Any = kind.model  # `state` is each kind's own field, unknown to UserJob
        started = model.objects.filter(state__in=kind.running, started_at__lt=cutoff, **among)
        for job in started.only("pk", "state", "started_at"):
            if cache.get(lease_key(kind.name, job.pk)) is not None:
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
                locked.state, locked.interrupted, locked.stored_path = UserJob.FAILED, True, ""
                locked.save(update_fields=["state", "interrupted", "stored_path", "updated_at"])
            cache.delete(progress_key(job.pk, kind.name))
            logger.warning("%s job %s was interrupted: its worker stopped; marked failed", kind.name, job.pk)
            reclaimed += 1
    if not among:
        _delete_orphans()
    return reclaimed


def _delete_orphans() -> None:
    kept = {
        path
        for kind in _KINDS.values()
        for path in kind.model._default_manager.exclude(stored_path="").values_list("stored_path", flat=True)
    }
    before = time.time() - ORPHAN_HOURS * 3600
    for folder in {kind.folder for kind in _KINDS.values()}:
        for path in var_dir(folder).iterdir():
            if str(path) not in kept and path.stat().st_mtime < before:
                path.unlink(missing_ok=True)


# --- imports -------------------------------------------------------------------------------------


def job_progress(job: ImportJob) -> tuple[str, int]:
    """(stage, rows done) as last reported by the worker: stage "checked" or "written"."""
    reported = cache.get(progress_key(job.pk)) or {}
    return str(reported.get("stage", job.state)), int(reported.get("done", 0))


def import_job_start(
    *, actor: AbstractBaseUser, authority: models.Model, upload: UploadedFile, kind: str
) -> ImportJob:
    """Keep the uploaded file and queue its check as `kind` (an importer of core.imports); the job
    is its actor's only.

    The file is stored and its rows counted before the transaction: on SQLite a transaction holds
    the one write lock from its start, and counting a large workbook's rows takes seconds in
    which no one else could write."""
    importer(kind)  # a kind no app registered fails here, not in the worker
    name = upload.name or "upload"
    stored = var_dir("uploads") / f"{secrets.token_urlsafe(16)}{Path(name).suffix.lower()[:5]}"
    try:
        with stored.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        with stored.open("rb") as handle:
            rows_total = count_rows(handle)
        with transaction.atomic():
            job = ImportJob.objects.create(
                user_id=actor.pk,
                authority_id=authority.pk,
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
def import_job_confirm(
    *, actor: AbstractBaseUser, job: ImportJob, options: dict[str, bool] | None = None
) -> ImportJob:
    """Queue the import of a checked file, once, with the kind's `options` the user chose (e.g.
    requests' `new_authorities`: create the counterparts the check found new, else refuse their
    rows). A file that adds nothing was not kept, and stays checked."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk, user_id=actor.pk)
    if job.state == ImportJob.State.READY and job.result.get("created"):
        job.state, job.started_at = ImportJob.State.IMPORTING, None  # queued again, not running
        job.save(update_fields=["state", "started_at", "updated_at"])
        chosen = options or {}
        transaction.on_commit(lambda: run_import_job.enqueue(job.pk, commit=True, options=chosen))
    return job


@task()
def run_import_job(job_id: int, commit: bool, options: dict[str, bool] | None = None) -> None:
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
                    options=options or {},
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
