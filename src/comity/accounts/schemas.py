"""API shapes of the authority directory."""

import datetime

from ninja import Field, Schema

from comity.accounts.choices import AuthorityKind


class AuthorityRow(Schema):
    id: int
    name: str
    country: str = Field(description="ISO 3166-1 alpha-2")
    kind: AuthorityKind
    external: bool = Field(description="known by name only: it has no users in Comity")


class AuthorityPage(Schema):
    items: list[AuthorityRow]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page; null on the last page")


class TokenOut(Schema):
    """An API token as its owner or an administrator sees it: never the token itself."""

    id: int
    user: str
    name: str
    prefix: str = Field(description="the token's first characters, to tell tokens apart")
    created_at: datetime.datetime
    expires_at: datetime.datetime | None
    last_used_at: datetime.datetime | None
    revoked: bool


class TokenIn(Schema):
    name: str = Field("", max_length=100, description="what the token is for")
    days: int = Field(90, ge=1, le=366, description="how long it works")


class TokenCreated(TokenOut):
    token: str = Field(description="the token, shown this once: only its hash is kept")
