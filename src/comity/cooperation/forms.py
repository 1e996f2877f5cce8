"""Page forms for requests and events; they only parse input, the services decide."""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comity.accounts.models import Authority
from comity.accounts.selectors import party_authorities
from comity.cooperation.choices import Direction, EventKind, NamesVisibleTo, SubjectKind
from comity.cooperation.models import Event, Request, RequestBarrier, Subject
from comity.cooperation.services import SubjectInput
from comity.core.dates import EARLIEST_DATE
from comity.core.forms import OnceForm
from comity.core.limits import max_length
from comity.reference.choices import (
    Barrier,
    LegalBasis,
    Measure,
    Offence,
    Proceeding,
    RefusalGround,
    RequestType,
)
from comity.reference.countries import country_choices

# The browser refuses a year typed as 0001 at once; the state machine refuses it on every path.
DATE = forms.DateInput(attrs={"type": "date", "min": EARLIEST_DATE.isoformat()}, format="%Y-%m-%d")
# What users type takes its direction from its first strong letter: Arabic right to left, a
# Latin reference left to right, whatever the page's language.
USER_TEXT = {"dir": "auto"}
TEXT = forms.TextInput(attrs=USER_TEXT)


class RequestForm(forms.Form):
    type = forms.ChoiceField(label=_("Type"), choices=RequestType.choices)
    legal_basis = forms.ChoiceField(label=_("Legal basis"), choices=LegalBasis.choices)
    proceeding = forms.ChoiceField(label=_("Proceeding"), choices=Proceeding.choices)
    offences = forms.MultipleChoiceField(
        label=_("Offences"), choices=Offence.choices, widget=forms.CheckboxSelectMultiple
    )
    measures = forms.MultipleChoiceField(
        label=_("Measures requested"),
        choices=Measure.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    requesting_reference = forms.CharField(
        label=_("Requesting authority's reference"),
        max_length=max_length(Request, "requesting_reference"),
        required=False,
        widget=TEXT,
    )
    requested_reference = forms.CharField(
        label=_("Requested authority's reference"),
        max_length=max_length(Request, "requested_reference"),
        required=False,
        widget=TEXT,
    )
    summary = forms.CharField(
        label=_("Summary of facts"),
        max_length=max_length(Request, "summary"),
        widget=forms.Textarea(attrs={"rows": 4, **USER_TEXT}),
        required=False,
    )
    urgent = forms.BooleanField(label=_("Urgent"), required=False)
    urgency_reason = forms.CharField(
        label=_("Reason for urgency"),
        max_length=max_length(Request, "urgency_reason"),
        required=False,
        widget=TEXT,
    )
    confidential = forms.BooleanField(label=_("Confidential"), required=False)
    names_visible_to = forms.ChoiceField(
        label=_("If confidential, subjects' names visible to"),
        choices=NamesVisibleTo.choices,
        initial=NamesVisibleTo.OFFICERS,
    )


class RequestCreateForm(OnceForm, RequestForm):
    direction = forms.ChoiceField(
        label=_("Our role"),
        choices=[
            (Direction.OUTGOING, _("We request (outgoing)")),
            (Direction.INCOMING, _("We are requested (incoming)")),
        ],
        widget=forms.RadioSelect,
        initial=Direction.OUTGOING,
    )
    counterpart = forms.ModelChoiceField(label=_("Counterpart authority"), queryset=Authority.objects.none())
    sent_on = forms.DateField(label=_("Sent on"), required=False, widget=DATE)
    received_on = forms.DateField(label=_("Received on"), required=False, widget=DATE)

    field_order = ["direction", "counterpart", "type", "legal_basis", "proceeding", "offences", "measures"]

    def __init__(self, *args: Any, authority: Authority, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        counterpart = self.fields["counterpart"]
        assert isinstance(counterpart, forms.ModelChoiceField)
        counterpart.queryset = party_authorities().exclude(pk=authority.pk)


class SubjectForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=SubjectKind.choices)
    name = forms.CharField(
        label=_("Name"), max_length=max_length(Subject, "name"), required=False, widget=TEXT
    )
    identifiers = forms.CharField(
        label=_("Identifiers"), max_length=max_length(Subject, "identifiers"), required=False, widget=TEXT
    )
    country = forms.ChoiceField(
        label=_("Nationality or seat"), required=False, choices=lambda: [("", "—"), *country_choices()]
    )

    def subject(self) -> SubjectInput | None:
        data = self.cleaned_data
        if not data.get("name", "").strip() or data.get("DELETE"):
            return None
        return SubjectInput(
            kind=data["kind"],
            name=data["name"],
            identifiers=data.get("identifiers", ""),
            country=data.get("country", ""),
        )


SubjectFormSet = forms.formset_factory(SubjectForm, extra=2, can_delete=True)


# Every event but the creation, which registering the request records.
EVENT_CHOICES = [c for c in EventKind.choices if c[0] != EventKind.CREATED]


class EventForm(OnceForm):
    kind = forms.ChoiceField(label=_("Event"), choices=EVENT_CHOICES)
    occurred_on = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate)
    text = forms.CharField(
        label=_("Details"),
        max_length=max_length(Event, "text"),
        widget=forms.Textarea(attrs={"rows": 2, **USER_TEXT}),
        required=False,
    )
    refusal_grounds = forms.MultipleChoiceField(
        label=_("Grounds (refusal or postponement)"),
        choices=RefusalGround.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    internal = forms.BooleanField(label=_("Internal note, for our side only"), required=False)
    corrects = forms.TypedChoiceField(
        label=_("Event whose date is corrected (for a correction)"),
        coerce=int,
        empty_value=None,
        required=False,
    )

    def __init__(
        self, *args: Any, kinds: Iterable[str], correctable: Iterable[tuple[int, str]] = (), **kwargs: Any
    ) -> None:
        """`kinds`: the events the request's life allows next, the only ones offered. Any event is
        still accepted from a form posted earlier: the state machine then says why it cannot
        follow now, which says more than "not one of the choices". `correctable`: the events
        whose date a correction may supersede, as (id, label)."""
        super().__init__(*args, **kwargs)
        offered = set(kinds)
        self.fields["kind"].widget.choices = [c for c in EVENT_CHOICES if c[0] in offered]
        corrects = self.fields["corrects"]
        assert isinstance(corrects, forms.ChoiceField)
        corrects.choices = [("", "—"), *correctable]


class BarrierForm(forms.Form):
    """A barrier met in the request (codes of the vocabulary `barriers`)."""

    code = forms.ChoiceField(label=_("Barrier"), choices=Barrier.choices)
    on = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date", "min": EARLIEST_DATE.isoformat()}, format="%Y-%m-%d"),
    )
    note = forms.CharField(
        label=_("Note"), max_length=max_length(RequestBarrier, "note"), required=False, widget=forms.Textarea
    )
