"""The forms that edit a profile: its general requirements, one measure's section and its
elements. Each field is three inputs, its value, its source and the day it was last confirmed;
the service checks the whole (pages and API and imports say the same) and its errors, by path in
the document, are shown beside the input they are about."""

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from comity.core.forms import UploadField
from comity.core.limits import max_length
from comity.guidance.choices import (
    Authentication,
    Channel,
    ConductElement,
    DocumentKind,
    DualCriminality,
    DualCriminalityTest,
    ElementLevel,
    GeneralRequirement,
    SectionPart,
    Subject,
)
from comity.guidance.models import LibraryDocument
from comity.guidance.schemas import ELEMENTS_MAX, LABEL_MAX, OFFENCES_MAX, SOURCE_MAX, TEXT_MAX
from comity.guidance.services import REMOVE_FILE
from comity.reference.choices import LegalBasis, Measure, Offence, RefusalGround, RequestType

SOURCE, CONFIRMED = "source", "confirmed_on"
UNKNOWN = [("", _("Not known"))]
YES_NO = [*UNKNOWN, ("yes", _("Yes")), ("no", _("No"))]


def _checkboxes(choices: Any) -> forms.Field:
    return forms.MultipleChoiceField(choices=choices, required=False, widget=forms.CheckboxSelectMultiple)


def _text() -> forms.Field:
    return forms.CharField(
        required=False, max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"})
    )


def _value_field(key: str) -> forms.Field:
    if key == GeneralRequirement.LEGAL_BASES:
        return _checkboxes(LegalBasis.choices)
    if key == GeneralRequirement.CHANNELS:
        return _checkboxes(Channel.choices)
    if key == GeneralRequirement.AUTHENTICATION:
        return _checkboxes(Authentication.choices)
    if key == GeneralRequirement.GROUNDS:
        return _checkboxes(RefusalGround.choices)
    if key == GeneralRequirement.DUAL_CRIMINALITY:
        return forms.ChoiceField(choices=UNKNOWN + DualCriminality.choices, required=False)
    if key == GeneralRequirement.DUAL_CRIMINALITY_TEST:
        return forms.ChoiceField(choices=UNKNOWN + DualCriminalityTest.choices, required=False)
    if key in (GeneralRequirement.CERTIFIED_TRANSLATION, GeneralRequirement.NCB_CONFISCATION):
        return forms.ChoiceField(choices=YES_NO, required=False)
    if key == GeneralRequirement.LANGUAGES:
        return forms.CharField(
            required=False,
            max_length=200,
            help_text=_("ISO 639-1 codes separated by commas: de, fr, it"),
        )
    return _text()


class SourcedFields(forms.Form):
    """Fields of a document, each with `<key>` (its value), `<key>__source` and `<key>__confirmed_on`."""

    keys: list[tuple[str, str]] = []

    def __init__(self, *args: Any, entries: dict[str, Any] | None = None, **kwargs: Any) -> None:
        initial: dict[str, Any] = {}
        for key, entry in (entries or {}).items():
            initial[key] = self._initial(key, entry["value"])
            initial[f"{key}__{SOURCE}"] = entry["source"]
            initial[f"{key}__{CONFIRMED}"] = entry["confirmed_on"]
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        for key, label in self.keys:
            self.fields[key] = self._field(key)
            self.fields[key].label = label
            self.fields[f"{key}__{SOURCE}"] = forms.CharField(
                label=_("Source"),
                required=False,
                max_length=SOURCE_MAX,
                widget=forms.TextInput(attrs={"dir": "auto"}),
            )
            self.fields[f"{key}__{CONFIRMED}"] = forms.DateField(
                label=_("Last confirmed"), required=False, widget=forms.DateInput(attrs={"type": "date"})
            )

    def _field(self, key: str) -> forms.Field:
        return _text()

    @staticmethod
    def _initial(key: str, value: Any) -> Any:
        if isinstance(value, bool):
            return "yes" if value else "no"
        if key == GeneralRequirement.LANGUAGES:
            return ", ".join(value)
        return value

    @staticmethod
    def _value(key: str, raw: Any) -> Any:
        if key in (GeneralRequirement.CERTIFIED_TRANSLATION, GeneralRequirement.NCB_CONFISCATION):
            return {"yes": True, "no": False}.get(raw)
        if key == GeneralRequirement.LANGUAGES:
            return [code.strip() for code in raw.split(",") if code.strip()] or None
        return raw or None

    def entries(self) -> dict[str, Any]:
        """The fields given, as the document holds them; a field without a value is left out (not
        known), and one with a value but no source or date is sent as it is, for the service to say so."""
        found: dict[str, Any] = {}
        for key, _label in self.keys:
            value = self._value(key, self.cleaned_data.get(key))
            if value is None:
                continue
            day = self.cleaned_data.get(f"{key}__{CONFIRMED}")
            found[key] = {
                "value": value,
                "source": self.cleaned_data.get(f"{key}__{SOURCE}", "").strip(),
                "confirmed_on": day.isoformat() if day else None,
            }
        return found

    def rows(self) -> list[tuple[forms.BoundField, forms.BoundField, forms.BoundField]]:
        """Each field's three inputs, for the template."""
        return [
            (self[key], self[f"{key}__{SOURCE}"], self[f"{key}__{CONFIRMED}"]) for key, _label in self.keys
        ]

    def show_errors(self, error: ValidationError, prefix: str) -> None:
        """The service's errors (by path: `general.languages.value.1`) beside the input they are about."""
        for path, messages in error.message_dict.items():
            parts = path.split(".")
            target = None
            if len(parts) > 1 and parts[0] == prefix:
                key = parts[1]
                part = parts[2] if len(parts) > 2 else ""
                target = f"{key}__{part}" if part in (SOURCE, CONFIRMED) else key
            for message in messages:
                self.add_error(target if target in self.fields else None, message)


