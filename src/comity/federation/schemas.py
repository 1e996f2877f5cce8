"""The shapes of what deployments exchange (ADR 11), bounded everywhere: what a peer sends is
parsed against these before anything is written."""

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from comity.accounts.choices import NON_PARTY_KINDS, AuthorityKind

DEPLOYMENT_NAME = r"^[a-z0-9][a-z0-9.-]{0,99}$"
DeploymentName = Annotated[str, StringConstraints(pattern=DEPLOYMENT_NAME)]
Url = Annotated[str, StringConstraints(pattern=r"^https?://[^\s/?#]+(/[^\s?#]*)?$", max_length=300)]
Base64Url = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]+$", max_length=64)]
PARTY_KINDS = frozenset(kind.value for kind in AuthorityKind if kind not in NON_PARTY_KINDS)


def _party_kind(value: str) -> str:
    if value not in PARTY_KINDS:
        raise ValueError(f"not one of {', '.join(sorted(PARTY_KINDS))}")
    return value


PartyKind = Annotated[str, AfterValidator(_party_kind)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PublicKey(Strict):
    kty: Literal["OKP"]
    crv: Literal["Ed25519", "X25519"]
    x: Base64Url
    kid: Base64Url
    use: Literal["sig", "enc"]
    status: Literal["current", "retired"]


class HostedAuthority(Strict):
    id: int = Field(gt=0, lt=2**63)
    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
    kind: PartyKind
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class KeyDocument(Strict):
    format: Literal["comity-federation-key/1"]
    name: DeploymentName
    url: Url
    keys: list[PublicKey] = Field(min_length=2, max_length=50)
    authorities: list[HostedAuthority] = Field(max_length=10_000)
