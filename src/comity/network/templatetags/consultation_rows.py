"""`{% consultation_rows page.items %}`: the consultation inbox's rows, written in Python.

As the request list's rows (cooperation.templatetags.request_rows): fifty rows through the
template engine, two included templates, a URL reversed and labels translated in each, cost
most of the page. Here the row is one format string, the words and URL patterns are escaped once
per page, and each cell's text by the standard library's `html.escape`. The markup is that of
network/_handling.html and network/_state.html, which the consultation's own page includes.
"""

from html import escape

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from comity.cooperation.selectors import AuthorityRef
from comity.core.formats import moment_formatter
from comity.network.selectors import InboxRow

register = template.Library()
PLACEHOLDER = 2_147_483_647
ROW = (
    '<tr{unread}><td><span class="tlp" data-tlp="{handling}" title="{tlp_title}">{handling}</span></td>'
    '<td class="wrap"><a href="{url}" dir="auto">{subject}</a>{new}</td>'
    '<td class="wrap">{participants}</td><td>{moment}</td><td>{state}</td></tr>'
)


def url_pattern(name: str) -> tuple[str, str]:
    """The escaped address of `name` for one id, cut where the id goes: reversed once per page."""
    before, after = escape(reverse(name, args=[PLACEHOLDER])).split(str(PLACEHOLDER))
    return before, after


@register.simple_tag
def consultation_rows(rows: list[InboxRow]) -> SafeString:
    detail_before, detail_after = url_pattern("consultation-detail")
    request_before, request_after = url_pattern("request-detail")
    tlp_title = escape(_("Handling: how far what it holds may be shared (Traffic Light Protocol 2.0)"))
    # Outside the f-strings: xgettext does not look inside them, and would never extract the words.
    unread, closed, opened = (
        escape(pgettext("message", "new")),
        escape(pgettext("consultation", "Closed")),
        escape(pgettext("consultation", "Open")),
    )
    new = f' <span class="badge urgent">{unread}</span>'
    converted = escape(_("Converted into a request"))
    states = {
        "closed": f'<span class="badge final">{closed}</span>',
        "open": f'<span class="badge">{opened}</span>',
    }

    moment = moment_formatter()
    cells: dict[int, str] = {}  # an authority's cell, written once per page

    def participant(p: AuthorityRef) -> str:
        if p.pk not in cells:
            cells[p.pk] = f"<bdi>{escape(p.name)}</bdi> ({escape(p.country)})"
        return cells[p.pk]

    def state(row: InboxRow) -> str:
        if row.state == "converted":
            url = f"{request_before}{row.request_id}{request_after}"
            return f'<a class="badge final status-executed" href="{url}">{converted}</a>'
        return states[row.state]

    def row(r: InboxRow) -> str:
        return ROW.format(
            unread=' class="unread"' if r.unread else "",
            handling=escape(r.handling),
            tlp_title=tlp_title,
            url=f"{detail_before}{r.pk}{detail_after}",
            subject=escape(r.subject),
            new=new if r.unread else "",
            participants="; ".join(participant(p) for p in r.participants),
            moment=escape(moment(r.last_activity_at)),
            state=state(r),
        )

    # Every value above is escaped, or a number or this module's own markup.
    return mark_safe("\n".join(row(r) for r in rows))
