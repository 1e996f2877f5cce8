"""Plain inserts for the largest writes (imports, demo), without a model instance per row.

Django's bulk_create builds a model instance and compiles every value for each row; for millions
of rows that is most of an import's time. Rows come here as tuples of values in the columns'
database form (see `db_adapter`). On PostgreSQL they go in with COPY (ids drawn from the table's
sequence beforehand). On SQLite, a chunk of narrow rows is sent as one JSON document that SQLite
unpacks itself (`json_each`), binding one parameter per chunk instead of one per cell; wide rows
go through executemany, because `value ->> n` reads the row's JSON again for every column
(measurements in the commit that chose the width).
"""

import contextlib
import datetime
import gc
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from typing import Any

from django.db import connection, models

CHUNK = 5000
# Up to this many columns, json_each is the faster way into SQLite (see above).
JSON_COLUMNS = 10


def analyze(*of: type[models.Model]) -> None:
    """Refresh the query planner's statistics of the tables `of` these models (all tables when none is named)
    after a bulk load. SQLite keeps none unless asked: it then takes `authority = 1` to match a
    handful of rows, and at a long register reads a large part of the requests table through that
    index instead of walking the open requests' one. PostgreSQL would refresh them itself, but
    only some time after the load. Cheap next to the load itself."""
    quote = connection.ops.quote_name
    statements = [f"ANALYZE {quote(model._meta.db_table)}" for model in of] or ["ANALYZE"]
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a job that builds and keeps millions of objects
    (an import holds every checked row until it writes them): each collection walks all of them
    again, for nothing, since rows make no reference cycles (figures in the commit that added it). Reference counting still frees what is
    dropped; cycles made meanwhile are collected after. Usable as a decorator. The collector is
    process-wide: it is switched back on only if it was on, so that nesting never leaves it off.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# SQLite's page cache for a bulk write, in KiB (its default is 2 MiB per connection).
SQLITE_BULK_CACHE_KIB = 256 * 1024


@contextlib.contextmanager
def sqlite_cache_enlarged() -> Iterator[None]:
    """On SQLite, give this connection a page cache of SQLITE_BULK_CACHE_KIB while a bulk write
    adds to large indexes, then its own size back (a larger cache gave nothing more; figures in
    the commit that added it); the request list's reads gained nothing, so web connections keep the default.
    Usable as a decorator; does nothing on PostgreSQL, whose buffers are the server's."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (before,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_BULK_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def db_adapter() -> Callable[[Any], Any]:
    """A function giving a value as the database column stores it (dates and datetimes as ISO text
    on SQLite), bound once to the connection's operations for use on many rows."""
    adapt_datetime = connection.ops.adapt_datetimefield_value

    def adapt(value: Any) -> Any:
        if isinstance(value, datetime.datetime):
            return adapt_datetime(value)
        if isinstance(value, datetime.date):
            return value.isoformat()
        return value

    return adapt


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


def _sqlite_chunks(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[int]:
    """Insert `rows` chunk by chunk, yielding each chunk's size as it is written."""
    quote = connection.ops.quote_name
    insert = f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)})"
    wide = len(columns) > JSON_COLUMNS
    if wide:
        sql = f"{insert} VALUES ({', '.join(['%s'] * len(columns))})"
    else:
        values = ", ".join(f"value ->> {i}" for i in range(len(columns)))
        sql = f"{insert} SELECT {values} FROM json_each(%s) ORDER BY key"
    iterator = iter(rows)
    with connection.cursor() as cursor:
        while chunk := list(islice(iterator, CHUNK)):
            if wide:
                cursor.executemany(sql, chunk)
            else:
                cursor.execute(sql, [json.dumps(chunk, separators=(",", ":"))])
            yield len(chunk)


def insert_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """INSERT `rows` (values in the columns' database form) into `model`'s table; the row count."""
    db_columns = [_column(model, column) for column in columns]
    if connection.vendor == "postgresql":
        return _copy(model._meta.db_table, db_columns, rows)
    return sum(_sqlite_chunks(model._meta.db_table, db_columns, rows))


def check_foreign_keys_per_statement() -> None:
    """In the current transaction, have PostgreSQL check each statement's foreign keys as it ends,
    not all of them at commit (Django declares them deferred): for an import whose file is checked
    in another process while its rows are written, the database's checking of the rows already
    written then runs beside it, instead of after it. The rows an import writes refer only to rows
    written before them. Nothing to do on SQLite, which checks none."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` new primary keys of `model`'s table, taken as its own inserts take them, for rows
    inserted later with their ids (`insert_rows` with the primary key among the columns): rows
    that refer to them can then be made before they are written, or in another process.

    Callers hold a transaction. On PostgreSQL they come from the table's sequence. On SQLite from
    its AUTOINCREMENT sequence, in a write that holds the database's one write lock to the end
    of the transaction: no other writer can take them meanwhile. Ids a rolled-back transaction
    took are not used again, as on PostgreSQL.
    """
    meta = model._meta
    assert meta.pk is not None
    table, pk = meta.db_table, meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk, count],
            )
            return [new_id for (new_id,) in cursor.fetchall()]
        cursor.execute(
            "UPDATE sqlite_sequence SET seq = seq + %s WHERE name = %s RETURNING seq", [count, table]
        )
        found = cursor.fetchone()
        if found is None:  # a table never written has no row there yet
            quote = connection.ops.quote_name
            cursor.execute(f"SELECT coalesce(max({quote(pk)}), 0) FROM {quote(table)}")
            (last,) = cursor.fetchone()
            cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, last + count])
            found = (last + count,)
    last = found[0]
    return list(range(last - count + 1, last + 1))
