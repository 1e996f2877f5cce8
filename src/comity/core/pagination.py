"""Keyset ("cursor") pagination: the next page starts after the last row seen, so a page costs
the same at row 20 and at row 1,000,000, and rows inserted meanwhile do not shift pages."""

import base64
import binascii
import datetime
import json
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import ValidationError
from django.core.paginator import Page as NumberedPage
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils.translation import gettext as _

T = TypeVar("T")
SORT_KEY = "_sort_key"
# Rows without a value (a request not yet received) sort as if dated on this day.
NULL_DATE = datetime.date(1, 1, 1)


@dataclass
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


def _encode(value: Any, pk: int) -> str:
    if isinstance(value, datetime.date | datetime.datetime):
        value = value.isoformat()
    raw = json.dumps([value, pk], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str, field: models.Field) -> tuple[Any, int]:
    try:
        value, pk = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        return field.to_python(value), int(pk)
    except (ValueError, TypeError, binascii.Error, ValidationError) as error:
        raise ValidationError(
            {"cursor": [_("This cursor is not valid; start again from the first page.")]}
        ) from error


def keyset_page(
    queryset: QuerySet[Any, dict[str, Any]], *, sort: str, cursor: str | None, size: int
) -> Page[dict[str, Any]]:
    """One page of `queryset` ordered by `sort` (a field name, `-` for descending), then by id.

    `queryset` is a `values()` one, with "pk" among its fields: the rows are plain dicts, which
    cost a fraction of model instances.
    """
    after = keyset_cursor(queryset.model, sort=sort, cursor=cursor)
    page, key = keyset_query(queryset, sort=sort, after=after, size=size)
    return keyset_result(list(page), key=key, size=size)


def keyset_cursor(model: type[models.Model], *, sort: str, cursor: str | None) -> tuple[Any, int] | None:
    """The sort value and id a cursor of `model`'s pages ordered by `sort` stands for (None for
    the first page); a ValidationError names a cursor that is not valid."""
    if not cursor:
        return None
    field = model._meta.get_field(sort.lstrip("-"))
    assert isinstance(field, models.Field)
    value, pk = _decode(cursor, field)
    if value is None and field.null:
        value = NULL_DATE
    return value, pk


def keyset_query(
    queryset: QuerySet[Any, dict[str, Any]], *, sort: str, after: tuple[Any, int] | None, size: int
) -> tuple[QuerySet[Any, dict[str, Any]], str]:
    """The query of the page after `after` (keyset_cursor's; None for the first page): its
    `size` rows and one more, which says whether another page follows; and the row's key of the
    sort value."""
    descending = sort.startswith("-")
    name = sort.lstrip("-")
    field = queryset.model._meta.get_field(name)
    assert isinstance(field, models.Field)
    if name == "id":
        key = "pk"
    elif field.null:
        queryset = queryset.annotate(**{SORT_KEY: Coalesce(name, Value(NULL_DATE))})
        key = SORT_KEY
    else:
        key = name
    if after is not None:
        value, pk = after
        op = "lt" if descending else "gt"
        if key == "pk":
            queryset = queryset.filter(**{f"pk__{op}": pk})
        else:
            queryset = queryset.filter(Q(**{f"{key}__{op}": value}) | Q(**{key: value, f"pk__{op}": pk}))
    direction = "-" if descending else ""
    order = [f"{direction}pk"] if key == "pk" else [f"{direction}{key}", f"{direction}pk"]
    return queryset.order_by(*order)[: size + 1], key


def keyset_result(rows: list[dict[str, Any]], *, key: str, size: int) -> Page[dict[str, Any]]:
    """The page of keyset_query's rows, with the cursor of the next one if there is one."""
    if len(rows) <= size:
        return Page(rows, None)
    last = rows[size - 1]
    return Page(rows[:size], _encode(last[key], last["pk"]))


def query_without(request: HttpRequest, name: str) -> str:
    """The page's query string without `name` (its page or cursor): the filters a pager's links keep."""
    query = request.GET.copy()
    query.pop(name, None)
    return query.urlencode()


def numbered_page(request: HttpRequest, rows: QuerySet[Any], size: int) -> dict[str, Any]:
    """Page `?page=N` of `rows` (out of range or not a number: the last or the first page) and the
    query its links keep, as the shared _pager.html reads them. For short lists; long ones use
    keyset_page."""
    page: NumberedPage = Paginator(rows, size).get_page(request.GET.get("page"))
    return {"page": page, "query": query_without(request, "page")}
