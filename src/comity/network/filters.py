"""The one filter definition of the directory, shared by its page and `GET /api/v1/network/directory`."""

import json

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from comity.accounts.choices import NON_PARTY_KINDS, AuthorityKind
from comity.core.filters import FilterSet
from comity.network.choices import Affiliation, Competence
from comity.reference.countries import country_choices


def has_code(field: str, code: str) -> Q:
    """Entries whose JSON list `field` holds `code`. The list is stored as JSON text on SQLite and
    compared as its text on PostgreSQL; codes are slugs, so the quoted code matches one element
    exactly (JSON `contains` is not available on SQLite)."""
    return Q(**{f"{field}__icontains": json.dumps(code)})


class DirectoryFilterSet(FilterSet):
    country = django_filters.ChoiceFilter(
        label=_("Country"), field_name="authority__country", choices=country_choices
    )
    # Directory items show `authority.kind` (an authority kind) and `competences`: `kind` takes a
    # code of either list. The two lists share no code (a test keeps it so), so a code says which.
    kind = django_filters.ChoiceFilter(
        label=_("Kind or competence"),
        choices=[c for c in AuthorityKind.choices if c[0] not in NON_PARTY_KINDS] + Competence.choices,
        method="filter_kind",
    )
    network = django_filters.ChoiceFilter(
        label=_("Network"), choices=Affiliation.choices, method="filter_network"
    )

    def filter_kind(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value in AuthorityKind.values:
            return queryset.filter(authority__kind=value)
        return queryset.filter(has_code("competences", value))

    def filter_network(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(has_code("affiliations", value))
