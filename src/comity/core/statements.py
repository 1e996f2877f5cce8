"""Queries read on every page, compiled once per database and shape and run with each request's
values.

Building a query with the ORM (filters, joins, subqueries, then the SQL) costs the same at every
request, and for a page's main query it cost ten times the database's work. A `Statement` is such a
query built once with placeholder values (numbers or moments no real row has) in place of the
request's: its SQL is kept, and each run puts the request's values where the placeholders were,
then converts the columns as Django's `values()` would. Anything that changes the SQL itself (a
filter present or not, a slice, a list's length) is part of the shape the caller compiles for.
"""

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import Model, QuerySet
from django.utils import timezone

# Placeholder values: a number no id reaches, and a moment no row is dated at.
ANY_ID = 2_147_483_000
ANY_MOMENT = datetime.datetime(1901, 2, 3, 4, 5, 6, 789012, tzinfo=datetime.UTC)


def placeholder_id(n: int) -> int:
    """The `n`th distinct placeholder id (for a statement with several)."""
    return ANY_ID + n


def _adapted(value: Any) -> Any:
    """`value` as the query's parameters carry it: a moment as a DateTimeField writes it (a naive
    one taken in the default time zone, as Django takes it)."""
    if isinstance(value, datetime.datetime):
        if timezone.is_naive(value):
            value = timezone.make_aware(value, timezone.get_default_timezone())
        return connection.ops.adapt_datetimefield_value(value)
    return value


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


@dataclass(frozen=True)
class Statement:
    sql: str
    params: tuple[Any, ...]
    # (position among the parameters, placeholder's name)
    slots: tuple[tuple[int, str], ...]
    names: tuple[str, ...]
    # (column, converters, expression), as Django's compiler applies them to values() rows
    converters: tuple[tuple[int, tuple[Callable[..., Any], ...], Any], ...]

    @classmethod
    def of(cls, queryset: QuerySet[Any, Any], placeholders: Mapping[str, Any]) -> "Statement":
        """Compile a `values()` queryset built with `placeholders` (name: placeholder value) in
        place of the values each run gives."""
        query = queryset.query
        compiler = query.get_compiler(queryset.db)
        sql, params = compiler.as_sql()
        by_value = {_adapted(value): name for name, value in placeholders.items()}
        if len(by_value) != len(placeholders):
            raise ValueError("Each placeholder needs a value of its own.")
        slots = tuple(
            (position, by_value[param])
            for position, param in enumerate(params)
            if _hashable(param) and param in by_value
        )
        if missing := set(placeholders) - {name for _position, name in slots}:
            raise ValueError(f"Placeholders not in the query's parameters: {sorted(missing)}")
        if query.selected:
            names = tuple(query.selected)
        else:
            names = (*query.extra_select, *query.values_select, *query.annotation_select)
        fields = [column[0] for column in compiler.select[0 : compiler.col_count]]
        converters = tuple(
            (position, tuple(functions), expression)
            for position, (functions, expression) in compiler.get_converters(fields).items()
        )
        return cls(sql, tuple(params), slots, names, converters)

    def rows(self, **values: Any) -> list[dict[str, Any]]:
        """The rows for `values` (one per placeholder), as dicts of the queryset's `values()`."""
        params = list(self.params)
        for position, name in self.slots:
            params[position] = _adapted(values[name])
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            fetched = cursor.fetchall()
        names, converters = self.names, self.converters
        if not converters:
            return [dict(zip(names, row, strict=True)) for row in fetched]
        rows = []
        for row in fetched:
            cells = list(row)
            for position, functions, expression in converters:
                value = cells[position]
                for function in functions:
                    value = function(value, expression, connection)
                cells[position] = value
            rows.append(dict(zip(names, cells, strict=True)))
        return rows


def columns(model: type[Model]) -> list[str]:
    """The names of `model`'s columns (attnames: `authority_id`), as `instance` reads them."""
    return [field.attname for field in model._meta.concrete_fields]


def instance(model: type[Model], row: Mapping[str, Any], prefix: str = "") -> Any:
    """An instance of `model` made from a statement's row (its columns named `prefix` + attname),
    as a query makes it."""
    names = columns(model)
    return model.from_db(DEFAULT_DB_ALIAS, names, [row[prefix + name] for name in names])
