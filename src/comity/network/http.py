"""What the network's pages and API answer alike: a draft attachment, as a download."""

from django.http import HttpResponse

from comity.core.http import download_response
from comity.network.models import ConsultationAttachment


def attachment_response(attachment: ConsultationAttachment) -> HttpResponse:
    """The file as a download (core.http), never shown inline."""
    return download_response(attachment.content, attachment.content_type, attachment.name)
