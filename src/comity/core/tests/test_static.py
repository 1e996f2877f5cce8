import re

from django.test import Client


def test_every_style_sheet_and_script_a_page_links_is_served_with_debug_off(settings):
    """Under gunicorn (debug off) nothing but the application serves /static/: a page without
    them would lose its layout and htmx, and the list's filters would stop working."""
    assert settings.DEBUG is False
    page = Client().get("/login/")
    assert page.status_code == 200
    linked = re.findall(r'(?:href|src)="(/static/[^"]+)"', page.content.decode())
    kinds = {"css": "text/css", "js": "text/javascript"}
    assert {url.rsplit(".", 1)[1] for url in linked} == set(kinds)
    for url in linked:
        response = Client().get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith(kinds[url.rsplit(".", 1)[1]]), url
        assert b"".join(response.streaming_content if response.streaming else [response.content]), url
