"""`{% request_rows page.items %}`: the list page's rows, written in Python.

Fifty rows through the template engine (a URL reversed, labels translated and lookups resolved
for every cell) cost more than the rest of the page, and `format_html` (lazy-string checks around
each escaped cell) much of what remained: the row is one format string, the labels, words and
detail URL's pattern are escaped once per page, and each cell's text by the standard library's
`html.escape` (which Django's `escape` calls).
"""

from html import escape

from django import template
from django.template import Context
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from comity.cooperation.models import Request, RequestOffence
from comity.cooperation.selectors import RequestRow
from comity.core.templatetags.display import labels

register = template.Library()
PLACEHOLDER = 2_147_483_647
ROW = (
    '<tr><td><span title="{word}" aria-label="{word}">{arrow}</span> <a href="{url}"><bdi>{ref}</bdi></a>'
    '{urgent}{confidential}</td><td class="wrap">{type}</td><td title="{cp_name}">{cp_country}</td>'
    '<td class="wrap offences">{offences}</td><td><span class="badge{final}">{status}</span></td>'
    "<td>{received}</td><td>{due}{overdue}</td></tr>"
)


@register.simple_tag(takes_context=True)
def request_rows(context: Context, requests: list[RequestRow]) -> SafeString:
    authority_id = context["user"].authority_id
    url_before, url_after = escape(reverse("request-detail", args=[PLACEHOLDER])).split(str(PLACEHOLDER))
    types = {code: escape(label) for code, label in labels(Request, "type").items()}
    statuses = {code: escape(label) for code, label in labels(Request, "status").items()}
    offences = {code: escape(label) for code, label in labels(RequestOffence, "code").items()}
    incoming_word, outgoing_word = escape(_("incoming")), escape(_("outgoing"))
    urgent, confidential, overdue = (
        format_html(' <span class="badge {}">{}</span>', css, label)
        for css, label in (
            ("urgent", _("urgent")),
            ("confidential", _("confidential")),
            ("overdue", _("overdue")),
        )
    )

    def row(r: RequestRow) -> str:
        incoming = r.requested_authority_id == authority_id
        reference = (r.requested_reference or r.requesting_reference) if incoming else r.requesting_reference
        counterpart = r.counterpart_for(authority_id)
        return ROW.format(
            word=incoming_word if incoming else outgoing_word,
            arrow="⇲" if incoming else "⇱",
            url=f"{url_before}{r.pk}{url_after}",
            ref=escape(reference) if reference else r.pk,
            urgent=urgent if r.urgent else "",
            confidential=confidential if r.confidential else "",
            type=types.get(r.type) or escape(r.type),
            cp_name=escape(counterpart.name),
            cp_country=escape(counterpart.country),
            offences="; ".join(offences.get(code) or escape(code) for code in r.offence_codes),
            final="" if r.is_open else f" final status-{escape(r.status)}",
            status=statuses.get(r.status) or escape(r.status),
            received=r.received_on.isoformat() if r.received_on else "—",
            due=r.due_on.isoformat(),
            overdue=overdue if r.overdue else "",
        )

    # Every value above is escaped, or a date, a number or this module's own markup.
    return mark_safe("\n".join(row(r) for r in requests))
