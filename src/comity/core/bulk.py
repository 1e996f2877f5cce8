"""Plain multi-row inserts for the largest writes (imports), without a model instance per row.

Django's bulk_create builds a model instance and compiles every value for each row; for
millions of append-only child rows (events, codes) that is most of an import's time.
"""

from collections.abc import Iterable, Sequence
from itertools import islice
from typing import Any

from django.db import connection, models

CHUNK = 5000


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field) and field.column
    return field.column


def insert_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """INSERT `rows` (values already in the columns' database form) into `model`'s table."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(_column(model, column)) for column in columns)
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"
    total = 0
    iterator = iter(rows)
    with connection.cursor() as cursor:
        while chunk := list(islice(iterator, CHUNK)):
            cursor.executemany(sql, chunk)
            total += len(chunk)
    return total
