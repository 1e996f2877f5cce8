"""`/api/v1/vocabularies`: the stable codes of every list, with their labels."""

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router

from comity.accounts.auth import api_auth
from comity.reference.schemas import VocabulariesOut, VocabularyOut
from comity.reference.vocabulary import Vocabulary, rows, vocabularies, vocabulary

router = Router(auth=api_auth, tags=["vocabularies"])


def _out(item: Vocabulary) -> dict[str, Any]:
    return {"name": item.name, "title": str(item.title), "codes": rows(item)}


@router.get("", response=VocabulariesOut, summary="Every list of codes, with labels")
def list_vocabularies(request: HttpRequest) -> dict[str, Any]:
    return {"vocabularies": [_out(v) for v in vocabularies()]}


@router.get("/{name}", response=VocabularyOut, summary="One list of codes, with labels")
def read_vocabulary(request: HttpRequest, name: str) -> dict[str, Any]:
    found = vocabulary(name)
    if found is None:
        raise Http404
    return _out(found)
