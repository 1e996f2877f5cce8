"""A hub's trust list (ADR 11 addendum), as pure functions: its bounded shape, signing it, and
verifying one. No database here: the caller finds the hub's key; `hubs` decides what is applied.

A trust list is a JWS compact (Ed25519, joserfc with the algorithm pinned, as packages are) over
the RFC 8785 form of `{"format", "hub", "sequence", "issued_at", "expires_at", "documents"}`,
where `documents` are key documents exactly as their deployments publish them.
"""

import datetime
import json
from collections.abc import Callable
from typing import Annotated, Any, Literal

import rfc8785
from django.db import models
from django.utils.translation import gettext_lazy as _
from joserfc import jws
from joserfc.errors import BadSignatureError, JoseError
from joserfc.jwk import OKPKey
from pydantic import Field, StringConstraints
from pydantic import ValidationError as SchemaError

from comity.federation.packages import CLOCK_SKEW, INSTANT, Refused, instant, jose_header
from comity.federation.schemas import DeploymentName, KeyDocument, Strict

TRUST_LIST_FORMAT = "comity-trust-list/1"
TRUST_LIST_TYPE = "comity-trust-list+jws"
SIGNING = ["Ed25519"]
MAX_TRUST_LIST_BYTES = 16 * 2**20
MAX_DOCUMENTS = 500
# A list is a hub's word for a while, not for ever: members fetch a newer one before it ends.
MAX_VALIDITY_DAYS = 366

Instant = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")]


class TrustListClaims(Strict):
    format: Literal["comity-trust-list/1"]
    hub: DeploymentName
    sequence: int = Field(gt=0, lt=2**63)
    issued_at: Instant
    expires_at: Instant
    documents: list[KeyDocument] = Field(min_length=1, max_length=MAX_DOCUMENTS)


class ListReason(models.TextChoices):
    """Why a member refused a trust list; each is audited with the list's hub and sequence."""

    TOO_LARGE = "too_large", _("the trust list is too large")
    MALFORMED = "malformed", _("the file is not a signed trust list")
    UNTRUSTED_HUB = "untrusted_hub", _("it is not signed by a hub trusted here")
    BAD_SIGNATURE = "bad_signature", _("its signature does not verify")
    SCHEMA = "schema", _("its content does not have the form of a trust list")
    EXPIRED = "expired", _("it has expired")
    FROM_FUTURE = "from_future", _("it is dated in the future")
    STALE = "stale", _("it is not newer than the list of this hub applied last (an older list replayed?)")
    UNACCEPTABLE = "unacceptable", _("a key document it lists cannot be trusted here")


class ListRefused(Exception):
    """A trust list refused, nothing applied: the reason and, for the form of its content, the
    problems by field ("documents.2.keys.0.kid")."""

    def __init__(
        self, reason: ListReason, problems: dict[str, list[str]] | None = None, sequence: int | None = None
    ) -> None:
        super().__init__(reason.value)
        self.reason = reason
        self.problems = problems or {}
        self.sequence = sequence


def parse_instant(value: str) -> datetime.datetime:
    return datetime.datetime.strptime(value, INSTANT).replace(tzinfo=datetime.UTC)


def claims_for(
    *,
    hub: str,
    sequence: int,
    issued_at: datetime.datetime,
    expires_at: datetime.datetime,
    documents: list[dict[str, Any]],
) -> dict[str, Any]:
    return {
        "format": TRUST_LIST_FORMAT,
        "hub": hub,
        "sequence": sequence,
        "issued_at": instant(issued_at),
        "expires_at": instant(expires_at),
        "documents": documents,
    }


def sign(claims: dict[str, Any], signing_key: OKPKey) -> str:
    """The signed list (JWS compact) of claims already checked against TrustListClaims."""
    TrustListClaims.model_validate(claims)
    return jws.serialize_compact(
        {"alg": "Ed25519", "kid": signing_key.thumbprint(), "typ": TRUST_LIST_TYPE},
        rfc8785.dumps(claims),
        signing_key,
        algorithms=SIGNING,
    )


def signing_kid(token: str) -> str:
    """The kid in the list's protected header, read before any key is chosen."""
    try:
        header = jose_header(token)
    except Refused as error:
        raise ListRefused(ListReason.MALFORMED) from error
    if header.get("typ") != TRUST_LIST_TYPE or token.count(".") != 2:
        raise ListRefused(ListReason.MALFORMED)
    return str(header["kid"])


def verify(
    token: str,
    *,
    hub_key: Callable[[str], tuple[str, OKPKey] | None],
    now: datetime.datetime,
    problems: Callable[[SchemaError], dict[str, list[str]]],
) -> TrustListClaims:
    """The list's claims once signed by a trusted hub's key, naming that hub, and current; else
    ListRefused with the first reason found. `hub_key(kid)` gives (hub name, public key)."""
    found = hub_key(signing_kid(token))
    if found is None:
        raise ListRefused(ListReason.UNTRUSTED_HUB)
    hub, key = found
    try:
        payload = jws.deserialize_compact(token, key, algorithms=SIGNING).payload
    except BadSignatureError as error:
        raise ListRefused(ListReason.BAD_SIGNATURE) from error
    except (JoseError, ValueError) as error:
        raise ListRefused(ListReason.MALFORMED) from error
    try:
        claims = TrustListClaims.model_validate(json.loads(payload))
    except SchemaError as error:
        raise ListRefused(ListReason.SCHEMA, problems(error)) from error
    except ValueError as error:
        raise ListRefused(ListReason.SCHEMA) from error
    if claims.hub != hub:
        # Signed by a key of a hub we trust, but speaking for another deployment.
        raise ListRefused(ListReason.UNTRUSTED_HUB, sequence=claims.sequence)
    issued, expires = parse_instant(claims.issued_at), parse_instant(claims.expires_at)
    if expires <= issued or expires - issued > datetime.timedelta(days=MAX_VALIDITY_DAYS):
        raise ListRefused(
            ListReason.SCHEMA,
            {"expires_at": [str(_("A list expires after it is issued, within a year."))]},
            claims.sequence,
        )
    if issued > now + CLOCK_SKEW:
        raise ListRefused(ListReason.FROM_FUTURE, sequence=claims.sequence)
    if expires <= now:
        raise ListRefused(ListReason.EXPIRED, sequence=claims.sequence)
    return claims
