"""API shapes of the authority directory."""

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
