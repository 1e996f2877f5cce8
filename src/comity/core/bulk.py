"""Plain multi-row inserts for the largest writes (imports), without a model instance per row.

Django's bulk_create builds a model instance and compiles every value for each row; for
millions of append-only child rows (events, codes) that is most of an import's time.
"""

from collections.abc import Iterable, Sequence
from itertools import islice
from typing import Any

from django.db import connection, models
from django.utils import timezone

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


def insert_objects(objs: Sequence[models.Model], batch: int = 500) -> None:
    """INSERT unsaved instances of one model in multi-row statements, setting their primary keys.

    Like bulk_create, without compiling every value through the field machinery: values are read
    as they stand on the instances (the caller built them from validated input), datetimes adapted
    for the database, `auto_now`/`auto_now_add` fields left unset filled with the current time.
    Rows come back in insertion order from RETURNING, as Django's own bulk_create relies on.
    """
    if not objs:
        return
    model = type(objs[0])
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    names = ", ".join(quote(f.column) for f in fields)
    now = timezone.now()
    adapt = connection.ops.adapt_datetimefield_value
    stamped = [f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    timed = {f.attname for f in fields if isinstance(f, models.DateTimeField)}
    placeholders = "(" + ", ".join(["%s"] * len(fields)) + ")"
    pk_column = quote(meta.pk.column)
    with connection.cursor() as cursor:
        for start in range(0, len(objs), batch):
            chunk = objs[start : start + batch]
            params: list[Any] = []
            for obj in chunk:
                for f in stamped:
                    if getattr(obj, f.attname) is None or getattr(f, "auto_now", False):
                        setattr(obj, f.attname, now)
                for f in fields:
                    value = getattr(obj, f.attname)
                    params.append(adapt(value) if f.attname in timed and value is not None else value)
            cursor.execute(
                f"INSERT INTO {quote(meta.db_table)} ({names}) VALUES "
                + ", ".join([placeholders] * len(chunk))
                + f" RETURNING {pk_column}",
                params,
            )
            for obj, (pk,) in zip(chunk, cursor.fetchall(), strict=True):
                obj.pk = pk
                obj._state.adding = False
                obj._state.db = connection.alias
