"""The Federation page in a real browser (#25 items 3 and 7): where no network link is allowed, an
administrator receives a peer's package file on the page and downloads the signed receipt to carry
back; the page reads in Arabic (right to left) and Chinese at a desktop's and a narrow width."""

import pytest
from playwright.sync_api import expect

from comity.accounts.choices import Role
from comity.accounts.tests.factories import UserFactory
from comity.federation.models import Message, Peer
from comity.federation.tests.test_inbox import World

pytestmark = [pytest.mark.browser]


@pytest.mark.django_db(transaction=True)
def test_an_administrator_receives_a_package_file_and_downloads_its_receipt(
    page_as, live_server, peru, tmp_path
):
    world = World(peru, tmp_path)
    UserFactory(username="pe-admin", authority=peru.authority, role=Role.ADMIN, is_staff=True)
    package = tmp_path / "from-ch.jose"
    package.write_bytes(world.package())

    page = page_as("pe-admin")
    page.goto(f"{live_server.url}/federation/")
    expect(page.get_by_role("heading", name="Peer deployments")).to_be_visible()
    peer = Peer.objects.get(name="ch.comity.test")
    expect(page.locator(f"#peer-{peer.pk}")).to_contain_text("its key document, imported by hand")
    page.get_by_label("Package file").set_input_files(str(package))
    page.get_by_role("button", name="Receive", exact=True).click()
    expect(page.locator("#import-receipt")).to_contain_text("The package was received.")
    message = Message.objects.get(direction="in")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the receipt").click()
    assert download.value.suggested_filename == f"receipt-{message.message_id}.jose"
    saved = tmp_path / "receipt.jose"
    download.value.save_as(saved)
    assert saved.read_text() == message.receipts.get(evidence="DELIVERY").token
    page.screenshot(path="/tmp/comity-federation-en-1280.png", full_page=True)

    # the received message is listed with the same receipt, for later
    page.goto(f"{live_server.url}/federation/?state=received")
    with page.expect_download() as again:
        page.get_by_role("link", name="Receipt file").click()
    assert again.value.suggested_filename == f"receipt-{message.message_id}.jose"

    page.set_viewport_size({"width": 800, "height": 900})
    page.screenshot(path="/tmp/comity-federation-en-800.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    for language, direction in (("ar", "rtl"), ("zh-hans", "ltr")):
        page.locator("select[name=language]").select_option(language)
        expect(page.locator("html")).to_have_attribute("lang", language)
        page.goto(f"{live_server.url}/federation/")
        assert page.evaluate("getComputedStyle(document.body).direction") == direction
        page.screenshot(path=f"/tmp/comity-federation-{language}-1280.png", full_page=True)
        page.set_viewport_size({"width": 800, "height": 900})
        page.screenshot(path=f"/tmp/comity-federation-{language}-800.png", full_page=True)
        page.goto(f"{live_server.url}/federation/peers/{peer.pk}/revoke/")
        page.screenshot(path=f"/tmp/comity-federation-revoke-{language}-800.png", full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})
