"""Form helpers shared by every app's pages."""

import secrets
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.http import QueryDict
from django.utils.choices import BaseChoiceIterator, normalize_choices
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from comity.core.files import FileInput, size_problem


def add_service_errors(
    form: forms.Form, error: ValidationError, aliases: dict[str, str] | None = None
) -> None:
    """Show a service's per-field errors on the form's fields (or above the form)."""
    aliases = aliases or {}
    for field, messages in (
        error.message_dict.items() if hasattr(error, "error_dict") else [("__all__", error.messages)]
    ):
        target = aliases.get(field, field)
        for message in messages:
            form.add_error(target if target in form.fields else None, message)


class ChoicesOfLanguage(BaseChoiceIterator):
    """A field's choices that change with the reader's language only (the States by name), made
    by `make` once per language and kept as Django normalises them. Given a callable, Django calls
    it and normalises its choices at every iteration, and a form iterates over them to validate
    a value and again to render its <select>: for the 250 States that cost more than the rest of
    the form."""

    def __init__(self, make: Callable[[], Iterable[tuple[Any, Any]]]) -> None:
        self.make = make
        self.made: dict[str, list[tuple[Any, Any]]] = {}

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        language = get_language() or ""
        choices = self.made.get(language)
        if choices is None:
            choices = self.made[language] = normalize_choices(list(self.make()))
        return iter(choices)

    def __deepcopy__(self, memo: dict[int, Any]) -> "ChoicesOfLanguage":
        return self  # each form's copy of the field shares the choices made


class FastSelect(forms.Select):
    """A <select> rendered in Python, for choices fixed in each language (States, codes): Django
    renders each <option> through a template, which made the 250-country filters weigh on every list
    page. The options' HTML is made once per language and kept with the choices (a form's
    copy of its fields shares it; setting other choices drops it); only the selected ones are
    marked at each rendering."""

    @property
    def choices(self) -> Any:
        return forms.Select.choices.fget(self)  # type: ignore[attr-defined]

    @choices.setter
    def choices(self, value: Any) -> None:
        # Django's setter normalises the choices; other choices need their options made anew.
        forms.Select.choices.fset(self, value)  # type: ignore[attr-defined]
        self._options: dict[str, list[tuple[str, str]]] = {}

    def __deepcopy__(self, memo: dict[int, Any]) -> "FastSelect":
        copied = super().__deepcopy__(memo)
        copied._options = self._options  # a copy of the same choices
        return copied

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        selected = {str(v) for v in (value if isinstance(value, list | tuple) else [value]) if v is not None}
        language = get_language() or ""
        options = self._options.get(language)
        if options is None:
            options = self._options[language] = [
                (str(key), format_html('<option value="{}">{}</option>', key, label))
                for key, label in self.choices
            ]
        html = "".join(
            option.replace('">', '" selected>', 1) if key in selected else option for key, option in options
        )
        final = self.build_attrs(self.attrs, attrs)
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(final), mark_safe(html))


class _FastInput(forms.widgets.Input):
    """An <input> rendered in Python, as Django's input.html template would (a template per
    input weighed on every list page)."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        value_html = format_html(' value="{}"', widget["value"]) if widget["value"] is not None else ""
        return format_html(
            '<input type="{}" name="{}"{}{}>', widget["type"], name, value_html, flatatt(widget["attrs"])
        )


class FastTextInput(_FastInput, forms.TextInput):
    pass


class FastDateInput(_FastInput, forms.DateInput):
    pass


def fast_widget(widget: forms.Widget) -> forms.Widget:
    """The Python-rendered equivalent of a plain <select>, text or date input; other widgets as they are."""
    kind = type(widget)
    if kind is forms.Select:
        return FastSelect(attrs=widget.attrs, choices=widget.choices)  # type: ignore[attr-defined]
    # An input keeps its type out of its attrs (a date filter is a text input of type "date").
    attrs = {**widget.attrs, "type": getattr(widget, "input_type", None)}
    if kind is forms.TextInput:
        return FastTextInput(attrs=attrs)
    if kind is forms.DateInput:
        return FastDateInput(attrs=attrs, format=widget.format)  # type: ignore[attr-defined]
    return widget


def new_form_token() -> str:
    return secrets.token_urlsafe(18)


def is_form_token(value: str) -> bool:
    return 16 <= len(value) <= 64


class OnceForm(forms.Form):
    """A form that creates something, and must create it once: it carries a one-time token, made
    when the form is shown, that the view hands to `core.services.submit_once` with the service.
    Submitting it again (a double click, or after the browser's Back button) finds the token used.

    A post without a valid token (a form from before tokens, or forged) is refused, with a fresh
    token to submit again with. `token` is the one a page's address gave (see
    `core.http.address_form_token`); without it, each showing of the form makes its own.
    """

    form_token = forms.CharField(
        widget=forms.HiddenInput,
        initial=new_form_token,
        min_length=16,
        max_length=64,
        error_messages={"required": _("This form is out of date: check it and submit it again.")},
    )

    def __init__(self, *args: Any, token: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if token:
            self.fields["form_token"].initial = token
        posted = self.data.get(self.add_prefix("form_token"), "") if self.is_bound else ""
        self.token_missing = self.is_bound and not is_form_token(posted)
        if self.token_missing:
            # Shown again, the form carries a token to be submitted with.
            data = self.data.copy() if isinstance(self.data, QueryDict) else dict(self.data)
            data[self.add_prefix("form_token")] = new_form_token()
            self.data = data

    def clean(self) -> dict[str, Any] | None:
        if self.token_missing:
            raise forms.ValidationError(self.fields["form_token"].error_messages["required"])
        return super().clean()


class UploadField(forms.FileField):
    """A file as a FileInput (its name and bytes) for a service to check, read only when its size is
    within `limit` bytes (a callable, so that a setting changed in tests is read at each use): a
    larger one is refused by its size without being read into memory."""

    def __init__(self, *args: Any, limit: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_empty_file", True)  # the service names an empty file itself
        super().__init__(*args, **kwargs)
        self.limit = limit

    def clean(self, data: Any, initial: Any = None) -> FileInput | None:
        uploaded = super().clean(data, initial)
        if not uploaded:
            return None
        name = FileInput(uploaded.name or "", b"").base_name
        problem = size_problem(name, uploaded.size or 0, self.limit()) if uploaded.size else None
        if problem is not None:
            raise ValidationError(problem)
        return FileInput(name=uploaded.name or "", content=uploaded.read())
