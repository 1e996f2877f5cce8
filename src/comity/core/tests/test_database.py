import os

import pytest
from django.db import connection


@pytest.mark.django_db
def test_sqlite_sorts_may_use_a_helper_thread_per_core():
    """The statistics group a whole register in one sort; without helper threads SQLite sorts on
    one core (a third slower at a million requests). COMITY_SQLITE_THREADS overrides the count."""
    if connection.vendor != "sqlite":
        pytest.skip("a setting of SQLite's")
    expected = int(os.environ.get("COMITY_SQLITE_THREADS", os.cpu_count() or 1))
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA threads")
        assert cursor.fetchone()[0] == expected
