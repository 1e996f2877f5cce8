"""The full-text search of the knowledge library, on either database behind one interface
(`connection.vendor`): SQLite's FTS5 table `guidance_library_fts` (which `index` and `unindex`
keep, called by the library's one writer), PostgreSQL's full-text search over an expression
(GIN-indexed by migration 0003, so there is nothing to keep). Both read the same words out of
what a user typed: letters and digits only, so that a `"`, a `*`, an `AND` or a `NEAR(` is a word
to find or nothing, never the search syntax of either database, and never an error. Each word
matches as a prefix (`confisc` finds `confiscation`), which stands in for the stemming no one
configuration could do across six languages."""

import re

from django.db import connection
from django.db.models import BooleanField, FloatField, QuerySet
from django.db.models.expressions import RawSQL

from comity.guidance.models import LibraryDocument

TABLE = LibraryDocument._meta.db_table
FTS_TABLE = "guidance_library_fts"
# At most this many words are searched for, each at most this long: a bounded query.
MAX_WORDS = 12
MAX_WORD = 40
WORD = re.compile(r"\w+")

# PostgreSQL: title weighs most, then the description, then the document's text. The GIN index
# of migration 0003 is on this very expression, which the planner matches textually.
PG_VECTOR = (
    f"(setweight(to_tsvector('simple'::regconfig, coalesce(\"{TABLE}\".\"title\", '')), 'A') || "
    f"setweight(to_tsvector('simple'::regconfig, coalesce(\"{TABLE}\".\"description\", '')), 'B') || "
    f"setweight(to_tsvector('simple'::regconfig, coalesce(\"{TABLE}\".\"text\", '')), 'D'))"
)
# SQLite: bm25 weights of the same columns (lower is better, hence the minus in `matching`).
SQLITE_RANK = f"bm25({FTS_TABLE}, 10.0, 4.0, 1.0)"


def words(query: str) -> list[str]:
    """The words of `query` that are searched for (at most MAX_WORDS, each cut at MAX_WORD)."""
    return [word[:MAX_WORD].lower() for word in WORD.findall(query)[:MAX_WORDS]]


def matching(queryset: "QuerySet[LibraryDocument]", query: str) -> "QuerySet[LibraryDocument]":
    """The documents of `queryset` holding every word of `query`, annotated with `score` (higher
    is a better match); `queryset` itself when `query` has no word."""
    found = words(query)
    if not found:
        return queryset
    if connection.vendor == "postgresql":
        terms = " & ".join(f"'{word}':*" for word in found)
        tsquery = "to_tsquery('simple'::regconfig, %s)"
        return queryset.filter(
            RawSQL(f"{PG_VECTOR} @@ {tsquery}", [terms], output_field=BooleanField())
        ).annotate(score=RawSQL(f"ts_rank({PG_VECTOR}, {tsquery})", [terms], output_field=FloatField()))
    match = " ".join(f'"{word}"*' for word in found)
    where = f"{FTS_TABLE} MATCH %s"
    return queryset.filter(
        RawSQL(
            f'"{TABLE}"."id" IN (SELECT rowid FROM {FTS_TABLE} WHERE {where})',
            [match],
            output_field=BooleanField(),
        )
    ).annotate(
        score=RawSQL(
            f'-(SELECT {SQLITE_RANK} FROM {FTS_TABLE} WHERE {where} AND rowid = "{TABLE}"."id")',
            [match],
            output_field=FloatField(),
        )
    )


def index(document: LibraryDocument) -> None:
    """Make the search find `document` as it is now (SQLite; PostgreSQL indexes by itself)."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [document.pk])
        cursor.execute(
            f"INSERT INTO {FTS_TABLE} (rowid, title, description, text) VALUES (%s, %s, %s, %s)",
            [document.pk, document.title, document.description, document.text],
        )


def unindex(pk: int) -> None:
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [pk])
