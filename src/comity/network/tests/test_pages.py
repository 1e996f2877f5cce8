"""The network's pages (#22 items 1-3, 7): the directory, an entry with its contacts and history,
its editing by the authority's own editors, the finder, the inbox and memberships; each a 404 to a
non-member, a suspended member, or anyone the page is not for."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import translation

from comity.accounts.models import Authority, User
from comity.guidance.tests.helpers import document, stored
from comity.network import services
from comity.network.models import ContactPerson, DirectoryChange, DirectoryEntry, Membership, Notification
from comity.network.tests.helpers import editor, entry, hub


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_members_read_the_directory_others_get_404(peru, switzerland, nigeria):
    hub(peru, switzerland)
    entry(peru), entry(switzerland)
    viewer = logged_in(peru.viewer)
    page = viewer.get("/network/")
    assert page.status_code == 200 and "Federal Office of Justice" in page.text and "Fiscalía" in page.text
    assert 'href="/network/"' in viewer.get("/requests/").text  # the navigation's link
    assert viewer.get("/network/?country=CH").text.count("/network/directory/") >= 1
    assert f"/network/directory/{peru.authority.pk}/" not in viewer.get("/network/?country=CH").text
    assert viewer.get("/network/?country=XX").status_code == 422
    detail = viewer.get(f"/network/directory/{switzerland.authority.pk}/")
    assert detail.status_code == 200 and "History" in detail.text and "Edit the entry" not in detail.text
    # Lists are joined as the reader's language joins them (no Latin comma in Arabic).
    assert "Spanish and English" in detail.text
    arabic = viewer.get(f"/network/directory/{switzerland.authority.pk}/", HTTP_ACCEPT_LANGUAGE="ar").text
    assert "الإسبانية والإنجليزية" in arabic
    outsider = logged_in(nigeria.officer)
    for url in (
        "/network/",
        f"/network/directory/{peru.authority.pk}/",
        "/network/finder/?country=PE",
        "/network/inbox/",
        "/network/memberships/",
        f"/network/directory/{peru.authority.pk}/edit/",
    ):
        assert outsider.get(url).status_code == 404, url
    assert 'href="/network/"' not in outsider.get("/requests/").text
    assert Client().get("/network/").status_code == 302  # the public: to the login page
    services.membership_suspend(
        actor=None, membership=Membership.objects.get(authority=switzerland.authority)
    )
    assert logged_in(switzerland.officer).get("/network/").status_code == 404
    assert logged_in(switzerland.officer).get("/network/finder/").status_code == 404


def test_an_editor_edits_confirms_and_keeps_contacts_others_get_404(peru, switzerland):
    hub(peru, switzerland)
    entry(switzerland)
    officer = editor(peru)
    client = logged_in(officer)
    first = client.get(f"/network/directory/{peru.authority.pk}/")  # no entry yet: make it
    assert first.status_code == 302 and first.url.endswith("/edit/")
    bad = client.post(
        f"/network/directory/{peru.authority.pk}/edit/", {"languages": "es, klingon", "competences": ["mla"]}
    )
    assert bad.status_code == 422 and "Unknown language klingon" in bad.text
    assert not DirectoryEntry.objects.filter(authority=peru.authority).exists()
    saved = client.post(
        f"/network/directory/{peru.authority.pk}/edit/",
        {
            "competences": ["mla", "urgent-24-7"],
            "languages": "es, en",
            "channels": ["direct"],
            "uncac_accepted": "on",
            "links": "https://www.mpfn.gob.pe/ Guía de cooperación",
        },
    )
    assert saved.status_code == 302
    made = DirectoryEntry.objects.get(authority=peru.authority)
    assert made.languages == ["es", "en"] and made.links == [
        {"url": "https://www.mpfn.gob.pe/", "title": "Guía de cooperación"}
    ]
    contact_url = f"/network/directory/{peru.authority.pk}/contacts/new/"
    assert client.post(contact_url, {"name": "Ana Quispe", "time_zone": "Lima"}).status_code == 422
    assert (
        client.post(
            contact_url, {"name": "Ana Quispe", "time_zone": "America/Lima", "urgent": "on"}
        ).status_code
        == 302
    )
    contact = ContactPerson.objects.get()
    change = client.post(
        f"/network/directory/{peru.authority.pk}/contacts/{contact.pk}/",
        {"name": "Ana Quispe Rojas", "time_zone": "America/Lima"},
    )
    assert change.status_code == 302 and ContactPerson.objects.get().name == "Ana Quispe Rojas"
    assert client.post(f"/network/directory/{peru.authority.pk}/confirm/").status_code == 302
    page = client.get(f"/network/directory/{peru.authority.pk}/")
    assert (
        "Ana Quispe Rojas" in page.text
        and "Entry confirmed" in page.text
        and "Contact person changed" in page.text
    )
    # The history names the changed fields as the reader's language does, not by their codes.
    assert "time zone" in page.text and "time_zone" not in page.text
    assert (
        "fonction"
        in logged_in(officer)
        .get(f"/network/directory/{peru.authority.pk}/", HTTP_ACCEPT_LANGUAGE="fr")
        .text.split("Historique")[1]
    )
    # Switzerland's officer, even a directory editor, cannot touch Peru's entry
    other = logged_in(editor(switzerland))
    for url in (
        f"/network/directory/{peru.authority.pk}/edit/",
        f"/network/directory/{peru.authority.pk}/confirm/",
        f"/network/directory/{peru.authority.pk}/contacts/new/",
        f"/network/directory/{peru.authority.pk}/contacts/{contact.pk}/",
        f"/network/directory/{peru.authority.pk}/contacts/{contact.pk}/remove/",
    ):
        assert other.post(url, {"name": "x", "time_zone": "UTC"}).status_code == 404, url
    assert logged_in(peru.viewer).post(f"/network/directory/{peru.authority.pk}/confirm/").status_code == 404
    removed = client.post(f"/network/directory/{peru.authority.pk}/contacts/{contact.pk}/remove/")
    assert removed.status_code == 302 and not ContactPerson.objects.exists()
    assert DirectoryChange.objects.filter(entry=made).count() == 5


def test_the_finder_page_answers_with_the_best_match_first(peru, switzerland):
    hub(peru, switzerland)
    made = entry(switzerland, competences=["mla"], languages=["de", "fr"])
    services.contact_save(actor=None, entry=made, name="MLA desk", time_zone="Europe/Zurich")
    client = logged_in(peru.officer)
    assert "Who do I ask?" in client.get("/network/finder/").text
    found = client.get("/network/finder/?country=CH&measure=bank-records&proceeding=criminal")
    assert found.status_code == 200 and "Best match" in found.text and "MLA desk" in found.text
    assert "German" in found.text  # languages by name
    partial = client.get("/network/finder/?country=CH", HTTP_HX_REQUEST="true")
    assert "MLA desk" in partial.text and "<html" not in partial.text
    assert client.get("/network/finder/?country=&measure=magic").status_code == 422


def test_the_finder_page_leads_to_a_consultation_and_to_the_requirements(peru, switzerland, nigeria):
    hub(peru, switzerland)
    entry(switzerland), entry(nigeria)  # Nigeria is in the directory but not a member
    client = logged_in(peru.officer)
    opening = f'href="/network/consultations/new/?participants={switzerland.authority.pk}"'
    found = client.get("/network/finder/?country=CH&measure=bank-records").text
    assert opening in found and "/guidance/CH/" not in found  # no profile yet
    assert "Open a consultation" not in client.get("/network/finder/?country=NG").text
    assert opening not in logged_in(peru.viewer).get("/network/finder/?country=CH").text  # reads only
    stored(document("CH"))
    found = client.get("/network/finder/?country=CH&measure=bank-records").text
    assert 'href="/guidance/CH/?measure=bank-records"' in found
    form = client.get(f"/network/consultations/new/?participants={switzerland.authority.pk}", follow=True)
    assert f'<option value="{switzerland.authority.pk}" selected>' in form.text
    # The requirement profile's competent body leads members to the State's directory entries.
    profile = client.get("/guidance/CH/").text
    assert 'href="/network/?country=CH"' in profile
    assert 'href="/network/?country=CH"' not in logged_in(nigeria.officer).get("/guidance/CH/").text


def test_the_inbox_lists_notifications_and_marks_them_read(peru, switzerland):
    hub(peru, switzerland)
    services.notify(users=[peru.officer], kind="message", url="/network/consultations/1/")
    services.notify(users=[switzerland.officer], kind="message", url="/network/consultations/2/")
    client = logged_in(peru.officer)
    assert 'class="badge urgent"' in client.get("/requests/").text  # one unread, in the navigation
    page = client.get("/network/inbox/")
    assert "New message in a consultation" in page.text and page.text.count('name="id"') == 1
    mine = Notification.objects.get(user=peru.officer)
    theirs = Notification.objects.get(user=switzerland.officer)
    assert client.post("/network/inbox/read/", {"id": theirs.pk}).status_code == 404
    opened = client.post("/network/inbox/read/", {"id": mine.pk})
    assert opened.status_code == 302 and opened.url == "/network/consultations/1/"
    assert Notification.objects.get(pk=mine.pk).read_at and not Notification.objects.get(pk=theirs.pk).read_at
    client.post("/network/inbox/read/")
    assert not Notification.objects.filter(user=peru.officer, read_at__isnull=True).exists()


@pytest.fixture
def administrator(switzerland):
    switzerland.head.user_permissions.add(Permission.objects.get(codename="administer_network"))
    return type(switzerland.head).objects.get(pk=switzerland.head.pk)


def test_a_head_asks_to_join_and_an_administrator_decides(peru, switzerland, nigeria, administrator):
    network = hub(switzerland)
    head = logged_in(nigeria.head)
    assert 'href="/network/memberships/"' in head.get("/requests/").text  # a head of a non-member
    assert "Ask to join" in head.get("/network/memberships/").text
    assert logged_in(nigeria.officer).get("/network/memberships/").status_code == 404
    bad = head.post("/network/memberships/request/", {"network": network.pk, "sponsor": peru.authority.pk})
    assert bad.status_code == 422 and "The sponsor must be a member" in bad.text
    asked = head.post(
        "/network/memberships/request/", {"network": network.pk, "sponsor": switzerland.authority.pk}
    )
    assert asked.status_code == 302
    membership = Membership.objects.get(authority=nigeria.authority)
    assert membership.state == "requested" and membership.requested_by == nigeria.head
    assert Notification.objects.filter(user=administrator, kind="membership").exists()
    admin = logged_in(administrator)
    assert "Nigeria" in admin.get("/network/memberships/").text
    assert (
        head.post(f"/network/memberships/{membership.pk}/approve/").status_code == 404
    )  # not an administrator
    assert admin.post(f"/network/memberships/{membership.pk}/approve/").status_code == 302
    assert Membership.objects.get(pk=membership.pk).state == "approved"
    assert Notification.objects.filter(user=nigeria.head, kind="membership").exists()
    assert logged_in(nigeria.viewer).get("/network/").status_code == 200
    admin.post(f"/network/memberships/{membership.pk}/suspend/")
    assert logged_in(nigeria.viewer).get("/network/").status_code == 404
    assert admin.post(f"/network/memberships/{membership.pk}/magic/").status_code == 404


def test_the_memberships_page_comes_a_page_at_a_time(peru, switzerland, nigeria, administrator, monkeypatch):
    monkeypatch.setattr("comity.network.views.PAGE_SIZE", 2)
    hub(peru, switzerland, nigeria)
    admin = logged_in(administrator)
    first, last = admin.get("/network/memberships/"), admin.get("/network/memberships/?page=2")
    assert first.text.count('class="badge membership-') == 2 and "Page 1 of 2" in first.text
    assert last.text.count('class="badge membership-') == 1 and "?&amp;page=1" in last.text


def test_the_network_pages_link_to_each_other(peru, switzerland):
    """Every page of the network leads to its other parts; the memberships page only for a head of
    unit or a network administrator (a permission, whatever the role), the case pages only for the
    roles that read cases."""
    hub(peru, switzerland)
    peru.officer.user_permissions.add(Permission.objects.get(codename="administer_network"))
    sections = ("/network/consultations/", "/network/meetings/", "/network/alerts/", "/statistics/network/")
    for url in ("/network/inbox/", *sections):
        page = logged_in(peru.officer).get(url).text
        assert all(f'href="{section}"' in page for section in sections), url
        assert 'href="/network/memberships/"' in page, url
    plain = logged_in(switzerland.officer).get("/network/alerts/").text
    assert 'href="/network/consultations/"' in plain and 'href="/network/memberships/"' not in plain


def test_the_top_bar_follows_the_badge_role_and_language_at_once(peru, switzerland):
    """The top bar's links are kept from one page to the next (a fragment cache in each worker);
    what they show changes at the next page all the same."""
    hub(peru, switzerland)
    client = logged_in(peru.officer)
    new_request = f'<li><a href="{reverse("request-create")}">New request</a></li>'
    first = client.get("/requests/").text
    assert new_request in first and 'title="Unread notifications"' not in first
    services.notify(users=[peru.officer], kind="message", url="/network/consultations/1/")
    assert 'title="Unread notifications">1</a>' in client.get("/requests/").text
    # The network's own menu likewise: its unread count, its current section, the memberships link.
    assert 'Inbox <span class="badge urgent">1</span>' in client.get("/network/").text
    assert 'href="/network/finder/" aria-current="page"' in client.get("/network/finder/").text
    assert 'href="/network/memberships/"' not in client.get("/network/").text
    peru.officer.user_permissions.add(Permission.objects.get(codename="administer_network"))
    assert 'href="/network/memberships/"' in client.get("/network/").text
    User.objects.filter(pk=peru.officer.pk).update(role="viewer")
    assert new_request not in client.get("/requests/").text
    Authority.objects.filter(pk=peru.authority.pk).update(name="Procuraduría renamed")
    assert "<bdi>Procuraduría renamed</bdi>" in client.get("/requests/").text
    User.objects.filter(pk=peru.officer.pk).update(language="fr")
    with translation.override("fr"):
        requests = f'<li><a href="{reverse("request-list")}">{translation.gettext("Requests")}</a></li>'
    assert requests in client.get("/requests/").text and "Requests</a>" not in client.get("/requests/").text
