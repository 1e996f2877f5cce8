"""The page listing every code Comity speaks, with its label in the reader's language."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from comity.reference.vocabulary import rows, vocabularies


@login_required
def vocabulary_page(request: HttpRequest) -> HttpResponse:
    lists = [
        (
            v,
            [(row["code"], row["label"], [row[c] for c in v.columns]) for row in rows(v)],
            [v.column_titles.get(c, c) for c in v.columns],
        )
        for v in vocabularies()
    ]
    return render(request, "reference/vocabulary.html", {"lists": lists})
