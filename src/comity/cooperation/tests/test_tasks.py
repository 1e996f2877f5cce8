import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from comity.cooperation import tasks
from comity.cooperation.models import ImportJob
from comity.cooperation.tests.test_transfer import HEADER, ROWS
from comity.cooperation.tests.test_views import logged_in


@pytest.mark.django_db(transaction=True)
def test_an_upload_is_counted_outside_any_transaction(peru, tmp_path, settings, monkeypatch):
    """On SQLite a transaction holds the one write lock from its start: counting a large workbook's
    rows inside it (33 s for one upload) made every other writer, the worker among them, wait and fail."""
    settings.VAR_DIR = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    counted_in_transaction = []
    count_rows = tasks.count_rows

    def spying(path):
        counted_in_transaction.append(connection.in_atomic_block)
        return count_rows(path)

    monkeypatch.setattr(tasks, "count_rows", spying)
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

    monkeypatch.setattr(tasks, "count_rows", failing)
    upload = SimpleUploadedFile("good.csv", ("\n".join([HEADER, *ROWS]) + "\n").encode())
    with pytest.raises(OSError):
        tasks.import_job_start(actor=peru.officer, authority=peru.authority, upload=upload)
    assert not list((tmp_path / "uploads").iterdir()) and not ImportJob.objects.exists()
