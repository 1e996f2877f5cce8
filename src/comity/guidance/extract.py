"""The text of an uploaded library document, for the full-text search only: plain text as it is,
PDF through pypdf, Word (DOCX) through python-docx; of any other file (a spreadsheet, an
OpenDocument text, a scan) nothing, and the search knows the document by its title and
description. Bounded: a document's first pages and at most MAX_TEXT characters, so that a huge or
hostile file cannot make an upload slow or the index grow without end."""

import io
import logging

import docx
import pypdf

from comity.core.limits import LINE_CONTROL

MAX_TEXT = 200_000
MAX_PDF_PAGES = 300

logger = logging.getLogger(__name__)


def _pdf(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    parts: list[str] = []
    size = 0
    for page in reader.pages[:MAX_PDF_PAGES]:
        parts.append(page.extract_text() or "")
        size += len(parts[-1])
        if size > MAX_TEXT:
            break
    return "\n".join(parts)


def _docx(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(parts)


READERS = {"pdf": _pdf, "docx": _docx, "txt": lambda content: content.decode("utf-8")}


def text_of(content: bytes, kind: str) -> str:
    """The text of a file of `kind` (core.files), or "" when it cannot be had."""
    reader = READERS.get(kind)
    if reader is None:
        return ""
    try:
        text = reader(content)
    except Exception as error:  # a malformed file is stored, only not searched by its text
        # The file's name and contents stay out of the log: only what went wrong, by its type.
        logger.info("No text extracted from a %s file: %s", kind, type(error).__name__)
        return ""
    # No control character can be stored on PostgreSQL (NUL) nor is worth indexing.
    return LINE_CONTROL.sub(" ", text)[:MAX_TEXT]
