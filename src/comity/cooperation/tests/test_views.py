import csv
import datetime
import io
import re

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from comity.accounts.choices import Role
from comity.accounts.models import Authority
from comity.accounts.tests.factories import TEST_PASSWORD, UserFactory
from comity.assets import services as asset_services
from comity.cooperation import services, transfer
from comity.cooperation.models import Event, ExportJob, Request
from comity.cooperation.tests.test_transfer import HEADER, ROWS
from comity.core.forms import new_form_token
from comity.core.models import AccessEntry, AuditEntry
from comity.reference.choices import RequestType
from conftest import make_request


def once(form: dict) -> dict:
    """A form's fields with the one-time token the page gives it (see `OnceForm`)."""
    return form | {"form_token": new_form_token()}


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_pages_need_a_login(peru, switzerland):
    request = make_request(peru, switzerland)
    for url in (
        "/",
        "/requests/",
        "/requests/new/",
        f"/requests/{request.pk}/",
        f"/requests/{request.pk}/edit/",
    ):
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_login_page_and_demo_style_login(peru):
    assert b"Log in to Comity" in Client().get("/login/").content
    client = Client()
    response = client.post("/login/", {"username": "pe-officer", "password": "correct-horse-battery-staple"})
    assert response.status_code == 302
    assert b"Awaiting my action" in client.get("/").content


def test_home_lists_what_awaits_me_and_what_is_overdue(peru, switzerland):
    request = make_request(
        switzerland, peru, requesting_reference="CH-77", received_on=datetime.date(2025, 3, 4)
    )
    page = logged_in(peru.officer).get("/").content.decode()
    assert page.count(f"/requests/{request.pk}/") == 2  # awaiting our execution, and overdue
    # the counterpart by its name, not a bare country code
    assert (
        page.count('<bdi>Federal Office of Justice</bdi> <small class="muted" title="Switzerland">CH</small>')
        == 2
    )
    assert "more await your action" not in page and "all overdue requests" not in page


def test_home_says_how_many_more_than_it_lists(peru, switzerland):
    for n in range(17):
        make_request(switzerland, peru, requesting_reference=f"CH-{n}", received_on=datetime.date(2025, 3, 4))
    page = logged_in(peru.officer).get("/").content.decode()
    assert "The 15 with the soonest target dates; more await your action." in page
    assert "The 15 overdue the longest, of 17:" in page
    assert 'href="/requests/?overdue=true&amp;sort=due_on"' in page


def test_list_page_filters_and_its_query_count_is_pinned(
    peru, switzerland, nigeria, django_assert_num_queries
):
    for n in range(3):
        make_request(peru, switzerland, requesting_reference=f"PE-OUT-{n}")
    make_request(nigeria, peru, requesting_reference="NG-IN-1", received_on=datetime.date(2025, 3, 5))
    client = logged_in(peru.officer)
    page = client.get("/requests/?direction=incoming").content.decode()
    assert "NG/" not in page and "NG-IN-1" in page and "PE-OUT-0" not in page
    # user, the page of requests with their offences (the session is read from the cache), and the
    # 'Network' link's membership and unread count
    with django_assert_num_queries(3):
        client.get("/requests/")
    for n in range(10):
        make_request(peru, switzerland, requesting_reference=f"PE-MORE-{n}")
    with django_assert_num_queries(3):
        assert "PE-MORE-9" in client.get("/requests/").content.decode()


def test_list_rows_escape_what_users_typed_and_show_each_column(peru, switzerland):
    switzerland.authority.name = 'Office <script>alert("x")</script>'
    switzerland.authority.save()
    request = make_request(
        peru,
        switzerland,
        requesting_reference="<b>PE</b>&'1",
        offences=["uncac-23", "uncac-15"],
        urgent=True,
        urgency_reason="Assets about to move.",
    )
    page = logged_in(peru.officer).get("/requests/").content.decode()
    row = next(line for line in page.splitlines() if f"/requests/{request.pk}/" in line)
    assert "<b>PE" not in row and "<script>" not in page
    assert "<bdi>&lt;b&gt;PE&lt;/b&gt;&amp;&#x27;1</bdi>" in row
    assert 'title="Office &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;">CH<' in row
    # offences by their labels, as the statistics name them
    assert (
        ">Bribery of national public officials (art. 15); Laundering of proceeds of crime (art. 23)<" in row
    )
    assert "badge urgent" in row and ">Sent<" in row
    # Sent 2025-03-03, urgent: due within 15 days, long past.
    assert 'aria-label="outgoing"' in row and '<td>2025-03-18 <span class="badge overdue">' in row


ARABIC_REFERENCE = "PE-٠٠١-2026-عربي"


