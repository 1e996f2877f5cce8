"""Page forms of the network; they only parse input, the services decide. The finder's form also
parses the API's query (one definition of what a search is)."""

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comity.accounts.models import Authority, User
from comity.assets.choices import IdentifierKind
from comity.assets.models import Asset, AssetCase
from comity.cooperation.models import Request
from comity.core.forms import ChoicesOfLanguage, FastSelect, OnceForm
from comity.core.limits import max_length
from comity.network.choices import Affiliation, Channel, Competence
from comity.network.models import (
    ActionItem,
    Alert,
    AlertAsset,
    AlertStep,
    Consultation,
    ConsultationMessage,
    ContactPerson,
    DirectoryEntry,
    Meeting,
    Network,
)
from comity.network.services import ALERT_OUTCOMES
from comity.reference.choices import (
    AlertStatus,
    Handling,
    LegalBasis,
    Measure,
    Offence,
    Proceeding,
    RequestType,
)
from comity.reference.countries import country_choices

# The directory, the finder and memberships -----------------------------------------------------


def _blank(choices: Iterable[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [("", "—"), *choices]


def codes(text: str) -> list[str]:
    """Codes typed with commas or spaces between them: "es, en" → ["es", "en"]."""
    return [code for code in text.replace(",", " ").split() if code]


class FinderForm(forms.Form):
    """ "Who do I ask?": only the State is required."""

    country = forms.ChoiceField(
        label=_("State"), choices=ChoicesOfLanguage(lambda: _blank(country_choices())), widget=FastSelect
    )
    measure = forms.ChoiceField(
        label=_("Measure"), choices=_blank(Measure.choices), required=False, widget=FastSelect
    )
    offence = forms.ChoiceField(
        label=_("Offence"), choices=_blank(Offence.choices), required=False, widget=FastSelect
    )
    proceeding = forms.ChoiceField(
        label=_("Proceeding"), choices=_blank(Proceeding.choices), required=False, widget=FastSelect
    )
    urgent = forms.BooleanField(label=_("Urgent"), required=False)


class EntryForm(forms.Form):
    competences = forms.MultipleChoiceField(
        label=_("Competences"),
        choices=Competence.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.CharField(
        label=_("Languages accepted for requests"),
        help_text=_("ISO 639-1 codes separated by commas, such as es, en (zh-hans for Chinese)."),
        max_length=200,
        required=False,
    )
    channels = forms.MultipleChoiceField(
        label=_("Channels"), choices=Channel.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    encryption_required = forms.BooleanField(label=_("Encryption required"), required=False)
    signature_required = forms.BooleanField(label=_("Electronic signature required"), required=False)
    uncac_accepted = forms.BooleanField(label=_("UNCAC accepted as a legal basis"), required=False)
    urgent_procedure = forms.CharField(
        label=_("Urgent procedure"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=DirectoryEntry._meta.get_field("urgent_procedure").max_length,
        required=False,
    )
    affiliations = forms.MultipleChoiceField(
        label=_("Networks it belongs to"),
        choices=Affiliation.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    links = forms.CharField(
        label=_("Laws and guides"),
        help_text=_("One a line: the address, a space, then its title."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=15000,
        required=False,
    )

    @staticmethod
    def initial_of(entry: DirectoryEntry | None) -> dict[str, Any]:
        if entry is None:
            return {"uncac_accepted": True}
        return {
            "competences": entry.competences,
            "languages": ", ".join(entry.languages),
            "channels": entry.channels,
            "encryption_required": entry.encryption_required,
            "signature_required": entry.signature_required,
            "uncac_accepted": entry.uncac_accepted,
            "urgent_procedure": entry.urgent_procedure,
            "affiliations": entry.affiliations,
            "links": "\n".join(f"{link['url']} {link['title']}".strip() for link in entry.links),
        }

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["languages"] = codes(data["languages"])
        links = []
        for line in data["links"].splitlines():
            url, _space, title = line.strip().partition(" ")
            if url:
                links.append({"url": url, "title": title.strip()})
        data["links"] = links
        return data


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=ContactPerson._meta.get_field("name").max_length)
    function = forms.CharField(label=_("Function"), max_length=200, required=False)
    languages = forms.CharField(
        label=_("Languages spoken"),
        help_text=_("ISO 639-1 codes separated by commas, such as es, en."),
        max_length=200,
        required=False,
    )
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    mailbox = forms.CharField(label=_("Functional mailbox"), max_length=254, required=False)
    time_zone = forms.CharField(label=_("Time zone"), max_length=64, initial="UTC")
    working_hours = forms.CharField(label=_("Working hours"), max_length=100, required=False)
    urgent = forms.BooleanField(label=_("24/7 urgent contact"), required=False)

    @staticmethod
    def initial_of(contact: ContactPerson) -> dict[str, Any]:
        initial = {name: getattr(contact, name) for name in ContactForm.base_fields}
        initial["languages"] = ", ".join(contact.languages)
        return initial

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data) | {"languages": codes(self.cleaned_data["languages"])}


class MembershipRequestForm(forms.Form):
    network = forms.ModelChoiceField(label=_("Network"), queryset=Network.objects.order_by("name"))
    sponsor = forms.ModelChoiceField(
        label=_("Sponsor (a member authority)"),
        queryset=Authority.objects.filter(external=False)
        .exclude(kind="secretariat")
        .order_by("country", "name"),
        required=False,
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


# Urgent freezing alerts ------------------------------------------------------------------------

# Rows of assets on the page's form (the API takes up to services.ALERT_MAX_ASSETS).
ALERT_FORM_ASSETS = 4


class AlertForm(OnceForm):
    """A new alert: to whom, why, by when, and the assets (a row each: kind, identifier, amount)."""

    to_authority = forms.TypedChoiceField(label=_("Authority to alert"), coerce=int)
    asset_case = forms.TypedChoiceField(
        label=_("Your asset case"),
        coerce=int,
        required=False,
        empty_value=None,
        # Choosing the case lists its assets to tick (htmx), so none is typed again.
        widget=forms.Select(
            attrs={
                "hx-get": reverse_lazy("network-alert-case-assets"),
                "hx-target": "#case-assets",
                "hx-swap": "outerHTML",
            }
        ),
        help_text=_("The assets become assets of this case; a freezing in answer, a step of each."),
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=max_length(Alert, "reason"), widget=forms.Textarea(attrs={"rows": 3})
    )
    deadline = forms.DateTimeField(
        label=_("Deadline (UTC)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    case_assets = forms.TypedMultipleChoiceField(
        label=_("Assets of the case to freeze"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        recipients: "list[Authority]",
        cases: "list[AssetCase]",
        case_assets: "Sequence[Asset]" = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        picker = self.fields["case_assets"]
        assert isinstance(picker, forms.ChoiceField)
        picker.choices = [(a.pk, asset_label(a)) for a in case_assets]
        to_authority, asset_case = self.fields["to_authority"], self.fields["asset_case"]
        assert isinstance(to_authority, forms.ChoiceField) and isinstance(asset_case, forms.ChoiceField)
        to_authority.choices = [("", "—")] + [(a.pk, str(a)) for a in recipients]
        asset_case.choices = [("", "—")] + [(c.pk, c.title) for c in cases]
        for n in range(ALERT_FORM_ASSETS):
            self.fields[f"identifier_kind_{n}"] = forms.ChoiceField(
                label=_("Identifier kind"), choices=[("", "—"), *IdentifierKind.choices], required=False
            )
            self.fields[f"identifier_{n}"] = forms.CharField(
                label=_("Identifier"), max_length=200, required=False
            )
            self.fields[f"amount_{n}"] = forms.DecimalField(
                label=_("Amount"), max_digits=20, decimal_places=2, required=False
            )
            self.fields[f"currency_{n}"] = forms.CharField(label=_("Currency"), max_length=3, required=False)

    def clean_deadline(self) -> datetime.datetime:
        deadline: datetime.datetime = self.cleaned_data["deadline"]
        # The field is read in UTC, as its label says, whatever the server's zone.
        return deadline.replace(tzinfo=datetime.UTC) if timezone.is_naive(deadline) else deadline

    def asset_rows(self) -> list[dict[str, Any]]:
        """The assets of the case ticked, then the rows filled in, as the service takes them."""
        return [row for row, _where in self._asset_rows()]

    def asset_aliases(self) -> dict[str, str]:
        """Where the service's `assets.N.field` errors show on this form."""
        aliases = {}
        for position, (_row, where) in enumerate(self._asset_rows()):
            for name in ("asset", "identifier_kind", "identifier", "amount", "currency"):
                aliases[f"assets.{position}.{name}"] = "case_assets" if where is None else f"{name}_{where}"
        return aliases

    def _asset_rows(self) -> list[tuple[dict[str, Any], int | None]]:
        """Each asset with the form's row it came from (None: ticked in the case's list)."""
        rows: list[tuple[dict[str, Any], int | None]] = [
            ({"asset": pk}, None) for pk in self.cleaned_data.get("case_assets") or []
        ]
        for n in range(ALERT_FORM_ASSETS):
            row = {
                "identifier_kind": self.cleaned_data.get(f"identifier_kind_{n}") or "",
                "identifier": self.cleaned_data.get(f"identifier_{n}") or "",
                "amount": self.cleaned_data.get(f"amount_{n}"),
                "currency": self.cleaned_data.get(f"currency_{n}") or "",
            }
            if row["identifier"] or row["amount"] is not None:
                rows.append((row, n))
        return rows

    def rows(self) -> list[list[forms.BoundField]]:
        return [
            [self[f"{name}_{n}"] for name in ("identifier_kind", "identifier", "amount", "currency")]
            for n in range(ALERT_FORM_ASSETS)
        ]


def asset_label(asset: "Asset") -> str:
    """An asset of the sender's case as the alert form lists it: kind, identifier, where."""
    return f"{asset.get_identifier_kind_display()} {asset.identifier} · {asset.location_country}" + (
        f" · {asset.description}" if asset.description else ""
    )


class AcknowledgeForm(forms.Form):
    note = forms.CharField(
        label=_("Note"),
        max_length=max_length(AlertStep, "note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class OutcomeForm(forms.Form):
    """The outcome; for a freezing, which of the alert's assets were frozen and for how much (each
    ticked at first, at the amount alerted)."""

    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[(s.value, s.label) for s in AlertStatus if s in ALERT_OUTCOMES]
    )
    on = forms.DateField(
        label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    order_reference = forms.CharField(label=_("Order"), max_length=200, required=False)
    reason = forms.CharField(
        label=_("Why (when not possible)"),
        max_length=max_length(AlertStep, "note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self, *args: Any, alert_assets: "Sequence[AlertAsset]" = (), current: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        outcome = self.fields["outcome"]
        assert isinstance(outcome, forms.ChoiceField)
        outcome.choices = [(s.value, s.label) for s in AlertStatus if s in ALERT_OUTCOMES and s != current]
        self.alert_assets = [a for a in alert_assets if a.frozen_step_id is None]
        for a in self.alert_assets:
            self.fields[f"frozen_{a.pk}"] = forms.BooleanField(
                label=f"{a.get_identifier_kind_display()} {a.identifier}", required=False, initial=True
            )
            self.fields[f"amount_{a.pk}"] = forms.DecimalField(
                label=_("Amount frozen"), max_digits=20, decimal_places=2, required=False, initial=a.amount
            )
            self.fields[f"currency_{a.pk}"] = forms.CharField(
                label=_("Currency"), max_length=3, required=False, initial=a.currency
            )

    def frozen(self) -> list[dict[str, Any]]:
        """The assets ticked as frozen, as the service takes them."""
        return [
            {
                "alert_asset": a.pk,
                "amount": self.cleaned_data.get(f"amount_{a.pk}"),
                "currency": self.cleaned_data.get(f"currency_{a.pk}") or "",
            }
            for a in self.alert_assets
            if self.cleaned_data.get(f"frozen_{a.pk}")
        ]

    def frozen_aliases(self) -> dict[str, str]:
        """Where the service's `frozen.N.field` errors show on this form."""
        ticked = [a.pk for a in self.alert_assets if self.cleaned_data.get(f"frozen_{a.pk}")]
        return {
            f"frozen.{n}.{name}": f"{name if name != 'alert_asset' else 'frozen'}_{pk}"
            for n, pk in enumerate(ticked)
            for name in ("alert_asset", "amount", "currency", "on", "kind")
        }

    def asset_rows(self) -> list[list[forms.BoundField]]:
        return [
            [self[f"{name}_{a.pk}"] for name in ("frozen", "amount", "currency")] for a in self.alert_assets
        ]

    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("outcome", "on", "order_reference", "reason")]


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=max_length(AlertStep, "note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


# Case coordination meetings --------------------------------------------------------------------


class MeetingForm(OnceForm):
    title = forms.CharField(label=_("Title"), max_length=max_length(Meeting, "title"))
    starts_at = forms.DateTimeField(
        label=_("Starts at (UTC)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration in minutes"), initial=60, min_value=15, max_value=720
    )
    participants = forms.TypedMultipleChoiceField(
        label=_("Authorities invited"), coerce=int, widget=forms.SelectMultiple(attrs={"size": 6})
    )
    location = forms.CharField(
        label=_("Place or video link"), max_length=max_length(Meeting, "location"), required=False
    )
    agenda = forms.CharField(
        label=_("Agenda"),
        max_length=max_length(Meeting, "agenda"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    asset_cases = forms.TypedMultipleChoiceField(
        label=_("Asset recovery cases"),
        coerce=int,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )

    consultations = forms.TypedMultipleChoiceField(
        label=_("Consultations"), coerce=int, required=False, widget=forms.SelectMultiple(attrs={"size": 4})
    )
    requests = forms.TypedMultipleChoiceField(
        label=_("Cooperation requests"),
        coerce=int,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )

    def __init__(
        self,
        *args: Any,
        invitable: "list[Authority]",
        cases: "list[AssetCase]",
        consultations: "Sequence[Consultation]" = (),
        requests: "Sequence[Request]" = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        participants, asset_cases = self.fields["participants"], self.fields["asset_cases"]
        linked, linked_requests = self.fields["consultations"], self.fields["requests"]
        assert isinstance(participants, forms.ChoiceField) and isinstance(asset_cases, forms.ChoiceField)
        assert isinstance(linked, forms.ChoiceField) and isinstance(linked_requests, forms.ChoiceField)
        participants.choices = [(a.pk, str(a)) for a in invitable]
        asset_cases.choices = [(c.pk, c.title) for c in cases]
        linked.choices = [(c.pk, f"{c.subject} ({c.handling})") for c in consultations]
        linked_requests.choices = [(r.pk, str(r)) for r in requests]

    def clean_starts_at(self) -> datetime.datetime:
        starts_at: datetime.datetime = self.cleaned_data["starts_at"]
        return starts_at.replace(tzinfo=datetime.UTC) if timezone.is_naive(starts_at) else starts_at


class RescheduleForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("Starts at (UTC)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    duration_minutes = forms.IntegerField(label=_("Duration in minutes"), min_value=15, max_value=720)

    def clean_starts_at(self) -> datetime.datetime:
        starts_at: datetime.datetime = self.cleaned_data["starts_at"]
        return starts_at.replace(tzinfo=datetime.UTC) if timezone.is_naive(starts_at) else starts_at


class MinutesForm(forms.Form):
    agenda = forms.CharField(
        label=_("Agenda"),
        max_length=max_length(Meeting, "agenda"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    minutes = forms.CharField(
        label=_("Minutes"),
        max_length=max_length(Meeting, "minutes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class ActionItemForm(forms.Form):
    text = forms.CharField(label=_("Action"), max_length=max_length(ActionItem, "text"))
    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int)
    due_on = forms.DateField(
        label=_("Due on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args: Any, owners: "list[User]", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ChoiceField)
        owner.choices = [("", "—")] + [
            (str(u.pk), f"{u.get_full_name() or u.username} ({u.authority.country if u.authority else ''})")
            for u in owners
        ]


# Consultations (#22 item 4) ---------------------------------------------------------------------


def _authority_choices(authorities: Iterable[Authority]) -> list[tuple[int, str]]:
    return [(a.pk, f"{a.name} ({a.country_name})") for a in authorities]


class NotedFields(forms.Form):
    """What the possible request is becoming, as far as it is clear."""

    request_type = forms.ChoiceField(
        label=_("Type of request"), choices=_blank(RequestType.choices), required=False
    )
    legal_basis = forms.ChoiceField(
        label=_("Legal basis"), choices=_blank(LegalBasis.choices), required=False
    )
    proceeding = forms.ChoiceField(label=_("Proceeding"), choices=_blank(Proceeding.choices), required=False)
    offences = forms.MultipleChoiceField(
        label=_("Offences"), choices=Offence.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    measures = forms.MultipleChoiceField(
        label=_("Measures"), choices=Measure.choices, required=False, widget=forms.CheckboxSelectMultiple
    )


class ConsultationForm(OnceForm, NotedFields):
    participants = forms.TypedMultipleChoiceField(
        label=_("Authorities to consult"),
        coerce=int,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Members of your networks. Your authority takes part anyway."),
    )
    subject = forms.CharField(label=_("Subject"), max_length=max_length(Consultation, "subject"))
    handling = forms.ChoiceField(
        label=_("Handling (Traffic Light Protocol)"), choices=Handling.choices, initial=Handling.AMBER
    )
    summary = forms.CharField(
        label=_("Summary of facts"),
        max_length=max_length(Consultation, "summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    questions = forms.CharField(
        label=_("Questions"),
        max_length=max_length(Consultation, "questions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    field_order = ["participants", "subject", "handling", "summary", "questions"]

    def __init__(self, *args: Any, authorities: Iterable[Authority] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participants"].choices = _authority_choices(authorities)  # type: ignore[attr-defined]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented recipe); the services check each."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


class MessageForm(NotedFields):
    body = forms.CharField(
        label=_("Message"),
        max_length=max_length(ConsultationMessage, "body"),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    attachments = MultipleFileField(label=_("Draft attachments"), required=False)

    field_order = ["body", "attachments"]


class InvitationForm(forms.Form):
    authorities = forms.TypedMultipleChoiceField(
        label=_("Authorities to invite"), coerce=int, widget=forms.SelectMultiple(attrs={"size": 5})
    )

    def __init__(self, *args: Any, authorities: Iterable[Authority] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["authorities"].choices = _authority_choices(authorities)  # type: ignore[attr-defined]


class ConversionForm(OnceForm, NotedFields):
    """What the request needs that the consultation lacks (the noted fields, filled in)."""

    requested_authority = forms.TypedChoiceField(label=_("Requested authority"), coerce=int)
    requesting_reference = forms.CharField(label=_("Your reference"), max_length=100, required=False)

    field_order = ["requested_authority", "requesting_reference"]

    def __init__(self, *args: Any, authorities: Iterable[Authority] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["requested_authority"].choices = _authority_choices(authorities)  # type: ignore[attr-defined]
