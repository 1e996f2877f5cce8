"""Imports as background tasks, so a large file never holds a web request, with live progress."""

import logging
import secrets
import zipfile
from dataclasses import asdict
from pathlib import Path

import openpyxl
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django_tasks import task

from comity.accounts.models import Authority, User
from comity.cooperation import transfer
from comity.cooperation.models import ImportJob
from comity.core.tabular import ImportRejected

logger = logging.getLogger(__name__)
PROGRESS_TTL = 24 * 3600


def progress_key(job_id: int) -> str:
    return f"comity:import-job:{job_id}"


def job_progress(job: ImportJob) -> tuple[str, int]:
    """(stage, rows done) as last reported by the worker: stage "checked" or "written"."""
    reported = cache.get(progress_key(job.pk)) or {}
    return str(reported.get("stage", job.state)), int(reported.get("done", 0))


def count_rows(path: Path) -> int:
    """Rows below the header, cheaply: lines of a CSV, the sheet's size of an XLSX."""
    with path.open("rb") as handle:
        if handle.read(4).startswith(b"PK\x03\x04"):
            try:
                workbook = openpyxl.load_workbook(path, read_only=True)
                return max(workbook.worksheets[0].max_row - 1, 0)
            except (zipfile.BadZipFile, KeyError, OSError, ValueError):
                return 0
        handle.seek(0)
        return max(sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b"")) - 1, 0)


def _upload_dir() -> Path:
    path = Path(settings.VAR_DIR) / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


@transaction.atomic
def import_job_start(*, actor: User, authority: Authority, upload: UploadedFile) -> ImportJob:
    """Keep the uploaded file and queue its check; the job is its actor's only."""
    name = upload.name or "upload"
    stored = _upload_dir() / f"{secrets.token_urlsafe(16)}{Path(name).suffix.lower()[:5]}"
    with stored.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    job = ImportJob.objects.create(
        user=actor,
        authority=authority,
        file_name=name[:255],
        stored_path=str(stored),
        rows_total=count_rows(stored),
    )
    transaction.on_commit(lambda: run_import_job.enqueue(job.pk, commit=False))
    return job


@transaction.atomic
def import_job_confirm(*, actor: User, job: ImportJob) -> ImportJob:
    """Queue the import of a checked file, once."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk, user=actor)
    if job.state == ImportJob.State.READY:
        job.state = ImportJob.State.IMPORTING
        job.save(update_fields=["state", "updated_at"])
        transaction.on_commit(lambda: run_import_job.enqueue(job.pk, commit=True))
    return job


@task()
def run_import_job(job_id: int, commit: bool) -> None:
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
