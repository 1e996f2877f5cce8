"""Pages of requirement profiles, under /guidance/. Thin: parse, call a selector or a service,
render. To whoever reads no case they do not exist (404); the edit pages exist only for the
officials of the profile's own State (404 to any other)."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from comity.accounts.http import AuthedRequest, case_reader_required
from comity.core.forms import add_service_errors
from comity.core.http import download_response
from comity.core.pagination import numbered_page, query_without
from comity.guidance import selectors, services
from comity.guidance.assessment import NOTICE, case_from
from comity.guidance.choices import ConductElement, EawCategory, GeneralRequirement, SectionPart
from comity.guidance.crosswalk import crosswalk
from comity.guidance.forms import (
    DualCriminalityForm,
    ElementFormSet,
    GeneralForm,
    LibraryDocumentForm,
    LibrarySearchForm,
    OffenceFormSet,
    SectionForm,
)
from comity.guidance.management.commands.guidance import export_text
from comity.guidance.models import LibraryDocument
from comity.reference.choices import Measure, Offence
from comity.reference.countries import country_choices

MEASURE_LABELS = dict(Measure.choices)


def _sections(document: dict[str, Any], measure: str) -> list[dict[str, Any]]:
    """The measures' sections in the vocabulary's order (only `measure`'s when given)."""
    sections = document.get("measures", {})
    return [
        {"code": code, "label": MEASURE_LABELS[code], "section": sections[code]}
        for code in Measure.values
        if code in sections and (not measure or code == measure)
    ]


@case_reader_required
def profile_list(request: AuthedRequest) -> HttpResponse:
    profiles = list(selectors.profiles_visible_to(request.user))
    own = request.user.authority.country if request.user.authority else ""
    return render(
        request,
        "guidance/profile_list.html",
        {
            "profiles": profiles,
            "measures": Measure.choices,
            "own_country": own,
            "edits_own": selectors.edits_profile_of(request.user, own),
            "has_own": any(p.country == own for p in profiles),
        },
    )


@case_reader_required
def profile_detail(request: AuthedRequest, country: str) -> HttpResponse:
    profile = selectors.profile_detail(request.user, country.upper())
    measure = request.GET.get("measure", "")
    if measure and measure not in MEASURE_LABELS:
        measure = ""
    general = profile.document.get("general", {})
    described = profile.document.get("measures", {})
    library = selectors.library_of(request.user, profile.country)
    return render(
        request,
        "guidance/profile_detail.html",
        {
            "profile": profile,
            "library": library,
            "library_of": {
                item["code"]: [d for d in library if item["code"] in d.measures]
                for item in _sections(profile.document, measure)
            },
            "measure": measure,
            "general": [(key, label, general.get(key)) for key, label in GeneralRequirement.choices],
            "parts": SectionPart.choices,
            "sections": _sections(profile.document, measure),
            "present": [(code, label) for code, label in Measure.choices if code in described],
            "missing": [(code, label) for code, label in Measure.choices if code not in described],
            "edits": selectors.edits_profile_of(request.user, profile.country),
            "offences": selectors.national_offences_of(request.user, profile.country),
            "conduct_labels": dict(ConductElement.choices),
        },
    )


@case_reader_required
def profile_export(request: AuthedRequest, country: str) -> HttpResponse:
    profile = selectors.profile_detail(request.user, country.upper())
    response = HttpResponse(export_text(profile), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = (
        content_disposition_header(True, f"profile-{profile.country}.json") or "attachment"
    )
    return response


@case_reader_required
def profile_history(request: AuthedRequest, country: str) -> HttpResponse:
    versions = selectors.profile_versions(request.user, country.upper())
    return render(
        request,
        "guidance/profile_history.html",
        {"versions": versions, "country": country.upper()},
    )


@case_reader_required
@require_http_methods(["GET", "POST"])
def general_edit(request: AuthedRequest, country: str) -> HttpResponse:
    code = country.upper()
    profile = selectors.profile_for_edit(request.user, code)
    current = profile.document.get("general", {}) if profile else {}
    form = GeneralForm(request.POST or None, entries=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update_general(actor=request.user, country=code, general=form.entries())
        except ValidationError as error:
            form.show_errors(error, "general")
        else:
            messages.success(request, _("General requirements saved."))
            return redirect("guidance-profile", country=code)
    return render(
        request,
        "guidance/general_form.html",
        {"form": form, "country": code, "profile": profile},
        status=422 if form.errors else 200,
    )


@case_reader_required
@require_http_methods(["GET", "POST"])
def section_edit(request: AuthedRequest, country: str, measure: str) -> HttpResponse:
    code = country.upper()
    profile = selectors.profile_for_edit(request.user, code)
    if measure not in MEASURE_LABELS:
        raise Http404
    current = (profile.document.get("measures", {}).get(measure, {}) if profile else {}) or {}
    data = request.POST or None
    form = SectionForm(data, entries={k: v for k, v in current.items() if k != "elements"}, prefix="part")
    elements = ElementFormSet(data, initial=current.get("elements", []), prefix="elements")
    if request.method == "POST" and "remove" in request.POST:
        try:
            services.profile_update_section(actor=request.user, country=code, measure=measure, section=None)
        except ValidationError as error:
            form.show_errors(error, "measures")
        else:
            messages.success(request, _("Section removed."))
            return redirect("guidance-profile", country=code)
    elif request.method == "POST" and form.is_valid() and elements.is_valid():
        rows = [row for row in elements if row.given()]
        section = {**form.entries(), "elements": [row.element() for row in rows]}
        try:
            services.profile_update_section(
                actor=request.user, country=code, measure=measure, section=section
            )
        except ValidationError as error:
            _show_section_errors(error, measure, form, rows)
        else:
            messages.success(request, _("Section saved."))
            return redirect(f"/guidance/{code}/?measure={measure}#{measure}")
    invalid = bool(form.errors) or any(row.errors for row in elements) or bool(elements.non_form_errors())
    return render(
        request,
        "guidance/section_form.html",
        {"form": form, "elements": elements, "country": code, "measure": measure,
         "measure_label": MEASURE_LABELS[measure], "profile": profile, "exists": bool(current)},
        status=422 if invalid else 200,
    )  # fmt: skip


def _show_section_errors(error: ValidationError, measure: str, form: SectionForm, rows: list[Any]) -> None:
    """Errors of the section beside their part, or the element row they are about (its position
    among the rows given, which is what the service numbered)."""
    under = f"measures.{measure}."
    for path, messages_ in error.message_dict.items():
        rest = path[len(under) :].split(".") if path.startswith(under) else []
        if rest[:1] == ["elements"] and len(rest) >= 2 and rest[1].isdigit() and int(rest[1]) < len(rows):
            row = rows[int(rest[1])]
            field = rest[2] if len(rest) > 2 and rest[2] in row.fields else None
            for message in messages_:
                row.add_error(field, message)
        else:
            form.show_errors(ValidationError({path.replace(under, "part.", 1): messages_}), "part")


@case_reader_required
def compare(request: AuthedRequest) -> HttpResponse:
    countries = [c.upper() for c in request.GET.getlist("countries") if c]
    measure = request.GET.get("measure", "")
    if measure not in MEASURE_LABELS:
        measure = ""
    profiles = list(selectors.profiles_visible_to(request.user))
    result = None
    problem = ""
    # One State is how a profile's "Compare with other States" link starts the form: no problem yet.
    if len(countries) > 1:
        if not len(countries) <= 3 or len(set(countries)) != len(countries):
            problem = _("Choose two or three different States.")
        else:
            result = selectors.comparison(request.user, countries, measure or None)
    return render(
        request,
        "guidance/compare.html",
        {
            "profiles": profiles,
            "countries": countries,
            "slots": (countries + ["", "", ""])[:3],
            "measure": measure,
            "measure_label": MEASURE_LABELS.get(measure, ""),
            "measures": Measure.choices,
            "result": result,
            "demonstration": [p for p in result.profiles if p.demonstration] if result else [],
            "problem": problem,
            "names": dict(country_choices()),
        },
        status=422 if problem else 200,
    )


@case_reader_required
def dual_criminality(request: AuthedRequest) -> HttpResponse:
    """The assessment's form and, once a requested State is chosen, its verdict (a GET: it writes
    nothing, and its address can be shared with a colleague)."""
    asked = "requested_country" in request.GET
    own = request.user.authority.country if request.user.authority else ""
    form = DualCriminalityForm(
        request.GET if asked else None,
        initial={"requesting_country": own, "requested_country": request.GET.get("country", "").upper()},
        countries=country_choices(),
    )
    found = None
    if asked and form.is_valid():
        try:
            case = case_from(form.cleaned_data)
        except ValidationError as error:
            form.show_errors(error)
        else:
            found = selectors.dual_criminality(request.user, case)
    conduct_labels = dict(ConductElement.choices)
    return render(
        request,
        "guidance/dual_criminality.html",
        {
            "form": form,
            "found": found,
            "notice": NOTICE,
            "conduct_labels": conduct_labels,
            "demonstration": found is not None
            and any(f.offence.demonstration for f in found.national_offences),
        },
        status=422 if form.errors else 200,
    )


@case_reader_required
def crosswalk_table(request: AuthedRequest) -> HttpResponse:
    table = crosswalk()
    offences, eaw = dict(Offence.choices), dict(EawCategory.choices)
    rows = [
        {"element": element, "offence": offences[element.offence], "eaw": [eaw[code] for code in element.eaw]}
        for element in table.elements.values()
    ]
    return render(request, "guidance/crosswalk.html", {"table": table, "rows": rows})


@case_reader_required
@require_http_methods(["GET", "POST"])
def offences_edit(request: AuthedRequest, country: str) -> HttpResponse:
    """The State's national offences, one block each, and two empty ones to add; a block emptied is
    removed. For the officials of that State (404 to others); saved for its editors only."""
    code = country.upper()
    profile = selectors.profile_for_edit(request.user, code)
    current = selectors.national_offences_document(request.user, code)["offences"]
    rows = OffenceFormSet(request.POST or None, initial=current, prefix="offences")
    problems: list[str] = []  # about the list, not one of its offences
    if request.method == "POST" and rows.is_valid():
        given = [row for row in rows if row.given()]
        try:
            services.national_offences_update(
                actor=request.user, country=code, offences=[row.offence() for row in given]
            )
        except ValidationError as error:
            for path, messages_ in error.message_dict.items():
                parts = path.split(".")
                if (
                    parts[0] == "offences"
                    and len(parts) > 1
                    and parts[1].isdigit()
                    and int(parts[1]) < len(given)
                ):
                    row = given[int(parts[1])]
                    field = parts[2] if len(parts) > 2 and parts[2] in row.fields else None
                    for message in messages_:
                        row.add_error(field, message)
                else:
                    problems.extend(messages_)
        else:
            messages.success(request, _("National offences saved."))
            return redirect(f"/guidance/{code}/#national-offences")
    problems.extend(str(error) for error in rows.non_form_errors())
    invalid = any(row.errors for row in rows) or bool(problems)
    return render(
        request,
        "guidance/offences_form.html",
        {"rows": rows, "problems": problems, "country": code, "profile": profile},
        status=422 if invalid else 200,
    )


# Knowledge library (#23 item 3) -----------------------------------------------------------------

LIBRARY_PAGE = 20


@case_reader_required
def library_search(request: AuthedRequest) -> HttpResponse:
    """The library searched: best matches first when words are given, twenty a page; htmx gets the
    results alone, as the words are typed."""
    form = LibrarySearchForm(request.GET or None, countries=country_choices())
    pager: dict[str, Any] = {"page": None, "query": query_without(request, "page")}
    if form.is_valid() or not request.GET:
        given = form.cleaned_data if request.GET else {}
        try:
            found = selectors.library_search(
                request.user,
                q=given.get("q", "").strip(),
                country=given.get("country", ""),
                kind=given.get("kind", ""),
                language=given.get("language", "").strip().lower(),
                measure=given.get("measure", ""),
            )
        except ValidationError as error:
            form.show_errors(error)
        else:
            pager = numbered_page(request, found, LIBRARY_PAGE)
    own = request.user.authority.country if request.user.authority else ""
    context = {
        "form": form,
        **pager,
        "measure_labels": MEASURE_LABELS,
        "adds": selectors.edits_profile_of(request.user, own),
        "searched": bool(request.GET.get("q", "").strip()),
    }
    template = (
        "guidance/_library_results.html" if request.headers.get("HX-Request") else "guidance/library.html"
    )
    return render(request, template, context, status=422 if form.errors else 200)


def _for_edit(request: AuthedRequest, pk: int) -> LibraryDocument:
    """A document its State's editors change; 404 to anyone else (another State's officials, and
    the same State's without the permission: the page does not exist for them)."""
    document = selectors.library_document_for_edit(request.user, pk)
    if not selectors.edits_profile_of(request.user, document.country):
        raise Http404
    return document


@case_reader_required
def library_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    document = selectors.library_document(request.user, pk)
    return render(
        request,
        "guidance/library_detail.html",
        {
            "document": document,
            "measure_labels": MEASURE_LABELS,
            "edits": selectors.edits_profile_of(request.user, document.country),
        },
    )


@case_reader_required
def library_download(request: AuthedRequest, pk: int) -> HttpResponse:
    document = selectors.library_file(request.user, pk)
    return download_response(bytes(document.content or b""), document.content_type, document.file_name)


@case_reader_required
@require_http_methods(["GET", "POST"])
def library_add(request: AuthedRequest) -> HttpResponse:
    own = request.user.authority.country if request.user.authority else ""
    if not selectors.edits_profile_of(request.user, own):
        raise Http404
    form = LibraryDocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        values = form.values()
        upload = values.pop("file", None)
        try:
            document = services.library_add(actor=request.user, values=values, upload=upload)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Document added to the library."))
            return redirect("guidance-library-document", pk=document.pk)
    return render(
        request,
        "guidance/library_form.html",
        {"form": form, "document": None, "country": own},
        status=422 if form.errors else 200,
    )


@case_reader_required
@require_http_methods(["GET", "POST"])
def library_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    document = _for_edit(request, pk)
    initial = {
        name: getattr(document, name)
        for name in ("title", "kind", "language", "issued_on", "source_url", "description", "measures")
    }
    form = LibraryDocumentForm(
        request.POST or None, request.FILES or None, initial=initial, has_file=document.has_file
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.library_update(actor=request.user, document=document, changes=form.values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Document saved."))
            return redirect("guidance-library-document", pk=document.pk)
    return render(
        request,
        "guidance/library_form.html",
        {"form": form, "document": document, "country": document.country},
        status=422 if form.errors else 200,
    )


@case_reader_required
@require_http_methods(["GET", "POST"])
def library_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    document = _for_edit(request, pk)
    if request.method == "POST":
        services.library_remove(actor=request.user, document=document)
        messages.success(request, _("Document removed from the library."))
        return redirect("guidance-library")
    return render(request, "guidance/library_remove.html", {"document": document})
