"""API shapes of the vocabularies."""

from ninja import Field, Schema


class CodeOut(Schema):
    code: str
    label: str = Field(description="in the language of the request (Accept-Language)")
    iccs: str | None = Field(None, description="offences only: the ICCS code")


class VocabularyOut(Schema):
    name: str = Field(description="the field that carries these codes in the API and files")
    title: str
    codes: list[CodeOut]


class VocabulariesOut(Schema):
    vocabularies: list[VocabularyOut]
