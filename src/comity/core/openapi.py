"""OpenAPI description of list filters, generated from the one FilterSet that defines them."""

from collections.abc import Mapping
from typing import Any

import django_filters
from django_filters import FilterSet


def filterset_parameters(filterset_class: type[FilterSet]) -> list[dict[str, Any]]:
    parameters = []
    for name, filter_ in filterset_class.base_filters.items():
        schema: dict[str, Any] = {"type": "string"}
        if isinstance(filter_, django_filters.DateFilter):
            schema["format"] = "date"
        choices = filter_.extra.get("choices")
        if isinstance(filter_, django_filters.ChoiceFilter) and choices and not callable(choices):
            # An empty value is no filter ("any"), as the pages' filter bars send it.
            schema["enum"] = [value for value, _label in choices] + [""]
        parameters.append(
            {
                "in": "query",
                "name": name,
                "required": False,
                "schema": schema,
                "description": str(filter_.label or name),
            }
        )
    return parameters


PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "RFC 9457 problem details; `errors` names each field at fault (422).",
    "type": "object",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string"},
                    "pointer": {"type": "string"},
                    "detail": {"type": "string"},
                },
                "required": ["field", "pointer", "detail"],
            },
        },
    },
    "required": ["type", "title", "status"],
}
_PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
# What every operation may answer besides its success, and why.
_PROBLEMS = {
    400: "The body is not JSON.",
    401: "Authentication required: send `Authorization: Bearer TOKEN` or log in.",
    403: "The user's role may read but not do this (a viewer writing, say).",
    404: "Not found, or not the user's to see (never 403 for what the user may not see).",
    422: "Invalid input: one entry per field at fault.",
}


def document_problems(
    schema: dict[str, Any], *, under: Mapping[str, Mapping[int, str]] | None = None
) -> dict[str, Any]:
    """Add the problem-details answers to every operation of `schema` (an OpenAPI document),
    so that a client, and a schema-driven test, knows every status it may meet. An operation
    without security (the public log) cannot answer 401 or 403; `under` adds statuses to the
    operations whose path starts with a prefix (the log's 503 before it is initialised)."""
    schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    for path, path_item in schema.get("paths", {}).items():
        extra = {
            status: description
            for prefix, statuses in (under or {}).items()
            if path.startswith(prefix)
            for status, description in statuses.items()
        }
        for operation in path_item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            secured = bool(operation.get("security"))
            # Keys as ninja writes them (integers), so that none is written twice.
            for status, description in (_PROBLEMS | extra).items():
                if status in (401, 403) and not secured:
                    continue
                if status == 400 and "requestBody" not in operation:
                    continue
                operation["responses"].setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/problem+json": {"schema": _PROBLEM_REF}},
                    },
                )
    return schema
