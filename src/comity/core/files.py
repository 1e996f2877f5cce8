"""What an uploaded file is, by what its first bytes say (never by its name alone): the documents
officials draft, sign and publish, and pictures of them. Plain text has no signature: it must be
UTF-8 without control characters. Shared by the network's draft attachments and the guidance
library's documents."""

from dataclasses import dataclass

import filetype

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
