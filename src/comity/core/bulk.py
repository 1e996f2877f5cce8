"""Plain inserts for the largest writes (imports), without compiling a model instance per row.

Django's bulk_create builds a model instance and compiles every value for each row; for millions
of rows that is most of an import's time. On PostgreSQL rows go in with COPY (ids drawn from the
table's sequence beforehand); on SQLite with executemany or multi-row INSERT … RETURNING.
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


def _copy(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    quote = connection.ops.quote_name
    total = 0
    with connection.cursor() as cursor:
        statement = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
        with cursor.cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
                total += 1
    return total


def insert_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """INSERT `rows` (values already in the columns' database form) into `model`'s table."""
    db_columns = [_column(model, column) for column in columns]
    if connection.vendor == "postgresql":
        return _copy(model._meta.db_table, db_columns, rows)
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in db_columns)
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"
    total = 0
    iterator = iter(rows)
    with connection.cursor() as cursor:
        while chunk := list(islice(iterator, CHUNK)):
            cursor.executemany(sql, chunk)
            total += len(chunk)
    return total


def insert_objects(objs: Sequence[models.Model], batch: int = 500) -> None:
    """INSERT unsaved instances of one model, setting their primary keys.

    Like bulk_create, without compiling every value through the field machinery: values are read
    as they stand on the instances (the caller built them from validated input), datetimes adapted
    for the database, `auto_now`/`auto_now_add` fields filled with the current time.
    """
    if not objs:
        return
    model = type(objs[0])
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    adapt = connection.ops.adapt_datetimefield_value
    stamped = [f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    timed = {f.attname for f in fields if isinstance(f, models.DateTimeField)}
    for obj in objs:
        for f in stamped:
            if getattr(obj, f.attname) is None or getattr(f, "auto_now", False):
                setattr(obj, f.attname, now)

    def values(obj: models.Model) -> list[Any]:
        row = []
        for f in fields:
            value = getattr(obj, f.attname)
            row.append(adapt(value) if f.attname in timed and value is not None else value)
        return row

    assert meta.pk is not None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, len(objs)],
            )
            for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
                obj.pk = pk
        _copy(
            meta.db_table,
            [meta.pk.column, *(f.column for f in fields)],
            ([obj.pk, *values(obj)] for obj in objs),
        )
    else:
        quote = connection.ops.quote_name
        names = ", ".join(quote(f.column) for f in fields)
        placeholders = "(" + ", ".join(["%s"] * len(fields)) + ")"
        with connection.cursor() as cursor:
            for start in range(0, len(objs), batch):
                chunk = objs[start : start + batch]
                cursor.execute(
                    f"INSERT INTO {quote(meta.db_table)} ({names}) VALUES "
                    + ", ".join([placeholders] * len(chunk))
                    + f" RETURNING {quote(meta.pk.column)}",
                    [value for obj in chunk for value in values(obj)],
                )
                # Rows come back in insertion order, as Django's own bulk_create relies on.
                for obj, (pk,) in zip(chunk, cursor.fetchall(), strict=True):
                    obj.pk = pk
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
