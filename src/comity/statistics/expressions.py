"""Database expressions the statistics need on both SQLite and PostgreSQL."""

from typing import Any

from django.db.models import Func, IntegerField


class DaysBetween(Func):
    """Whole days from `start` to `end` (two dates): end - start."""

    output_field = IntegerField()
    arity = 2

    def as_sql(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:  # type: ignore[override]
        end, start = (compiler.compile(expression) for expression in self.source_expressions)
        if connection.vendor == "sqlite":
            sql = f"CAST(JULIANDAY({end[0]}) - JULIANDAY({start[0]}) AS INTEGER)"
        else:
            sql = f"({end[0]} - {start[0]})"
        return sql, (*end[1], *start[1])