def test_text_users_typed_is_isolated_from_the_page_around_it(peru, switzerland):
    """Without isolation, an Arabic reference's right-to-left run takes the punctuation and
    numbers beside it along and shows reordered (PE-٠٠١-2026-عربي read as عربي-2026-...)."""
    switzerland.authority.name = "وزارة العدل"
    switzerland.authority.save()
    request = make_request(
        peru, switzerland, requesting_reference=ARABIC_REFERENCE, summary="أموال مختلسة", sent_on=None
    )
    client = logged_in(peru.officer)
    detail = client.get(f"/requests/{request.pk}/").content.decode()
    assert f"· <bdi>{ARABIC_REFERENCE}</bdi>" in detail  # the title
    assert (
        f"· <bdi>{ARABIC_REFERENCE}</bdi></dd>" in detail and "Outgoing to <bdi>وزارة العدل</bdi>" in detail
    )
    assert '<p dir="auto">أموال مختلسة</p>' in detail
    for page in ("/", "/requests/"):
        assert f"<bdi>{ARABIC_REFERENCE}</bdi></a>" in client.get(page).content.decode(), page
    form = client.get(f"/requests/{request.pk}/edit/").content.decode()
    assert re.search(r'<input type="text" name="requesting_reference" value="[^"]+" dir="auto"', form)


def test_the_import_page_isolates_the_authoritys_name_in_its_sentence(peru):
    """A Latin name in an Arabic sentence (or the reverse) takes the punctuation beside it along."""
    peru.officer.language = "ar"
    peru.officer.save(update_fields=["language"])
    page = logged_in(peru.officer).get("/requests/import/").content.decode()
    assert f"طلب واحد لـ<bdi>{peru.authority.name}</bdi>، وارد أو صادر" in page


