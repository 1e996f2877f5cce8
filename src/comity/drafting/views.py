"""The guided drafting pages, under /drafts/: the list of one's drafts and a new one, then one page
per step, each showing what the completeness check says of its fields once saved, and a review
page with the whole check, the letter (Word, PDF), sharing and registering. Thin: a form, a
service, a selector. A draft not the user's to read is a 404."""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from comity.accounts.http import AuthedRequest, case_reader_required
from comity.core.forms import add_service_errors
from comity.core.http import download_response
from comity.drafting import documents, selectors, services
from comity.drafting import forms as step_forms
from comity.drafting.models import Draft

STEPS = [
    ("addressee", gettext_lazy("Addressee and legal basis")),
    ("facts", gettext_lazy("Facts and offences")),
    ("measures", gettext_lazy("Measures")),
    ("persons", gettext_lazy("Persons and companies")),
    ("handling", gettext_lazy("Confidentiality, urgency, contact")),
    ("attachments", gettext_lazy("Documents enclosed")),
]
STEP_FIELDS = {
    "addressee": ("requested_country", "requested_authority", "legal_basis", "language", "proceeding"),
    "facts": ("facts", "offences", "conduct", "law"),
    "measures": ("measures", "elements"),
    "persons": ("persons",),
    "handling": ("confidential", "confidentiality_note", "urgent", "urgency_reason", "deadline", "contact"),
    "attachments": ("attachments",),
}
NAMES = [name for name, _label in STEPS]


@case_reader_required
@require_http_methods(["GET", "POST"])
def draft_list(request: AuthedRequest) -> HttpResponse:
    form = step_forms.NewDraftForm(
        request.POST or None, initial={"consultation": request.GET.get("consultation") or None}
    )
    if request.method == "POST" and form.is_valid():
        try:
            draft = services.draft_create(actor=request.user, data=form.changes())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("draft-step", pk=draft.pk, step=NAMES[0])
    drafts = selectors.drafts_visible_to(request.user).only(
        "pk", "type", "status", "requested_country", "updated_at"
    )
    return render(
        request,
        "drafting/draft_list.html",
        {"drafts": drafts[:200], "form": form},
        status=422 if form.errors else 200,
    )


def _form(step: str, draft: Draft, data: Any) -> forms.Form:
    values = draft.values()
    profile = selectors.profile_document(draft.requested_country)
    if step == "addressee":
        authorities = [(a.pk, a.name) for a in selectors.party_authorities(draft.requested_country)]
        return step_forms.AddresseeForm(data, initial=values, authorities=authorities)
    if step == "facts":
        return step_forms.FactsForm(data, initial=values)
    if step == "measures":
        return step_forms.MeasuresForm(data, initial=values, draft=draft, profile=profile)
    if step == "persons":
        return step_forms.PersonsForm(data, persons=draft.persons)
    if step == "handling":
        return step_forms.HandlingForm(data, initial=values)
    return step_forms.AttachmentsForm(data, initial={"attachments": "\n".join(draft.attachments)})


