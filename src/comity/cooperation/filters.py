"""The one filter definition of the request list, shared by the page and the API."""

from typing import Any

import django_filters
from django import forms
from django.db.models import CharField, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comity.accounts.models import User
from comity.cooperation.choices import Direction, Status
from comity.cooperation.models import Request, RequestOffence, Subject
from comity.cooperation.visibility import subject_names_visible_q
from comity.core.filters import FilterSet
from comity.core.limits import max_length
from comity.core.models import AccessEntry
from comity.reference.choices import LegalBasis, Offence, RequestType
from comity.reference.countries import country_choices

SORTS = {
    "-id": _("Newest registered"),
    "id": _("Oldest registered"),
    "due_on": _("Target date, soonest first"),
    "-due_on": _("Target date, latest first"),
    "-received_on": _("Received, newest first"),
    "received_on": _("Received, oldest first"),
    "-sent_on": _("Sent, newest first"),
    "sent_on": _("Sent, oldest first"),
}
DEFAULT_SORT = "-id"
YES_NO = [("true", _("Yes")), ("false", _("No"))]


class RequestFilterSet(FilterSet):
    q = django_filters.CharFilter(
        label=_("Reference or subject"),
        method="filter_text",
        max_length=max_length(Subject, "name"),  # the longest text it searches
        widget=forms.TextInput(attrs={"dir": "auto"}),
    )
    direction = django_filters.ChoiceFilter(
        label=_("Direction"), choices=Direction.choices, method="filter_direction"
    )
    type = django_filters.ChoiceFilter(label=_("Type"), choices=RequestType.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Status.choices)
    counterpart_country = django_filters.ChoiceFilter(
        label=_("Counterpart State"), choices=country_choices, method="filter_counterpart_country"
    )
    offence = django_filters.ChoiceFilter(
        label=_("Offence"), choices=Offence.choices, method="filter_offence"
    )
    legal_basis = django_filters.ChoiceFilter(label=_("Legal basis"), choices=LegalBasis.choices)
    urgent = django_filters.ChoiceFilter(label=_("Urgent"), choices=YES_NO, method="filter_urgent")
    overdue = django_filters.ChoiceFilter(label=_("Overdue"), choices=YES_NO, method="filter_overdue")
    received_after = django_filters.DateFilter(
        label=_("Received from"),
        field_name="received_on",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    received_before = django_filters.DateFilter(
        label=_("Received until"),
        field_name="received_on",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    sent_after = django_filters.DateFilter(
        label=_("Sent from"),
        field_name="sent_on",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    sent_before = django_filters.DateFilter(
        label=_("Sent until"),
        field_name="sent_on",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort"), choices=list(SORTS.items()), method="keep", empty_label=None
    )

    class Meta:
        model = Request
        fields: list[str] = []

    def keep(self, queryset: QuerySet[Request], name: str, value: str) -> QuerySet[Request]:
        return queryset  # sorting is the paginator's job

    @property
    def ordering(self) -> str:
        return (self.form.cleaned_data.get("sort") if self.form.is_valid() else None) or DEFAULT_SORT

    def filter_direction(self, queryset: QuerySet[Request], name: str, value: str) -> QuerySet[Request]:
        field = "requested_authority_id" if value == Direction.INCOMING else "requesting_authority_id"
        return queryset.filter(**{field: self.user.authority_id})

    def filter_counterpart_country(
        self, queryset: QuerySet[Request], name: str, value: str
    ) -> QuerySet[Request]:
        mine = self.user.authority_id
        return queryset.filter(
            Q(requesting_authority_id=mine, requested_country=value)
            | Q(requested_authority_id=mine, requesting_country=value)
            | (
                ~Q(requesting_authority_id=mine)
                & ~Q(requested_authority_id=mine)
                & (Q(requesting_country=value) | Q(requested_country=value))
            )
        )

    def filter_offence(self, queryset: QuerySet[Request], name: str, value: str) -> QuerySet[Request]:
        return queryset.filter(Exists(RequestOffence.objects.filter(request=OuterRef("pk"), code=value)))

    def filter_urgent(self, queryset: QuerySet[Request], name: str, value: str) -> QuerySet[Request]:
        return queryset.filter(urgent=value == "true")

    def filter_overdue(self, queryset: QuerySet[Request], name: str, value: str) -> QuerySet[Request]:
        overdue = Q(is_open=True, due_on__lt=timezone.localdate())
        return queryset.filter(overdue if value == "true" else ~overdue)

    def filter_text(self, queryset: QuerySet[Request], name: str, value: str) -> QuerySet[Request]:
        value = value.strip()
        if not value:
            return queryset
        # A subject's name matches only where the user may know it: a search must not reveal
        # that a confidential request concerns someone.
        named = Subject.objects.filter(request=OuterRef("pk"), name__icontains=value)
        return queryset.filter(
            Q(requesting_reference__icontains=value)
            | Q(requested_reference__icontains=value)
            | (Exists(named) & subject_names_visible_q(self.user))
        )


class AccessLogFilterSet(django_filters.FilterSet):
    """The one filter definition of a head's access log (page, export and API)."""

    reference = django_filters.CharFilter(label=_("Request reference"), method="filter_reference")
    reader = django_filters.CharFilter(
        label=_("Read by (user name)"), field_name="user__username", lookup_expr="icontains"
    )
    channel = django_filters.ChoiceFilter(label=_("Channel"), choices=AccessEntry.Channel.choices)
    read_after = django_filters.DateFilter(
        label=_("Read from"),
        field_name="at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    read_before = django_filters.DateFilter(
        label=_("Read until"),
        field_name="at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = AccessEntry
        fields: list[str] = []

    def __init__(self, data: Any, queryset: QuerySet[AccessEntry], *, user: User) -> None:
        super().__init__(data, queryset=queryset)
        self.user = user

    def filter_reference(
        self, queryset: QuerySet[AccessEntry], name: str, value: str
    ) -> QuerySet[AccessEntry]:
        value = value.strip()
        if not value:
            return queryset
        # Either reference of the authority's own requests; the log is scoped to those already.
        matching = Request.objects.filter(
            Q(requesting_reference__icontains=value) | Q(requested_reference__icontains=value)
        ).values(text_id=Cast("pk", output_field=CharField()))
        return queryset.filter(object_id__in=matching)
