"""OpenAPI description of list filters, generated from the one FilterSet that defines them."""

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
            schema["enum"] = [value for value, _label in choices]
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