@case_reader_required
@require_http_methods(["GET", "POST"])
def draft_step(request: AuthedRequest, pk: int, step: str) -> HttpResponse:
    if step not in STEP_FIELDS:
        raise Http404
    draft = selectors.draft_detail(request.user, pk, channel="page")
    form = _form(step, draft, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            draft = services.draft_update(actor=request.user, draft=draft, data=form.changes())  # type: ignore[attr-defined]
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            following = (
                NAMES[NAMES.index(step) + 1] if "continue" in request.POST and step != NAMES[-1] else step
            )
            if "continue" in request.POST and step == NAMES[-1]:
                return redirect("draft-review", pk=draft.pk)
            return redirect("draft-step", pk=draft.pk, step=following)
    return _step_page(request, draft, step, form, status=422 if form.errors else 200)


def _step_page(
    request: AuthedRequest,
    draft: Draft,
    step: str,
    form: forms.Form,
    *,
    file_form: step_forms.FileForm | None = None,
    status: int = 200,
) -> HttpResponse:
    result = selectors.draft_check(request.user, draft)
    return render(
        request,
        "drafting/draft_step.html",
        {
            "draft": draft,
            "form": form,
            "step": step,
            "steps": STEPS,
            "items": result.about(STEP_FIELDS[step]),
            "result": result,
            "last": step == NAMES[-1],
            "file_form": file_form or step_forms.FileForm(),
            "files": list(selectors.files_of(draft)) if step == "attachments" else [],
        },
        status=status,
    )


@case_reader_required
@require_POST
def draft_file_add(request: AuthedRequest, pk: int) -> HttpResponse:
    """Enclose a file; a refused one is shown beside the file's field on the step's page."""
    draft = selectors.draft_detail(request.user, pk, channel="page")
    file_form = step_forms.FileForm(request.POST, request.FILES)
    if file_form.is_valid():
        try:
            services.draft_attach(
                actor=request.user,
                draft=draft,
                upload=file_form.cleaned_data["file"],
                title=file_form.cleaned_data["title"],
            )
        except ValidationError as error:
            add_service_errors(file_form, error)
        else:
            messages.success(request, _("The file is enclosed."))
            return redirect("draft-step", pk=draft.pk, step="attachments")
    form = _form("attachments", draft, None)
    return _step_page(request, draft, "attachments", form, file_form=file_form, status=422)


@case_reader_required
def draft_file(request: AuthedRequest, pk: int, file_pk: int) -> HttpResponse:
    found = selectors.draft_file(request.user, pk, file_pk)
    return download_response(bytes(found.content), found.content_type, found.file_name)


@case_reader_required
@require_POST
def draft_file_remove(request: AuthedRequest, pk: int, file_pk: int) -> HttpResponse:
    draft = selectors.draft_for_write(request.user, pk)
    try:
        services.draft_detach(actor=request.user, draft=draft, attachment_id=file_pk)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("The file is removed."))
    return redirect("draft-step", pk=draft.pk, step="attachments")


@case_reader_required
def draft_review(request: AuthedRequest, pk: int) -> HttpResponse:
    draft = selectors.draft_detail(request.user, pk, channel="page")
    profile = selectors.profile_document(draft.requested_country)
    result = selectors.draft_check(request.user, draft)
    colleagues = [(u.pk, u.get_full_name() or u.username) for u in selectors.colleagues(request.user)]
    return render(
        request,
        "drafting/draft_review.html",
        {
            "draft": draft,
            "steps": STEPS,
            "step": "review",
            "result": result,
            "language": documents.default_language(profile),
            "share_form": step_forms.ShareForm(colleagues=colleagues),
            "step_of": {field: name for name, fields in STEP_FIELDS.items() for field in fields},
        },
    )


@case_reader_required
def draft_document(request: AuthedRequest, pk: int, format: str) -> HttpResponse:
    draft = selectors.draft_detail(request.user, pk, channel="page")
    written_format, language = documents.parse_query(format, request.GET.get("language", ""))
    return documents.response(request.user, draft, written_format, language)


@case_reader_required
@require_POST
def draft_register(request: AuthedRequest, pk: int) -> HttpResponse:
    draft = selectors.draft_for_write(request.user, pk)
    try:
        registered = services.draft_register(actor=request.user, draft=draft)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
        return redirect("draft-review", pk=draft.pk)
    messages.success(request, _("The draft is registered as a request sent."))
    return redirect(reverse("request-detail", kwargs={"pk": registered.pk}))


@case_reader_required
@require_POST
def draft_share(request: AuthedRequest, pk: int) -> HttpResponse:
    draft = selectors.draft_for_write(request.user, pk)
    colleagues = [(u.pk, u.username) for u in selectors.colleagues(request.user)]
    form = step_forms.ShareForm(request.POST, colleagues=colleagues)
    if form.is_valid():
        try:
            services.draft_share(actor=request.user, draft=draft, user_id=form.cleaned_data["user"])
            messages.success(request, _("The draft is shared."))
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
    else:
        messages.error(request, _("Choose a colleague of your authority."))
    return redirect("draft-review", pk=draft.pk)
