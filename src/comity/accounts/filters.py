"""The one filter definition of the authority directory (`GET /api/v1/authorities`)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from comity.accounts.choices import NON_PARTY_KINDS, AuthorityKind
from comity.core.filters import FilterSet
from comity.reference.countries import country_choices


class AuthorityFilterSet(FilterSet):
    country = django_filters.ChoiceFilter(label=_("Country"), choices=country_choices)
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=[c for c in AuthorityKind.choices if c[0] not in NON_PARTY_KINDS]
    )
    name = django_filters.CharFilter(label=_("Name contains"), lookup_expr="icontains")
