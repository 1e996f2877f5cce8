"""What the network's pages and API answer alike: a draft attachment, as a download."""

from django.http import HttpResponse
from django.utils.http import content_disposition_header

from comity.network.models import ConsultationAttachment


def attachment_response(attachment: ConsultationAttachment) -> HttpResponse:
    """The file as a download, never shown inline: a draft from another authority is not run nor
    rendered in Comity's origin, whatever it claims to be."""
    response = HttpResponse(bytes(attachment.content), content_type=attachment.content_type)
    response["Content-Disposition"] = content_disposition_header(True, attachment.name) or "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