class GeneralForm(SourcedFields):
    keys = [(key, str(label)) for key, label in GeneralRequirement.choices]

    def _field(self, key: str) -> forms.Field:
        return _value_field(key)


class SectionForm(SourcedFields):
    keys = [(key, str(label)) for key, label in SectionPart.choices]


class ElementForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40, required=False)
    label = forms.CharField(
        label=_("Element"),
        max_length=LABEL_MAX,
        required=False,
        widget=forms.TextInput(attrs={"dir": "auto"}),
    )
    level = forms.ChoiceField(label=_("Level"), choices=ElementLevel.choices, required=False)
    source = forms.CharField(
        label=_("Source"),
        max_length=SOURCE_MAX,
        required=False,
        widget=forms.TextInput(attrs={"dir": "auto"}),
    )
    confirmed_on = forms.DateField(
        label=_("Last confirmed"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Shown in a table under column headings: each input still says what it is.
        for field in self.fields.values():
            field.widget.attrs["aria-label"] = str(field.label)

    def given(self) -> bool:
        data = self.cleaned_data
        return bool(data.get("code") or data.get("label") or data.get("source"))

    def element(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "code": data.get("code", ""),
            "label": data.get("label", "").strip(),
            "level": data.get("level", ""),
            "source": data.get("source", "").strip(),
            "confirmed_on": data["confirmed_on"].isoformat() if data.get("confirmed_on") else None,
        }


ElementFormSet = formset_factory(ElementForm, extra=3, max_num=ELEMENTS_MAX, absolute_max=ELEMENTS_MAX)


class DualCriminalityForm(forms.Form):
    """A case to assess. Nothing is required here: guidance.assessment.case_from checks the whole
    case, so the page names every problem at once, in the API's words."""

    requesting_country = forms.ChoiceField(label=_("Requesting State"), choices=(), required=False)
    requested_country = forms.ChoiceField(label=_("Requested State"), choices=(), required=False)
    type = forms.ChoiceField(
        label=_("Type of request"),
        choices=[
            (RequestType.MLA, RequestType.MLA.label),
            (RequestType.EXTRADITION, RequestType.EXTRADITION.label),
        ],
        initial=RequestType.MLA,
        required=False,
    )
    offences = forms.MultipleChoiceField(
        label=_("Offences in the requesting State"),
        choices=Offence.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    measures = forms.MultipleChoiceField(
        label=_("Measures asked"),
        choices=Measure.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    conduct = forms.MultipleChoiceField(
        label=_("What the person did"),
        help_text=_(
            "Dual criminality is judged by the conduct, not the name of the offence (UNCAC art. 43(2))."
        ),
        choices=ConductElement.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    subject = forms.ChoiceField(
        label=_("The request is about"), choices=Subject.choices, initial=Subject.NATURAL_PERSON,
        required=False, widget=forms.RadioSelect,
    )  # fmt: skip

    def __init__(self, *args: Any, countries: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "—"), *countries]
        for name in ("requesting_country", "requested_country"):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = choices

    def show_errors(self, error: ValidationError) -> None:
        for field, messages in error.message_dict.items():
            self.add_error(field if field in self.fields else None, messages)


class OffenceForm(forms.Form):
    """One national offence on the page that edits a State's list; the service checks it."""

    name = forms.CharField(label=_("Offence"), max_length=LABEL_MAX, required=False)
    statute = forms.CharField(label=_("Statute"), max_length=LABEL_MAX, required=False)
    article = forms.CharField(label=_("Article"), max_length=60, required=False)
    max_penalty = forms.CharField(label=_("Maximum penalty"), max_length=200, required=False)
    legal_persons_liable = forms.BooleanField(label=_("Legal persons can be liable"), required=False)
    conduct = forms.MultipleChoiceField(
        label=_("Conduct it covers"),
        choices=ConductElement.choices,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    source = forms.CharField(label=_("Source"), max_length=SOURCE_MAX, required=False)
    confirmed_on = forms.DateField(
        label=_("Last confirmed"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name not in ("legal_persons_liable", "conduct", "confirmed_on"):
                field.widget.attrs["dir"] = "auto"

    def given(self) -> bool:
        data = self.cleaned_data
        return any(data.get(name) for name in ("name", "statute", "article", "conduct", "source"))

    def offence(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            **{
                name: data.get(name, "").strip()
                for name in ("name", "statute", "article", "max_penalty", "source")
            },
            "legal_persons_liable": bool(data.get("legal_persons_liable")),
            "conduct": list(data.get("conduct", [])),
            "confirmed_on": data["confirmed_on"].isoformat() if data.get("confirmed_on") else None,
        }


OffenceFormSet = formset_factory(OffenceForm, extra=2, max_num=OFFENCES_MAX, absolute_max=OFFENCES_MAX)


# Knowledge library (#23 item 3) -----------------------------------------------------------------


class LibrarySearchForm(forms.Form):
    """The library's search: words, and filters; the selector checks them (a 422 names the field)."""

    q = forms.CharField(
        label=_("Words"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "dir": "auto"}),
    )
    country = forms.ChoiceField(label=_("State"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", "—"), *DocumentKind.choices])
    language = forms.CharField(
        label=_("Language"), required=False, max_length=8, help_text=_("ISO 639-1 code: en, es, fr")
    )
    measure = forms.ChoiceField(label=_("Measure"), required=False, choices=[("", "—"), *Measure.choices])  # fmt: skip

    def __init__(self, *args: Any, countries: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["country"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—"), *countries]

    def show_errors(self, error: ValidationError) -> None:
        for field, messages in error.message_dict.items():
            self.add_error(field if field in self.fields else None, messages)


class LibraryDocumentForm(forms.Form):
    """A document of the library and its file; the service checks the whole (the type of the file
    from its bytes) and names each field that is wrong."""

    title = forms.CharField(
        label=_("Title"),
        max_length=max_length(LibraryDocument, "title"),
        widget=forms.TextInput(attrs={"dir": "auto"}),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices)
    language = forms.CharField(label=_("Language"), max_length=8, help_text=_("ISO 639-1 code: en, es, fr"))
    issued_on = forms.DateField(
        label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    source_url = forms.CharField(
        label=_("Source link"),
        required=False,
        max_length=max_length(LibraryDocument, "source_url"),
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=max_length(LibraryDocument, "description"),
        widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
    )
    measures = forms.MultipleChoiceField(
        label=_("Measures it is about"),
        choices=Measure.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    file = UploadField(
        label=_("File"),
        required=False,
        limit=lambda: settings.COMITY_LIBRARY_MAX_BYTES,
        help_text=_("PDF, Word, Excel, OpenDocument, PNG, JPEG or text; its words are searched."),
    )
    remove_file = forms.BooleanField(label=_("Remove the file"), required=False)  # fmt: skip

    def __init__(self, *args: Any, has_file: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not has_file:
            del self.fields["remove_file"]

    def values(self) -> dict[str, Any]:
        """The fields as the service takes them (`file`: a FileInput, REMOVE_FILE, or absent)."""
        data = dict(self.cleaned_data)
        upload = data.pop("file", None)
        if data.pop("remove_file", False) and upload is None:
            data["file"] = REMOVE_FILE
        elif upload is not None:
            data["file"] = upload
        return data
