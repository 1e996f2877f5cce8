import datetime
from typing import Any

from ninja import Field, Schema

from comity.core.numbers import Amount, LogIndex


class TreeHeadOut(Schema):
    tree_size: int
    root_hash: str = Field(description="base64 SHA-256 Merkle tree hash (RFC 9162)")
    timestamp: int | None = Field(description="milliseconds since 1970-01-01 UTC when the head was signed")
    checkpoint: str | None = Field(description="C2SP tlog-checkpoint in a C2SP signed note (Ed25519)")


class EntryOut(Schema):
    leaf_index: int
    leaf_input: str = Field(description="base64 of the exact bytes hashed: the entry's RFC 8785 JSON")
    entry: dict[str, Any]


class EntriesOut(Schema):
    entries: list[EntryOut]


class InclusionProofOut(Schema):
    leaf_index: int
    tree_size: int
    audit_path: list[str]


class ConsistencyProofOut(Schema):
    first: int
    second: int
    consistency: list[str]


class EvidenceIn(Schema):
    description: str
    sha256: str = Field(description="hex SHA-256 of the document")


class AgreementIn(Schema):
    title: str
    returning_state: str = Field(description="ISO 3166-1 alpha-2 of the State returning the assets")
    receiving_state: str = Field(description="ISO 3166-1 alpha-2 of the State receiving them")
    signed_on: datetime.date
    amount: Amount
    currency: str = Field(description="ISO 4217")
    purpose: str
    monitoring_body: str = ""


class DisbursementIn(Schema):
    date: datetime.date
    amount: Amount
    currency: str
    recipient: str
    purpose: str
    evidence: list[EvidenceIn] = []


class CorrectionIn(Schema):
    corrects: LogIndex = Field(description="leaf index of the agreement or disbursement corrected")
    reason: str
    replacement: dict[str, Any] | None = Field(
        description="the entry as it should read (fields of an agreement or a disbursement); null voids it"
    )
