"""What the guidance tests share: a small valid profile document and its editors."""

import copy
import io
from typing import Any

import docx
from django.contrib.auth.models import Permission
from django.test import Client

from comity.accounts.models import User
from comity.guidance import services
from comity.guidance.models import Profile

SOURCE = "Federal Act on International Mutual Assistance in Criminal Matters, art. 64"

CH: dict[str, Any] = {
    "format": "comity-guidance-profile/1",
    "country": "CH",
    "demonstration": False,
    "general": {
        "legal_bases": {"value": ["uncac", "bilateral-treaty"], "source": SOURCE, "confirmed_on": "2026-02-01"},
        "dual_criminality": {"value": "coercive", "source": SOURCE, "confirmed_on": "2026-02-01"},
        "languages": {"value": ["de", "fr", "it"], "source": SOURCE, "confirmed_on": "2026-02-01"},
        "certified_translation": {"value": False, "source": SOURCE, "confirmed_on": "2026-02-01"},
        "costs": {"value": "Borne by Switzerland.", "source": SOURCE, "confirmed_on": "2025-11-30"},
    },
    "measures": {
        "bank-records": {
            "scope": {"value": "Production of bank records.", "source": SOURCE, "confirmed_on": "2026-01-10"},
            "competent_body": {"value": "The cantonal prosecutor.", "source": SOURCE, "confirmed_on": "2026-01-10"},
            "elements": [
                {"code": "bank", "label": "The bank", "level": "required", "source": SOURCE, "confirmed_on": "2026-01-10"},
                {"code": "period", "label": "The period", "level": "advised", "source": SOURCE, "confirmed_on": "2026-01-10"},
            ],
        },
        "testimony": {
            "practical": {"value": "Hearings in German or French.", "source": SOURCE, "confirmed_on": "2026-01-10"},
            "elements": [
                {"code": "questions", "label": "The questions", "level": "required", "source": SOURCE, "confirmed_on": "2026-01-10"},
            ],
        },
    },
}  # fmt: skip


def document(country: str = "CH", **changes: Any) -> dict[str, Any]:
    found = copy.deepcopy(CH)
    found["country"] = country
    found.update(changes)
    return found


def peru_document() -> dict[str, Any]:
    """Peru's: other languages, dual criminality for every request, and bank records asking for
    the link to the offence, and the period required."""
    found = document("PE")
    found["general"]["languages"]["value"] = ["es"]
    found["general"]["dual_criminality"]["value"] = "all"
    elements = found["measures"]["bank-records"]["elements"]
    elements[1]["level"] = "required"
    elements.append(dict(elements[0], code="link", label="The link to the offence"))
    return found


def stored(raw: dict[str, Any]) -> Profile:
    return services.profile_import(actor=None, raw=raw)


def grant_editor(user: User) -> User:
    user.user_permissions.add(Permission.objects.get(codename="edit_profile"))
    return User.objects.get(pk=user.pk)  # a fresh user: permissions are cached on the instance


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


OFFENCE_SOURCE = "Swiss Criminal Code (SCC), as in force on 1 January 2026"

CH_OFFENCES: dict[str, Any] = {
    "format": "comity-national-offences/1",
    "country": "CH",
    "demonstration": False,
    "offences": [
        {"name": "Bestechen", "statute": "StGB", "article": "art. 322ter", "max_penalty": "5 years' imprisonment",
         "legal_persons_liable": True, "conduct": ["bribe-official-give"], "source": OFFENCE_SOURCE, "confirmed_on": "2026-01-10"},
        {"name": "Sich bestechen lassen", "statute": "StGB", "article": "art. 322quater",
         "max_penalty": "5 years' imprisonment", "legal_persons_liable": True, "conduct": ["bribe-official-take"],
         "source": OFFENCE_SOURCE, "confirmed_on": "2026-01-10"},
        {"name": "Amtsmissbrauch", "statute": "StGB", "article": "art. 312", "max_penalty": "5 years' imprisonment",
         "legal_persons_liable": False, "conduct": ["abuse-of-functions"], "source": OFFENCE_SOURCE, "confirmed_on": "2026-01-10"},
    ],
}  # fmt: skip


def store_swiss_offences(demonstration: bool = False) -> None:
    """Switzerland's profile (dual criminality for coercive measures only, judged by the conduct,
    UNCAC accepted) and its national offences (CH_OFFENCES)."""
    profile = document("CH", demonstration=demonstration)
    profile["general"]["dual_criminality_test"] = {
        "value": "conduct",
        "source": OFFENCE_SOURCE,
        "confirmed_on": "2026-01-10",
    }
    stored(profile)
    services.national_offences_import(actor=None, raw=CH_OFFENCES | {"demonstration": demonstration})


def pdf_with_text(text: str) -> bytes:
    """A one-page PDF that shows `text` (ASCII) in Helvetica: what a law's PDF is, in little."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


def docx_with_text(text: str) -> bytes:
    """A Word document holding `text` in a paragraph and in a table's cell."""
    made = docx.Document()
    made.add_paragraph(text)
    made.add_table(rows=1, cols=1).cell(0, 0).text = "Annex"
    buffer = io.BytesIO()
    made.save(buffer)
    return buffer.getvalue()


def library_add(country: str, title: str, **values: Any) -> Any:
    """A document of `country`'s library added by the system (a law in English unless `values` say
    otherwise; `upload`: a FileInput)."""
    upload = values.pop("upload", None)
    return services.library_add(
        actor=None,
        values={"country": country, "title": title, "kind": "law", "language": "en", **values},
        upload=upload,
    )
