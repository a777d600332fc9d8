"""/api/docs works on a machine with no internet: Swagger UI comes from Patron itself."""

import json
import re

import pytest

from patron.web.tests.browsing import log_in

EXTERNAL = re.compile(r"^(https?:)?//", re.IGNORECASE)


def referenced(html):
    """Every URL the page's tags load: scripts, style sheets, icons."""
    return re.findall(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"', html)


def test_the_docs_page_loads_nothing_from_another_site(client, db):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    urls = referenced(html)
    assert any(url.endswith("swagger-ui-bundle.js") for url in urls)
    assert any(url.endswith("swagger-ui.css") for url in urls)
    assert [url for url in urls if EXTERNAL.match(url)] == []
    assert not re.search(r"https?://", html)  # not in an inline script or style either


def test_every_file_the_docs_page_needs_is_served(client, db):
    for url in referenced(client.get("/api/docs").content.decode()):
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert len(body) > 500, url


def test_swagger_ui_reads_our_document_and_calls_no_validator(client, db):
    html = client.get("/api/docs").content.decode()
    found = re.search(r'<script type="application/json" id="swagger-settings">(.*?)</script>', html, re.S)
    settings = json.loads(found.group(1))
    assert settings["url"] == "/api/openapi.json"
    assert settings["validatorUrl"] is None


@pytest.mark.browser
def test_swagger_ui_renders_with_the_network_cut_off(page, live_server, staff):
    """Every request that leaves the test server is refused, as on a machine offline."""
    staff("maria")
    left, failed = [], []

    def only_ours(route):
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            left.append(route.request.url)
            route.abort()

    page.route("**/*", only_ours)
    log_in(page, live_server, "maria")
    page.wait_for_load_state("networkidle")  # the list page's own requests are done
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.goto(f"{live_server.url}/api/docs")
    page.wait_for_load_state("networkidle")
    page.locator(".swagger-ui .info .title").wait_for()
    assert "Patron API" in page.locator(".swagger-ui .info .title").inner_text()
    page.locator(".opblock").first.wait_for()
    assert page.locator(".opblock").count() > 20
    assert page.locator(".opblock-tag", has_text="customers").count() == 1
    assert left == [] and failed == []


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_no_two_schemas_share_a_name(client, db):
    """The OpenAPI document names each schema by its class's name: a second class of the same
    name silently takes the first's place, and the document then describes one answer wrongly."""
    from ninja import Schema

    client.get("/api/openapi.json")  # every router registered
    names = {}
    for schema in _subclasses(Schema):
        if schema.__module__.startswith("patron."):
            names.setdefault(schema.__name__, set()).add(schema.__module__)
    assert {name: modules for name, modules in names.items() if len(modules) > 1} == {}