def test_htmx_list_answers_only_the_rows(peru, switzerland):
    make_request(peru, switzerland, requesting_reference="PE-HX")
    response = logged_in(peru.officer).get("/requests/?q=PE-HX", HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert "PE-HX" in content and "<html" not in content


def test_invalid_filters_are_explained(peru):
    content = logged_in(peru.officer).get("/requests/?received_after=someday").content.decode()
    assert "Some filters are not valid" in content
    assert '<input type="date" name="received_after" value="someday"' in content
    assert (
        '<ul class="errorlist" id="id_received_after_error"><li>Enter a valid date.</li></ul></div>'
        in content
    )


def test_a_stale_cursor_is_explained_in_the_rows_htmx_swaps_not_on_the_next_page(peru):
    client = logged_in(peru.officer)
    rows = client.get("/requests/?cursor=garbage", HTTP_HX_REQUEST="true").content.decode()
    assert "This cursor is not valid; start again from the first page." in rows
    assert "This cursor is not valid" not in client.get("/").content.decode()


def test_filter_form_keeps_the_chosen_values_escaped(peru):
    query = "q=a%22%3Cb&received_before=2025-01-02&counterpart_country=CH&sort=due_on"
    content = logged_in(peru.officer).get(f"/requests/?{query}").content.decode()
    assert (
        '<label for="id_q">Reference or subject</label><input type="text" name="q" value="a&quot;&lt;b"'
        in content
    )
    assert '<input type="date" name="received_before" value="2025-01-02" id="id_received_before">' in content
    filters = content[
        content.index('<label for="id_q">') : content.index("</form>", content.index('<label for="id_q">'))
    ]
    assert '<option value="CH" selected>' in filters and filters.count(" selected>") == 2
    assert '<option value="due_on" selected>' in content


def test_filter_bar_kept_between_requests_shows_each_ones_values_and_language(peru):
    """The filter bar's HTML is kept per values and language: each request still sees its own."""
    client = logged_in(peru.officer)

    def selected(query: str, language: str = "en") -> dict[str, str]:
        content = client.get(f"/requests/?{query}", HTTP_ACCEPT_LANGUAGE=language).content.decode()
        return dict(re.findall(r'<option value="([^"]*)" selected>([^<]*)<', content))

    assert selected("counterpart_country=CH&type=mla") == {
        "CH": "Switzerland",
        "mla": "Mutual legal assistance",
    }
    assert selected("counterpart_country=NG") == {"NG": "Nigeria"}
    assert selected("counterpart_country=CH&type=mla", "fr")["CH"] == "Suisse"
    assert selected("counterpart_country=CH&type=mla")["CH"] == "Switzerland"
    assert selected("type=extradition&counterpart_country=CH") == {
        "CH": "Switzerland",
        "extradition": "Extradition",
    }
    assert selected("sort=due_on") == {"due_on": "Target date, soonest first"}
    assert selected("") == {}


def test_detail_is_404_to_outsiders_and_logged_for_parties(peru, switzerland, nigeria, secretariat_user):
    request = make_request(peru, switzerland)
    for user in (nigeria.officer, secretariat_user):
        for url in (f"/requests/{request.pk}/", f"/requests/{request.pk}/edit/"):
            assert logged_in(user).get(url).status_code == 404
        assert logged_in(user).post(f"/requests/{request.pk}/events/", {"kind": "note"}).status_code == 404
    assert logged_in(switzerland.viewer).get(f"/requests/{request.pk}/").status_code == 200
    assert AccessEntry.objects.filter(user=switzerland.viewer, channel="page").count() == 1
    assert not AccessEntry.objects.filter(user=nigeria.officer).exists()


def test_viewer_sees_no_confidential_names_and_no_write_controls(peru, switzerland):
    request = make_request(peru, switzerland, confidential=True)
    content = logged_in(switzerland.viewer).get(f"/requests/{request.pk}/").content.decode()
    assert "Quispe" not in content and "not visible to your role" in content
    assert "Record an event" not in content
    assert logged_in(switzerland.viewer).get(f"/requests/{request.pk}/edit/").status_code == 403
    assert "Quispe" in logged_in(switzerland.officer).get(f"/requests/{request.pk}/").content.decode()


def new_request_form(counterpart, **changes) -> dict:
    return {
        "direction": "outgoing",
        "counterpart": counterpart.authority.pk,
        "type": "mla",
        "legal_basis": "uncac",
        "proceeding": "criminal",
        "offences": ["uncac-17"],
        "measures": ["freezing"],
        "requesting_reference": "",
        "summary": "Funds diverted",
        "names_visible_to": "officers",
        "sent_on": "2026-01-10",
        "subjects-TOTAL_FORMS": "2",
        "subjects-INITIAL_FORMS": "0",
        "subjects-0-kind": "legal",
        "subjects-0-name": "Andes Holdings Ltd",
        "subjects-1-kind": "natural",
    } | changes


def test_create_a_request_through_the_form(peru, switzerland):
    client = logged_in(peru.officer)
    form = new_request_form(switzerland, requesting_reference="PE-FORM-1")
    response = client.post("/requests/new/", once(form))
    assert response.status_code == 302
    request = Request.objects.get(requesting_reference="PE-FORM-1")
    assert (request.requested_authority, request.status) == (switzerland.authority, "sent")
    assert list(request.subjects.values_list("name", flat=True)) == ["Andes Holdings Ltd"]


def test_the_form_offers_and_accepts_only_authorities_that_may_be_a_party(
    peru, switzerland, secretariat_user
):
    client = logged_in(peru.officer)
    page = client.get("/requests/new/", follow=True).content.decode()
    assert "Federal Office of Justice" in page and "UNODC" not in page
    response = client.post(
        "/requests/new/", once(new_request_form(switzerland) | {"counterpart": secretariat_user.authority.pk})
    )
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert Request.objects.count() == 0


def test_the_forms_keep_texts_within_their_limits(peru, switzerland):
    client = logged_in(peru.officer)
    page = client.get("/requests/new/", follow=True).content.decode()
    assert 'name="summary" cols="40" rows="4" dir="auto" maxlength="10000"' in page
    assert 'name="requesting_reference" dir="auto" maxlength="100"' in page
    response = client.post("/requests/new/", once(new_request_form(switzerland, summary="s" * 10_001)))
    assert "Ensure this value has at most 10000 characters (it has 10001)." in response.content.decode()
    assert Request.objects.count() == 0


def test_a_request_form_submitted_twice_registers_one_request(peru, switzerland):
    client = logged_in(peru.officer)
    shown = client.get("/requests/new/", follow=True)
    # the form's address carries its token, so that the Back button returns to the same token
    [(address, _status)] = shown.redirect_chain
    token = re.search(r'name="form_token" value="([^"]+)"', shown.content.decode())
    assert token and address == f"/requests/new/?once={token.group(1)}"
    # without a reference, nothing else tells the second submission from a new request
    form = new_request_form(switzerland) | {"form_token": token.group(1)}
    first = client.post("/requests/new/", form)
    again = client.post("/requests/new/", form, follow=True)
    [request] = Request.objects.all()
    assert first["Location"] == f"/requests/{request.pk}/"
    assert again.redirect_chain == [(f"/requests/{request.pk}/", 302)]
    assert "This form was already submitted: here is the request it registered." in again.content.decode()
    # another showing of the form is another request
    assert client.post("/requests/new/", once(form)).status_code == 302
    assert Request.objects.count() == 2


def test_a_form_without_its_token_is_shown_again_with_one_and_writes_nothing(peru, switzerland):
    client = logged_in(peru.officer)
    response = client.post("/requests/new/", new_request_form(switzerland))
    page = response.content.decode()
    assert response.status_code == 200 and "This form is out of date" in page
    assert Request.objects.count() == 0
    token = re.search(r'name="form_token" value="([^"]+)"', page)
    assert token
    response = client.post("/requests/new/", new_request_form(switzerland) | {"form_token": token.group(1)})
    assert response.status_code == 302 and Request.objects.count() == 1


def test_an_event_form_submitted_twice_records_one_event(peru, switzerland):
    request = make_request(peru, switzerland)
    client = logged_in(switzerland.officer)
    url = f"/requests/{request.pk}/events/"
    form = once({"kind": "note", "occurred_on": "2025-03-10", "text": "Called the prosecutor"})
    assert "Event recorded." in client.post(url, form, HTTP_HX_REQUEST="true").content.decode()
    again = client.post(url, form, HTTP_HX_REQUEST="true").content.decode()
    assert "This event was already recorded." in again
    assert Event.objects.filter(request=request, kind="note").count() == 1
    assert client.post(url, form)["Location"] == f"/requests/{request.pk}/"
    assert Event.objects.filter(request=request, kind="note").count() == 1


def test_form_errors_name_the_field_and_write_nothing(peru, switzerland):
    client = logged_in(peru.officer)
    form = {
        "direction": "incoming",
        "counterpart": switzerland.authority.pk,
        "type": "mla",
        "legal_basis": "uncac",
        "proceeding": "criminal",
        "offences": ["uncac-17"],
        "names_visible_to": "officers",
        "urgent": "on",
        "sent_on": "2026-01-10",
        "received_on": "2026-01-01",
        "subjects-TOTAL_FORMS": "0",
        "subjects-INITIAL_FORMS": "0",
    }
    content = client.post("/requests/new/", once(form)).content.decode()
    assert "reason for urgency" in content and "before it was sent" in content
    assert Request.objects.count() == 0


def test_record_events_by_form_and_htmx(peru, switzerland):
    request = make_request(peru, switzerland)
    client = logged_in(switzerland.officer)
    url = f"/requests/{request.pk}/events/"
    bad = client.post(url, once({"kind": "executed", "occurred_on": "2025-03-10"}))
    assert bad.status_code == 422 and "record its receipt first" in bad.content.decode()
    assert client.post(url, once({"kind": "received", "occurred_on": "2025-03-10"})).status_code == 302
    response = client.post(
        url, once({"kind": "execution-started", "occurred_on": "2025-03-11"}), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and "Execution started" in response.content.decode()
    request.refresh_from_db()
    assert request.status == "in-execution"
    assert Event.objects.filter(request=request).count() == 4
    refused = client.post(
        url,
        once(
            {
                "kind": "refused",
                "occurred_on": "2025-04-01",
                "refusal_grounds": ["bank-secrecy", "dual-criminality"],
            }
        ),
        HTTP_HX_REQUEST="true",
    )
    # the timeline names the grounds as the request's facts do, not by their codes
    assert "Grounds: Bank secrecy; No dual criminality" in refused.content.decode()
    # a refusal is not shown in an executed request's green
    for page in ("/requests/", f"/requests/{request.pk}/"):
        assert 'class="badge final status-refused"' in client.get(page).content.decode()


def _fact(html: str, term: str) -> str:
    """The value beside `term` in the request page's facts."""
    found = re.search(rf"<dt>{term}</dt><dd>(.*?)</dd>", html, re.S)
    assert found, term
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


def test_an_event_recorded_by_htmx_shows_the_whole_request_and_its_confirmation_there(peru, switzerland):
    request = make_request(peru, switzerland, sent_on=datetime.date(2025, 3, 3))
    client = logged_in(switzerland.officer)
    url = f"/requests/{request.pk}/events/"

    html = client.post(url, once({"kind": "received", "occurred_on": "2025-03-10"}), HTTP_HX_REQUEST="true")
    html = html.content.decode()
    # the facts beside the timeline change with it: 120 days for MLA from receipt, no longer from sending
    assert (_fact(html, "Status"), _fact(html, "Received"), _fact(html, "Target date")) == (
        "Received",
        "2025-03-10",
        "2025-07-08 overdue",
    )
    assert 'role="status">Event recorded.</p>' in html
    html = client.post(url, once({"kind": "executed", "occurred_on": "2025-04-01"}), HTTP_HX_REQUEST="true")
    assert _fact(html.content.decode(), "Closed") == "2025-04-01"
    # the confirmation was shown where the event was recorded, and never again on another page
    for page in ("/requests/", f"/requests/{request.pk}/", "/"):
        assert "Event recorded." not in client.get(page).content.decode()

    # a refused event keeps the request as it was, with the reason, and no confirmation
    html = client.post(url, once({"kind": "received", "occurred_on": "2025-04-02"}), HTTP_HX_REQUEST="true")
    html = html.content.decode()
    assert "only a note, or a reopening by a head of unit" in html and "Event recorded." not in html
    assert _fact(html, "Status") == "Executed"


def test_a_date_is_corrected_from_the_event_form_and_shown_corrected(peru, switzerland):
    request = make_request(
        peru, switzerland, sent_on=datetime.date(2025, 3, 3), received_on=datetime.date(2025, 3, 20)
    )
    received = request.events.get(kind="received")
    client = logged_in(switzerland.officer)
    form = client.get(f"/requests/{request.pk}/").content.decode()
    # the events a correction may name, by kind and current date (never a note or a correction)
    assert f'<option value="{received.pk}">Received · 2025-03-20</option>' in form
    html = client.post(
        f"/requests/{request.pk}/events/",
        once(
            {"kind": "correction", "corrects": received.pk, "occurred_on": "2025-03-10", "text": "Mistyped"}
        ),
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "Event recorded." in html and _fact(html, "Received") == "2025-03-10"
    assert "<del>2025-03-20</del> <ins" in html and ">2025-03-10</ins>" in html
    assert "Received: 2025-03-20 → 2025-03-10" in html and "Mistyped" in html
    assert f'<option value="{received.pk}">Received · 2025-03-10</option>' in html
    # refused: the reason is shown on its field, and nothing changes
    html = client.post(
        f"/requests/{request.pk}/events/",
        once({"kind": "correction", "corrects": received.pk, "occurred_on": "1025-03-10", "text": "x"}),
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "before 1950-01-01" in html and _fact(html, "Received") == "2025-03-10"


def test_a_plain_event_form_post_confirms_on_the_request_page_it_leads_to(peru, switzerland):
    request = make_request(peru, switzerland)
    client = logged_in(switzerland.officer)
    response = client.post(
        f"/requests/{request.pk}/events/",
        once({"kind": "received", "occurred_on": "2025-03-10"}),
        follow=True,
    )
    assert response.redirect_chain == [(f"/requests/{request.pk}/", 302)]
    assert "Event recorded." in response.content.decode()
    assert "Event recorded." not in client.get("/requests/").content.decode()


def _offered_events(client: Client, request: Request) -> list[str]:
    html = client.get(f"/requests/{request.pk}/").content.decode()
    select = re.search(r'<select name="kind".*?</select>', html, re.S)
    assert select
    return re.findall(r'<option value="([^"]+)"', select.group(0))


def test_the_event_form_offers_only_what_may_follow(peru, switzerland):
    request = make_request(peru, switzerland)  # sent
    officer, head = logged_in(switzerland.officer), logged_in(switzerland.head)
    assert _offered_events(officer, request) == [
        "received",
        "withdrawn",
        "lapsed",
        "reminder-sent",
        "note",
        "correction",
    ]
    services.event_record(
        actor=switzerland.officer, request=request, kind="received", occurred_on=datetime.date(2025, 3, 4)
    )
    services.event_record(
        actor=switzerland.officer, request=request, kind="executed", occurred_on=datetime.date(2025, 3, 5)
    )
    assert _offered_events(officer, request) == ["note", "correction"]
    assert _offered_events(head, request) == ["note", "reopened", "correction"]


def test_edit_through_the_form(peru, switzerland):
    request = make_request(peru, switzerland)
    client = logged_in(switzerland.head)
    assert client.get(f"/requests/{request.pk}/edit/").status_code == 200
    response = client.post(
        f"/requests/{request.pk}/edit/",
        {
            "type": "mla",
            "legal_basis": "uncac",
            "proceeding": "civil",
            "offences": ["uncac-23"],
            "requesting_reference": request.requesting_reference,
            "requested_reference": "CH-9",
            "names_visible_to": "officers",
            "subjects-TOTAL_FORMS": "1",
            "subjects-INITIAL_FORMS": "1",
            "subjects-0-kind": "natural",
            "subjects-0-name": "Alberto Quispe Ramos",
        },
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.proceeding, request.requested_reference) == ("civil", "CH-9")
    assert list(request.subjects.values_list("name", flat=True)) == ["Alberto Quispe Ramos"]


def test_each_role_starts_on_its_own_page_after_login(peru, secretariat_user):
    admin = UserFactory(username="admin", authority=peru.authority, role=Role.ADMIN, is_staff=True)
    for user, start in ((peru.officer, "/"), (secretariat_user, "/statistics/global/"), (admin, "/admin/")):
        client = Client()
        response = client.post("/login/", {"username": user.username, "password": TEST_PASSWORD}, follow=True)
        assert response.redirect_chain[-1][0] == start, user.username
        assert response.status_code == 200


def test_roles_that_read_no_case_find_no_case_page(peru, switzerland, secretariat_user):
    admin = UserFactory(username="admin", authority=peru.authority, role=Role.ADMIN, is_staff=True)
    request = make_request(peru, switzerland)
    case = asset_services.case_create(
        actor=peru.officer, title="Andes", origin_country="PE", offences=["uncac-17"]
    )
    pages = [
        "/requests/",
        "/requests/new/",
        "/requests/export/?format=csv",
        "/requests/import/",
        "/requests/import/template.csv",
        f"/requests/{request.pk}/",
        "/asset-cases/",
        "/asset-cases/new/",
        "/asset-cases/follow-up/",
        "/asset-cases/import/",
        "/asset-cases/export/",
        f"/asset-cases/{case.pk}/",
    ]
    for user in (secretariat_user, admin):
        client = logged_in(user)
        for page in pages:
            assert client.get(page).status_code == 404, (user.username, page)
        assert client.post("/requests/export/xlsx/").status_code == 404
        navigation = client.get("/ledger/").content.decode()
        assert 'href="/requests/"' not in navigation and 'href="/asset-cases/"' not in navigation
    assert logged_in(peru.viewer).get("/asset-cases/").status_code == 200


def test_export_the_filtered_list(peru, switzerland, nigeria):
    make_request(peru, switzerland, requesting_reference="PE-A", type="extradition")
    make_request(peru, switzerland, requesting_reference="PE-B")
    make_request(switzerland, nigeria, requesting_reference="CH-NOT-OURS")
    client = logged_in(peru.officer)
    response = client.get("/requests/export/?type=extradition&format=csv")
    assert response["Content-Type"].startswith("text/csv")
    lines = response.getvalue().decode().splitlines()
    assert (
        lines[0].startswith("reference,direction,type") and len(lines) == 2 and lines[1].startswith("PE-A,")
    )
    book = client.get("/requests/export/?format=xlsx")
    assert book.content[:2] == b"PK"
    assert logged_in(nigeria.officer).get("/requests/export/?format=csv").getvalue().decode().count("\n") == 2
    assert "PE-" not in logged_in(nigeria.officer).get("/requests/export/").getvalue().decode()
    assert Client().get("/requests/export/").status_code == 302


def _xlsx_values(content: bytes) -> list[list[str]]:
    """The workbook's cells as the CSV gives them; its dates are dates (a spreadsheet's own type)."""
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    dated = [i for i, name in enumerate(rows[0]) if str(name).endswith("_on")]
    for row in rows[1:]:
        assert all(row[i] is None or isinstance(row[i], datetime.datetime) for i in dated), row
    return [
        [
            c.date().isoformat() if isinstance(c, datetime.datetime) else str(c) if c is not None else ""
            for c in row
        ]
        for row in rows
    ]


def test_an_xlsx_export_is_made_in_the_background_and_downloaded_once(
    peru, switzerland, nigeria, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.VAR_DIR = tmp_path
    make_request(peru, switzerland, requesting_reference="PE-A", type="extradition")
    make_request(peru, switzerland, requesting_reference="PE-B")
    make_request(switzerland, nigeria, requesting_reference="CH-NOT-OURS", type="extradition")
    client = logged_in(peru.officer)
    with django_capture_on_commit_callbacks(execute=True):  # the job is queued once its row is committed
        started = client.post("/requests/export/xlsx/", {"query": "type=extradition"})
    job_url = started["Location"]
    page = client.get(job_url).content.decode()
    assert "Download the workbook (1 request)" in page and "Type: <strong>Extradition</strong>" in page
    partial = client.get(job_url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and "every 1s" not in partial  # finished: no more polling
    # Outsiders see neither the job nor its file, and their attempts do not use the download up.
    for outsider in (logged_in(peru.head), logged_in(nigeria.officer)):
        assert outsider.get(job_url).status_code == 404
        assert outsider.get(f"{job_url}file").status_code == 404
    assert Client().get(f"{job_url}file").status_code == 302
    download = client.get(f"{job_url}file")
    assert download["Content-Disposition"].startswith('attachment; filename="requests-')
    content = b"".join(download.streaming_content)
    # The same rows as the CSV of the same selection.
    csv_rows = list(
        csv.reader(io.StringIO(client.get("/requests/export/?type=extradition").getvalue().decode()))
    )
    assert _xlsx_values(content) == csv_rows and [row[0] for row in csv_rows] == ["reference", "PE-A"]
    # Once downloaded, the file is gone from the server.
    assert not list((tmp_path / "exports").iterdir())
    assert client.get(f"{job_url}file").status_code == 404
    assert "no longer on the server" in client.get(job_url).content.decode()


def test_an_xlsx_export_needs_valid_filters_and_a_login(peru):
    client = logged_in(peru.officer)
    assert client.post("/requests/export/xlsx/", {"query": "received_after=not-a-date"}).status_code == 422
    assert client.get("/requests/export/xlsx/").status_code == 405
    assert Client().post("/requests/export/xlsx/", {"query": ""}).status_code == 302


def test_a_preparing_export_shows_a_progress_bar_that_polls(peru, switzerland, tmp_path, settings):
    settings.VAR_DIR = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # never runs
    make_request(peru, switzerland, requesting_reference="PE-A")
    client = logged_in(peru.officer)
    job_url = client.post("/requests/export/xlsx/", {"query": ""})["Location"]
    partial = client.get(job_url, HTTP_HX_REQUEST="true").content.decode()
    assert "<progress" in partial and "every 1s" in partial and "Selecting the requests" in partial
    assert client.get(f"{job_url}file").status_code == 404  # nothing to download yet


def test_an_export_never_downloaded_is_deleted_after_a_day(
    peru, switzerland, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.VAR_DIR = tmp_path
    make_request(peru, switzerland, requesting_reference="PE-A")
    client = logged_in(peru.officer)
    with django_capture_on_commit_callbacks(execute=True):
        old_url = client.post("/requests/export/xlsx/", {"query": ""})["Location"]
    assert len(list((tmp_path / "exports").iterdir())) == 1
    ExportJob.objects.update(updated_at=timezone.now() - datetime.timedelta(hours=25))
    with django_capture_on_commit_callbacks(execute=True):  # any new export clears the old files
        new_url = client.post("/requests/export/xlsx/", {"query": ""})["Location"]
    assert len(list((tmp_path / "exports").iterdir())) == 1
    assert client.get(f"{old_url}file").status_code == 404
    assert "deleted before it was downloaded" in client.get(old_url).content.decode()
    assert client.get(f"{new_url}file").status_code == 200
    # The daily command does the same without waiting for an export.
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/requests/export/xlsx/", {"query": ""})
    ExportJob.objects.filter(state=ExportJob.State.READY).update(
        updated_at=timezone.now() - datetime.timedelta(hours=25)
    )
    out = io.StringIO()
    call_command("expire_exports", stdout=out)
    assert out.getvalue() == "1 expired exports deleted\n" and not list((tmp_path / "exports").iterdir())


def test_export_reads_the_requests_and_their_codes_in_one_query(peru, switzerland, django_assert_num_queries):
    """A register of 190,000 requests took over a minute to export when each request was a model
    instance with its offences, measures and grounds prefetched; now one query reads them all."""
    make_request(peru, switzerland, requesting_reference="PE-1", measures=["bank-records", "search-seizure"])
    client = logged_in(peru.officer)
    # user, then the requests with their authorities' names and codes (the session is in the cache)
    with django_assert_num_queries(2):
        first = client.get("/requests/export/?format=csv").getvalue().decode()
    for n in range(2, 12):
        make_request(peru, switzerland, requesting_reference=f"PE-{n}", offences=["uncac-15", "uncac-23"])
    with django_assert_num_queries(2):
        lines = client.get("/requests/export/?format=csv").getvalue().decode().splitlines()
    assert lines[1] == first.splitlines()[1] and len(lines) == 12
    assert ",bank-records;search-seizure," in lines[1] and ",uncac-15;uncac-23," in lines[-1]


def test_a_large_register_downloads_in_pieces_as_the_command_line_writes_it(peru, tmp_path):
    """The page streams the CSV as it is written (a whole register was held in memory first)."""
    peru.authority.name = "Fiscalía de la Nación"
    peru.authority.save()
    rows = [ROWS[0].replace("PE-IN-1,", f"PE-IN-{n},") for n in range(600)]
    source = tmp_path / "register.csv"
    source.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    call_command(
        "import", "requests", str(source), "--authority", str(peru.authority.pk), stdout=io.StringIO()
    )
    written = tmp_path / "written.csv"
    call_command("export", "requests", "--authority", str(peru.authority.pk), "--output", str(written))

    response = logged_in(peru.officer).get("/requests/export/?format=csv")
    assert response.streaming and response["Content-Disposition"].endswith('.csv"')
    pieces = list(response.streaming_content)
    assert len(pieces) > 1
    assert b"".join(pieces) == written.read_bytes()
    assert written.read_text(encoding="utf-8").count("\n") == 601


def test_import_page_checks_in_the_background_then_imports_on_confirmation(
    peru, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.VAR_DIR = tmp_path
    peru.authority.name = "Fiscalía de la Nación"
    peru.authority.save()
    client = logged_in(peru.officer)
    assert (
        client.get("/requests/import/template.csv").getvalue().decode().startswith("reference,direction,type")
    )
    bad = ("\n".join([HEADER, ROWS[0].replace(",mla,", ",mutual,")]) + "\n").encode()
    with django_capture_on_commit_callbacks(execute=True):  # the job is queued once its row is committed
        response = client.post("/requests/import/", {"file": _upload("bad.csv", bad)})
    response = client.get(response["Location"])
    page = response.content.decode()
    assert response.status_code == 422 and "nothing was imported" in page and "Unknown code “" in page

    good = ("\n".join([HEADER, *ROWS]) + "\n").encode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/requests/import/", {"file": _upload("good.csv", good)})
    job_url = response["Location"]
    checked = client.get(job_url)
    assert "3 new requests" in checked.content.decode() and Request.objects.count() == 0
    partial = client.get(job_url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and "Ready to import" in partial and "every 1s" not in partial
    assert logged_in(peru.head).get(job_url).status_code == 404  # a job is its user's only
    assert logged_in(peru.head).post(job_url).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        client.post(job_url, {"new_authorities": "create"})  # the file's three counterparts are new
    done = client.get(job_url)
    assert "3 requests imported." in done.content.decode() and Request.objects.count() == 3
    assert client.post(job_url).status_code == 200 and Request.objects.count() == 3  # no second import
    with django_capture_on_commit_callbacks(execute=True):  # the same file again: nothing new to import
        again = client.post("/requests/import/", {"file": _upload("good.csv", good)})
    assert "Nothing new to import" in client.get(again["Location"]).content.decode()
    assert not list((tmp_path / "uploads").iterdir())  # the upload is not kept
    assert logged_in(peru.viewer).get("/requests/import/").status_code == 403


def test_import_pages_say_one_request_in_the_singular(
    peru, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.VAR_DIR = tmp_path
    client = logged_in(peru.officer)
    one = ("\n".join([HEADER, ROWS[0]]) + "\n").encode()
    with django_capture_on_commit_callbacks(execute=True):
        job_url = client.post("/requests/import/", {"file": _upload("one.csv", one)})["Location"]
    checked = client.get(job_url).content.decode()
    assert "1 new request</li>" in checked and "Import 1 request</button>" in checked
    with django_capture_on_commit_callbacks(execute=True):
        client.post(job_url, {"new_authorities": "create"})
    done = client.get(job_url).content.decode()
    assert "1 request imported." in done and "already there" not in done
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post("/requests/import/", {"file": _upload("one.csv", one)})["Location"]
    assert "1 already in Comity, left as it is" in client.get(again).content.decode()


def test_a_running_job_shows_a_progress_bar_that_polls(peru, tmp_path, settings):
    settings.VAR_DIR = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # never runs
    client = logged_in(peru.officer)
    content = ("\n".join([HEADER, *ROWS]) + "\n").encode()
    job_url = client.post("/requests/import/", {"file": _upload("good.csv", content)})["Location"]
    partial = client.get(job_url, HTTP_HX_REQUEST="true").content.decode()
    assert "<progress" in partial and "every 1s" in partial and "0 / 3 rows" in partial


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_health_needs_no_login_and_no_database():
    # Without the db fixture, any query would raise: the view touches no database.
    assert Client().get("/healthz").content == b"ok\n"


def test_the_preview_names_new_counterparts_with_the_closest_known_and_creates_them_only_if_confirmed(
    peru, switzerland, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.VAR_DIR = tmp_path
    client = logged_in(peru.officer)
    typo = ROWS[0].replace("Federal Office of Justice", "Federal Ofice of Justise")
    content = ("\n".join([HEADER, typo]) + "\n").encode()
    with django_capture_on_commit_callbacks(execute=True):
        job_url = client.post("/requests/import/", {"file": _upload("typo.csv", content)})["Location"]
    preview = client.get(job_url).content.decode()
    assert "1 counterpart is not in Comity" in preview
    assert "Federal Ofice of Justise" in preview and "Federal Office of Justice" in preview  # the suggestion
    authorities = Authority.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(job_url)  # the box not ticked
    assert "Tick the box to create the new authorities" in refused.content.decode()
    assert Request.objects.count() == 0 and Authority.objects.count() == authorities
    with django_capture_on_commit_callbacks(execute=True):
        client.post(job_url, {"new_authorities": "create"})
    assert Request.objects.count() == 1
    created = Authority.objects.get(name="Federal Ofice of Justise")
    assert (
        created.external
        and AuditEntry.objects.filter(action="authority.create", object_id=str(created.pk)).exists()
    )


def test_the_import_template_has_an_example_and_explains_every_column_and_code(peru):
    client = logged_in(peru.officer)
    response = client.get("/requests/import/template.xlsx")
    assert response["Content-Disposition"].endswith('.xlsx"')
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    to_fill, example, columns, codes = book.worksheets
    header = [c.value for c in next(to_fill.iter_rows())]
    assert to_fill.max_row == 1 and header[:3] == ["reference", "direction", "type"]
    rows = list(example.iter_rows(values_only=True))
    assert list(rows[0]) == header and rows[1][0] == "PE-UCJIE-2024-0042"
    explained = {row[0]: row for row in columns.iter_rows(min_row=2, values_only=True)}
    assert set(explained) == set(header)
    assert "mla" in explained["type"][3] and explained["reference"][1] == "yes"
    listed = {(row[0], row[1]) for row in codes.iter_rows(min_row=2, values_only=True)}
    assert ("offences", "uncac-23") in listed and ("refusal_grounds", "bank-secrecy") in listed
    # The example is a correct row: checked as a file of its own, it would import.
    sample = io.BytesIO(
        ("\n".join([",".join(header), ",".join(f'"{v or ""}"' for v in rows[1])]) + "\n").encode()
    )
    preview = transfer.import_requests(sample, "example.csv", authority=peru.authority, commit=False)
    assert preview.created == 1
    assert client.get("/requests/import/template.csv").getvalue().decode().startswith("reference,direction")


def test_an_xlsx_export_adds_the_codes_labels_and_the_csv_keeps_codes_only(peru, switzerland):
    """#21 item 4: the data keep the stable codes (the file imports back in any language); an XLSX
    export adds a sheet of every code's label in the user's language, as the import template has."""
    make_request(peru, switzerland, requesting_reference="PE-1")
    client = logged_in(peru.officer)
    response = client.get("/requests/export/?format=xlsx")
    book = openpyxl.load_workbook(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )
    assert book.sheetnames == ["requests", "codes"]
    labels = {
        (column, code): label for column, code, label in book["codes"].iter_rows(min_row=2, values_only=True)
    }
    assert labels[("type", "mla")] == str(RequestType.MLA.label)
    assert [row[2] for row in book["requests"].iter_rows(min_row=2, values_only=True)] == ["mla"]
    csv_text = client.get("/requests/export/?format=csv").getvalue().decode()
    assert ",mla," in csv_text and str(RequestType.MLA.label) not in csv_text
