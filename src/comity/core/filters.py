"""django-filter's FilterSet, made cheap to build for each request.

django-filter deep-copies every declared filter for each FilterSet, builds a new form class with
new fields for each one, and Django deep-copies every field, choices included, for each form: for
the request list's fourteen filters that was hundreds of deep copies at every call. Here the form class is built once per language (labels and country names are
translated), each filter and field is copied one level deep (their declarations, choices
included, are never changed after start-up), and selects and inputs are rendered in Python
(`fast_widget`).
"""

import copy
from typing import Any, ClassVar

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from comity.core.forms import fast_widget
from comity.core.templatetags.form_fields import form_fields

FormClass = type[forms.Form]


class _FiltersCopiedShallow(dict):
    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, django_filters.Filter]:
        copies = {}
        for name, declared in self.items():
            copied = copy.copy(declared)
            if declared.method is not None:
                # A method filter calls its filter's parent FilterSet: bind it to the copy.
                copied.method = declared.method
            copies[name] = copied
        return copies


class _FieldsCopiedShallow(dict):
    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, forms.Field]:
        # Field.__deepcopy__ copies the widget, messages and validators; ChoiceField's own
        # override would also deep-copy the choices.
        return {name: forms.Field.__deepcopy__(field, memo) for name, field in self.items()}  # type: ignore[attr-defined]


# How many filter bars `FilterSet.fields_html` keeps per process (each about 14 KB).
FIELDS_HTML_KEPT = 256


class FilterSet(django_filters.FilterSet):
    """A list's filters for one user (`user`: whose authority's view they filter; the filters that
    depend on it, such as a request's direction, read it). Selectors build them (see
    `cooperation.selectors.request_filters`); no filter set is built from an HTTP request."""

    _form_classes: ClassVar[dict[tuple[type, str], FormClass]] = {}
    _fields_html: ClassVar[dict[tuple[Any, ...], SafeString]] = {}

    def __init__(
        self, data: Any = None, queryset: Any = None, *, user: Any, prefix: str | None = None
    ) -> None:
        super().__init__(data, queryset, prefix=prefix)
        self.user = user

    @classmethod
    def get_filters(cls) -> dict[str, django_filters.Filter]:
        return _FiltersCopiedShallow(super().get_filters())

    def get_form_class(self) -> FormClass:
        key = (type(self), get_language() or "")
        form_class = self._form_classes.get(key)
        if form_class is None:
            form_class = super().get_form_class()
            for field in form_class.base_fields.values():
                field.widget = fast_widget(field.widget)
            form_class.base_fields = _FieldsCopiedShallow(form_class.base_fields)
            self._form_classes[key] = form_class
        return form_class

    def fields_html(self) -> SafeString:
        """The filter bar's fields as HTML (`{% form_fields %}`), kept per filter set, language and
        the filters' values: with fixed vocabularies for choices (the States among them), the same
        values give the same HTML, which is costly to render at every page.
        A filter set with choices read from the database is rendered each time."""
        if any(
            isinstance(f, django_filters.ModelChoiceFilter | django_filters.ModelMultipleChoiceFilter)
            for f in self.base_filters.values()
        ):
            return form_fields(self.form)
        data = self.data
        values = tuple(
            (name, tuple(data.getlist(name)) if hasattr(data, "getlist") else (data.get(name),))
            for name in self.base_filters
        )
        key = (type(self), get_language() or "", values)
        html = self._fields_html.get(key)
        if html is None:
            if len(self._fields_html) >= FIELDS_HTML_KEPT:
                self._fields_html.clear()
            html = self._fields_html[key] = form_fields(self.form)
        return html

    def described(self, leave_out: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
        """The filters applied, as (label, value) a reader understands: a choice by its label, a
        date in ISO form. For a report that says what its figures cover."""
        form = self.form
        if not form.is_valid():
            return []
        shown = []
        for name, field in form.fields.items():
            value = form.cleaned_data.get(name)
            if name in leave_out or value in (None, ""):
                continue
            labels = dict(getattr(field, "choices", ()))
            shown.append((str(field.label), str(labels.get(str(value), value))))
        return shown


def valid_filters(filterset: django_filters.FilterSet) -> QuerySet:
    """The queryset a list's filters select, or a ValidationError (422) naming each bad filter."""
    if not filterset.is_valid():
        raise ValidationError(
            {field: [e["message"] for e in errs] for field, errs in filterset.errors.get_json_data().items()}
        )
    return filterset.qs
