"""The forms of the guided drafting pages, one per step. Each gives the service the fields of its
step under the API's names (`form.changes()`), so the service checks the pages' input as it
checks the API's."""

from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from comity.cooperation.choices import SubjectKind
from comity.core.forms import UploadField
from comity.drafting.choices import DraftType
from comity.drafting.models import Draft
from comity.guidance.choices import ConductElement
from comity.reference.choices import LegalBasis, Measure, Offence, Proceeding
from comity.reference.countries import country_choices

BLANK: list[tuple[Any, Any]] = [("", "—")]
PERSON_ROWS_FREE = 2


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class NewDraftForm(forms.Form):
    type = forms.ChoiceField(label=_("Type of request"), choices=DraftType.choices)
    requested_country = forms.ChoiceField(label=_("Requested State"), choices=())
    consultation = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["requested_country"]).choices = BLANK + country_choices()

    def changes(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if data.get("consultation") is None:
            data.pop("consultation", None)
        return data


class AddresseeForm(forms.Form):
    requested_country = forms.ChoiceField(label=_("Requested State"), choices=())
    requested_authority = forms.TypedChoiceField(
        label=_("Requested authority"), choices=(), coerce=int, empty_value=None, required=False
    )
    legal_basis = forms.ChoiceField(
        label=_("Legal basis"), choices=BLANK + LegalBasis.choices, required=False
    )
    language = forms.CharField(
        label=_("Language of the request"),
        max_length=8,
        required=False,
        help_text=_("ISO 639-1 code: de, en, es, fr..."),
    )
    proceeding = forms.ChoiceField(label=_("Proceeding"), choices=Proceeding.choices)

    def __init__(self, *args: Any, authorities: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["requested_country"]).choices = BLANK + country_choices()
        cast(forms.ChoiceField, self.fields["requested_authority"]).choices = BLANK + authorities

    def changes(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class FactsForm(forms.Form):
    facts = forms.CharField(
        label=_("Summary of the facts"), widget=forms.Textarea(attrs={"rows": 8}), required=False
    )
    offences = forms.MultipleChoiceField(
        label=_("Offences"), choices=Offence.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    conduct = forms.MultipleChoiceField(
        label=_("Conduct"),
        choices=ConductElement.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("What was done, whatever the offence is called: how dual criminality is judged."),
    )
    law = forms.CharField(
        label=_("Applicable law and penalties"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def changes(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class MeasuresForm(forms.Form):
    """The measures, and for each measure chosen the elements the requested State's profile asks."""

    measures = forms.MultipleChoiceField(
        label=_("Measures"), choices=Measure.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args: Any, draft: Draft, profile: dict[str, Any] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.element_fields: list[tuple[str, str, str]] = []
        sections = (profile or {}).get("measures") or {}
        for measure in draft.measures:
            for element in (sections.get(measure) or {}).get("elements", []):
                name = f"element__{measure}__{element['code']}"
                self.fields[name] = forms.CharField(
                    label=element["label"],
                    required=False,
                    max_length=2000,
                    initial=(draft.elements.get(measure) or {}).get(element["code"], ""),
                    widget=forms.Textarea(attrs={"rows": 2}),
                    help_text=_("Required") if element["level"] == "required" else _("Advised"),
                )
                self.element_fields.append((name, measure, element["code"]))

    def changes(self) -> dict[str, Any]:
        elements: dict[str, dict[str, str]] = {}
        for name, measure, code in self.element_fields:
            elements.setdefault(measure, {})[code] = self.cleaned_data.get(name, "")
        return {"measures": self.cleaned_data["measures"], "elements": elements}


class PersonsForm(forms.Form):
    """The persons and companies concerned: one row each, two empty rows for new ones."""

    def __init__(self, *args: Any, persons: list[dict[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows: list[list[str]] = []
        for index in range(len(persons) + PERSON_ROWS_FREE):
            person = persons[index] if index < len(persons) else {}
            names = [f"kind_{index}", f"name_{index}", f"identifiers_{index}", f"country_{index}"]
            self.fields[names[0]] = forms.ChoiceField(
                label=_("Kind"), choices=SubjectKind.choices, initial=person.get("kind", SubjectKind.NATURAL)
            )
            self.fields[names[1]] = forms.CharField(
                label=_("Name"), required=False, max_length=200, initial=person.get("name", "")
            )
            self.fields[names[2]] = forms.CharField(
                label=_("Identifiers"), required=False, max_length=500, initial=person.get("identifiers", "")
            )
            self.fields[names[3]] = forms.ChoiceField(
                label=_("Country"),
                required=False,
                choices=BLANK + country_choices(),
                initial=person.get("country", ""),
            )
            self.rows.append(names)

    def bound_rows(self) -> list[list[forms.BoundField]]:
        return [[self[name] for name in row] for row in self.rows]

    def changes(self) -> dict[str, Any]:
        persons = []
        for kind, name, identifiers, country in self.rows:
            if self.cleaned_data.get(name, "").strip():
                persons.append(
                    {
                        "kind": self.cleaned_data[kind],
                        "name": self.cleaned_data[name],
                        "identifiers": self.cleaned_data.get(identifiers, ""),
                        "country": self.cleaned_data.get(country, ""),
                    }
                )
        return {"persons": persons}


class HandlingForm(forms.Form):
    confidential = forms.BooleanField(label=_("Confidential"), required=False)
    confidentiality_note = forms.CharField(
        label=_("What must be kept confidential, and from whom"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=500,
    )
    urgent = forms.BooleanField(label=_("Urgent"), required=False)
    urgency_reason = forms.CharField(
        label=_("Reason for urgency"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=500,
    )
    deadline = forms.DateField(
        label=_("Deadline"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    contact = forms.CharField(
        label=_("Contact person"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=500,
        help_text=_("Name, position, telephone and e-mail."),
    )

    def changes(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class AttachmentsForm(forms.Form):
    attachments = forms.CharField(
        label=_("Documents enclosed"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text=_("One title a line: the letter's checklist annex."),
    )

    def changes(self) -> dict[str, Any]:
        return {"attachments": _lines(self.cleaned_data["attachments"])}


class FileForm(forms.Form):
    """A file to enclose, and how the annex names it; the service checks its type from its bytes."""

    file = UploadField(
        label=_("File"),
        limit=lambda: settings.COMITY_ATTACHMENT_MAX_BYTES,
        help_text=_("PDF, Word, Excel, OpenDocument, PNG, JPEG or text."),
    )
    title = forms.CharField(label=_("Title in the annex"), required=False, max_length=300,
                            help_text=_("For example: Freezing order of 3 March 2026, certified."))  # fmt: skip


class ShareForm(forms.Form):
    user = forms.TypedChoiceField(label=_("Colleague"), choices=(), coerce=int)

    def __init__(self, *args: Any, colleagues: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["user"]).choices = colleagues
