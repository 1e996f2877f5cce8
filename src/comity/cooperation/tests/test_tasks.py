import datetime
import os
import time

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from comity.cooperation.models import ExportJob
from comity.cooperation.tests.test_transfer import HEADER, ROWS
from comity.cooperation.tests.test_views import logged_in
from comity.core import jobs
from comity.core.models import ImportJob


@pytest.mark.django_db(transaction=True)
def test_an_upload_is_counted_outside_any_transaction(peru, tmp_path, settings, monkeypatch):
    """On SQLite a transaction holds the one write lock from its start: counting a large workbook's
    rows inside it (long, for a large workbook) made every other writer, the worker among them, wait and fail."""
    settings.VAR_DIR = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    counted_in_transaction = []
    count_rows = jobs.count_rows

    def spying(path):
        counted_in_transaction.append(connection.in_atomic_block)
        return count_rows(path)

    monkeypatch.setattr(jobs, "count_rows", spying)
    content = ("\n".join([HEADER, *ROWS]) + "\n").encode()
    response = logged_in(peru.officer).post(
        "/requests/import/", {"file": SimpleUploadedFile("good.csv", content, content_type="text/csv")}
    )
    assert response.status_code == 302
    assert counted_in_transaction == [False]
    assert ImportJob.objects.get().rows_total == len(ROWS)


@pytest.mark.django_db(transaction=True)
def test_an_upload_that_cannot_be_counted_leaves_no_file(peru, tmp_path, settings, monkeypatch):
    settings.VAR_DIR = tmp_path

    def failing(path):
        raise OSError("disk gone")

    monkeypatch.setattr(jobs, "count_rows", failing)
    upload = SimpleUploadedFile("good.csv", ("\n".join([HEADER, *ROWS]) + "\n").encode())
    with pytest.raises(OSError):
        jobs.import_job_start(actor=peru.officer, authority=peru.authority, upload=upload, kind="requests")
    assert not list((tmp_path / "uploads").iterdir()) and not ImportJob.objects.exists()


@pytest.mark.parametrize("lease", ["lapsed", "held", "never started"])
def test_a_job_whose_worker_died_is_failed_by_its_page(peru, tmp_path, settings, lease):
    """A job started by a worker whose lease lapsed is failed, its file deleted, and the user told
    to start again; a job whose worker renews its lease, or still waiting for one, is left alone."""
    settings.VAR_DIR = tmp_path
    stored = tmp_path / "upload.csv"
    stored.write_text("\n".join([HEADER, *ROWS]) + "\n")
    started = timezone.now() - datetime.timedelta(seconds=2 * settings.COMITY_JOB_LEASE_SECONDS)
    job = ImportJob.objects.create(
        user=peru.officer,
        authority=peru.authority,
        kind="requests",
        file_name="requests.csv",
        stored_path=str(stored),
        state=ImportJob.State.IMPORTING,
        started_at=None if lease == "never started" else started,
    )
    if lease == "held":
        cache.set(jobs.lease_key("import", job.pk), True, 60)
    page = logged_in(peru.officer).get(f"/requests/import/{job.pk}/")
    job.refresh_from_db()
    if lease == "lapsed":
        assert "was interrupted" in page.content.decode() and "Upload the file again" in page.content.decode()
        assert (job.state, job.interrupted, job.stored_path) == (ImportJob.State.FAILED, True, "")
        assert not stored.exists()
    else:
        assert "was interrupted" not in page.content.decode()
        assert job.state == ImportJob.State.IMPORTING and stored.exists()
    cache.delete(jobs.lease_key("import", job.pk))


def test_an_export_whose_worker_died_is_failed_and_its_partial_file_deleted(peru, tmp_path, settings):
    settings.VAR_DIR = tmp_path
    partial = tmp_path / "partial.xlsx"
    partial.write_bytes(b"PK\x03\x04")
    job = ExportJob.objects.create(
        user=peru.officer,
        stored_path=str(partial),
        started_at=timezone.now() - datetime.timedelta(seconds=2 * settings.COMITY_JOB_LEASE_SECONDS),
    )
    page = logged_in(peru.officer).get(f"/requests/export/{job.pk}/")
    assert "The export was interrupted" in page.content.decode()
    assert not partial.exists()
    assert ExportJob.objects.get().state == ExportJob.State.FAILED


def test_the_sweep_deletes_files_no_job_refers_to(peru, tmp_path, settings):
    """A file written by a process that died before recording it (an upload, an export) is deleted
    an hour later; the file of a job is kept."""
    settings.VAR_DIR = tmp_path
    (tmp_path / "uploads").mkdir()
    orphan, recent, kept = (tmp_path / "uploads" / name for name in ("orphan.csv", "recent.csv", "kept.csv"))
    for path in (orphan, recent, kept):
        path.write_text(HEADER)
    old = time.time() - 2 * 3600
    os.utime(orphan, (old, old))
    os.utime(kept, (old, old))
    ImportJob.objects.create(
        user=peru.officer, authority=peru.authority, kind="requests", file_name="k.csv", stored_path=str(kept)
    )
    jobs.reclaim_abandoned()
    assert (orphan.exists(), recent.exists(), kept.exists()) == (False, True, True)
