"""What an uploaded file is, by what its first bytes say (never by its name alone): the documents
officials draft, sign and publish, and pictures of them. Plain text has no signature: it must be
UTF-8 without control characters. Shared by the network's draft attachments and the guidance
library's documents."""

import hashlib
from dataclasses import dataclass

import filetype
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from comity.core.limits import control_character

FILE_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "png": "image/png",
    "jpg": "image/jpeg",
    "txt": "text/plain",
}


def file_kind(content: bytes) -> str | None:
    """The key of FILE_TYPES that `content` is, or None if it is none of them."""
    found = filetype.guess(content)
    if found is not None:
        return found.extension if found.extension in FILE_TYPES else None
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "txt" if control_character(text, multiline=True) is None else None


@dataclass(frozen=True)
class FileInput:
    """A file given by a user: its name as their machine called it, and its bytes."""

    name: str
    content: bytes

    @property
    def base_name(self) -> str:
        """The name without any folder a browser or client left in it, at most 200 characters."""
        return self.name.strip().replace("\\", "/").rsplit("/", 1)[-1][:200]


def size_problem(name: str, size: int, limit: int) -> str | None:
    """What is wrong with a file's name or size, known before its bytes are read (a form checks it
    so that a large upload is never read into memory); None if nothing is."""
    if not name or control_character(name):
        return _("Give the file a name.")
    if not size:
        return _("%(name)s is empty.") % {"name": name}
    if size > limit:
        return _("%(name)s is %(size)s; a file may be at most %(limit)s.") % {
            "name": name,
            "size": filesizeformat(size),
            "limit": filesizeformat(limit),
        }
    return None


@dataclass(frozen=True)
class CheckedFile:
    """An upload found acceptable: its name, type (a key of FILE_TYPES), bytes and their digest."""

    name: str
    kind: str
    content: bytes

    @property
    def content_type(self) -> str:
        return FILE_TYPES[self.kind]

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def checked_file(upload: FileInput, limit: int) -> CheckedFile | str:
    """The upload if its name, size and type (read from its bytes) are acceptable, else a sentence
    naming the file and what is wrong with it."""
    name = upload.base_name
    problem = size_problem(name, len(upload.content), limit)
    if problem is not None:
        return problem
    kind = file_kind(upload.content)
    if kind is None:
        return _(
            "%(name)s is not a file type accepted here; send PDF, Word, Excel, OpenDocument, PNG, JPEG or UTF-8 text."
        ) % {"name": name}
    return CheckedFile(name=name, kind=kind, content=upload.content)
