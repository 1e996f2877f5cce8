"""API plumbing shared by every router: RFC 9457 problem details, filters, idempotent creation.

Authentication (`api_auth`) is `accounts.auth`'s."""

import json
import re
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError

from comity.core import messages
from comity.core.http import authenticated_user
from comity.core.services import KeyReused, Submitted, submission_fingerprint, submit_once

M = TypeVar("M", bound=models.Model)
PROBLEM_TYPE = "application/problem+json"
# Location parts that say where in the HTTP request, not which field: the part of the request,
# then the operation's parameter that holds the schema. Only these leading ones are dropped: a
# field may itself be called "body" (a message's).
_LOCATIONS = {"body", "query", "path", "header", "cookie", "form"}
_PARAMETERS = {"payload", "filters"}


def problem(
    status: int, title: str, detail: str = "", errors: list[dict[str, str]] | None = None
) -> HttpResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    return HttpResponse(json.dumps(body, cls=DjangoJSONEncoder), status=status, content_type=PROBLEM_TYPE)


def field_error(field: str, message: str) -> dict[str, str]:
    return {"field": field, "pointer": "#/" + field.replace(".", "/"), "detail": message}


def validation_problem(error: ValidationError) -> HttpResponse:
    if hasattr(error, "error_dict"):
        errors = [
            field_error(field if field != "__all__" else "", message)
            for field, messages in error.message_dict.items()
            for message in messages
        ]
    else:
        errors = [field_error("", message) for message in error.messages]
    return problem(
        422,
        _("The request has invalid fields."),
        "; ".join(f"{e['field']}: {e['detail']}" if e["field"] else e["detail"] for e in errors),
        errors,
    )


def _schema_problem(request: HttpRequest, error: SchemaValidationError) -> HttpResponse:
    errors = []
    for item in error.errors:
        location = [str(part) for part in item.get("loc", ())]
        if location and location[0] in _LOCATIONS:
            location.pop(0)
        if len(location) > 1 and location[0] in _PARAMETERS:
            location.pop(0)
        field = ".".join(location)
        message = messages.schema_error(
            item,
            _given(request, item.get("loc", ())),
            unknown_field=_("Unknown field (see the schema at /api/docs)."),
            wrong_type=_("This has the wrong type (see the schema at /api/docs)."),
        )
        errors.append(field_error(field, message))
    return problem(
        422,
        _("The request has invalid fields."),
        "; ".join(f"{e['field']}: {e['detail']}" for e in errors),
        errors,
    )


def _given(request: HttpRequest, location: Sequence[object]) -> object:
    """The value the client sent at `location` (as pydantic names it: ("body", "payload", "type"),
    ("query", "status")), which django-ninja leaves out of its errors; "" if it cannot be found."""
    try:
        if location and location[0] == "query":
            return request.GET.get(str(location[-1]), "")
        if location and location[0] == "body":
            value: Any = json.loads(request.body)
            for part in location[2:]:
                value = value[part]
            return value
    except (ValueError, KeyError, IndexError, TypeError):
        pass
    return ""


def install_problem_handlers(api: NinjaAPI) -> None:
    api.exception_handler(SchemaValidationError)(_schema_problem)
    api.exception_handler(ValidationError)(lambda request, exc: validation_problem(exc))
    api.exception_handler(AuthenticationError)(
        lambda request, exc: problem(
            401, _("Authentication required."), _("Send `Authorization: Bearer TOKEN` or log in.")
        )
    )
    api.exception_handler(Http404)(lambda request, exc: problem(404, _("Not found.")))
    api.exception_handler(PermissionDenied)(
        lambda request, exc: problem(403, _("Not allowed."), str(exc) or "")
    )
    api.exception_handler(HttpError)(_http_error)


def _http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    # django-ninja's own refusal of a session's unsafe call without its CSRF token is English only.
    if error.status_code == 403 and str(error.message) == "CSRF check Failed":
        return problem(
            403,
            _("The CSRF check failed."),
            _(
                "A logged-in session sends the page's CSRF token with every change; a client sends its API token."
            ),
        )
    return problem(error.status_code, str(error.message))


IDEMPOTENCY_KEY = "Idempotency-Key"
# Printable ASCII, as the IETF draft's examples (UUIDs); sent bare or as a quoted string.
_KEY = re.compile(r'"?([\x21\x23-\x7e]{1,255})"?')
IDEMPOTENCY_PARAMETER = {
    "in": "header",
    "name": IDEMPOTENCY_KEY,
    "required": False,
    "schema": {"type": "string", "maxLength": 255},
    "description": "A key of your choosing (a UUID): the same key again within 24 hours, with the "
    "same body, creates nothing and answers with what the first call created (header "
    "`Idempotent-Replayed: true`); with another body, 422.",
}


def create_once(request: HttpRequest, create: Callable[[], M]) -> Submitted[M]:
    """`create` (a service call), once per `Idempotency-Key` of the acting user when the client
    sends one (see `core.services.submit_once`), else at every call."""
    raw = request.headers.get(IDEMPOTENCY_KEY)
    if raw is None:
        return Submitted(create(), None)
    key = _KEY.fullmatch(raw.strip())
    if key is None:
        raise ValidationError(
            {IDEMPOTENCY_KEY: [_("Give 1 to 255 printable ASCII characters (a UUID, for instance).")]}
        )
    try:
        body = json.dumps(json.loads(request.body or b"null"), sort_keys=True, separators=(",", ":"))
    except ValueError:
        body = request.body.decode(errors="replace")
    try:
        return submit_once(
            actor=authenticated_user(request),
            key=key.group(1),
            fingerprint=submission_fingerprint(request.method or "", request.path, body),
            create=create,
        )
    except KeyReused:
        raise ValidationError(
            {
                IDEMPOTENCY_KEY: [
                    _(
                        "This key was given in the last 24 hours to a different request (another "
                        "body or address); send a new key for a new request."
                    )
                ]
            }
        ) from None


def created_once(request: HttpRequest, response: HttpResponse, model: type[M], create: Callable[[], M]) -> M:
    """What `create` made, once per `Idempotency-Key` (see `create_once`): the object itself, or
    on a repeat the one the first call made (and `Idempotent-Replayed: true` on the response)."""
    done = create_once(request, create)
    if done.created is not None:
        return done.created
    response["Idempotent-Replayed"] = "true"
    return model._default_manager.get(pk=done.replayed_id)
