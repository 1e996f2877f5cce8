"""A refused action is explained on the site's own page, or on the form again with what was typed
(#18 item 9): never Django's bare "403 Forbidden"."""

from django.test import Client


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_viewer_opening_the_new_request_form_gets_the_sites_page_with_the_reason(peru):
    response = logged_in(peru.viewer).get("/requests/new/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "Log out" in html and "/requests/" in html  # the site's navigation
    assert "reads cases but does not change them" in html
    assert "<h1>403 Forbidden</h1>" not in html


def test_the_secretariat_opening_asset_figures_is_told_why(secretariat_user):
    response = logged_in(secretariat_user).get("/statistics/assets/")
    assert response.status_code == 403
    assert "Log out" in response.content.decode()


def test_an_agreement_between_two_other_states_comes_back_as_typed_with_the_reason(peru):
    typed = {
        "title": "Return of the Andes funds",
        "returning_state": "CH",
        "receiving_state": "NG",
        "signed_on": "2024-05-02",
        "amount": "1234567.89",
        "currency": "USD",
        "purpose": "Hospitals in the north",
        "monitoring_body": "World Bank",
    }
    response = logged_in(peru.officer).post("/ledger/agreements/", typed)
    assert response.status_code == 403
    html = response.content.decode()
    assert "Only officers of a party to the agreement may record in the ledger." in html
    for value in ("Return of the Andes funds", "1234567.89", "Hospitals in the north", "World Bank"):
        assert value in html
    assert "Log out" in html


def test_an_unknown_page_is_the_sites_own(peru):
    response = logged_in(peru.officer).get("/no-such-page/")
    assert response.status_code == 404
    assert "Log out" in response.content.decode()
