"""What every answer tells the browser (policies, no storing of personal data), templates that
keep to the policy, and refused requests logged in one line."""

import io
import logging
import re
from pathlib import Path

import pytest

from patron.conftest import with_token
from patron.web.security import CONTENT_SECURITY_POLICY

pytestmark = pytest.mark.django_db

PATRON = Path(__file__).resolve().parents[2]


def assert_policies(response):
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self';" in CONTENT_SECURITY_POLICY and "unsafe" not in CONTENT_SECURITY_POLICY
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_page_carries_the_policies_and_is_not_stored(client, lan, thai_shop):
    client.force_login(lan)
    response = client.get("/customers/")
    assert response.status_code == 200
    assert_policies(response)
    assert "no-store" in response["Cache-Control"]


def test_the_log_in_page_and_an_error_page_are_not_stored_either(client, thai_shop):
    for url in ("/login/", "/no-such-page/"):
        assert "no-store" in client.get(url)["Cache-Control"]


def test_an_api_answer_carries_the_policies_and_is_not_stored(client, lan, thai_shop):
    response = with_token(client, lan).get("/api/customers")
    assert response.status_code == 200
    assert_policies(response)
    assert "no-store" in response["Cache-Control"]


def test_a_static_file_carries_the_policies_and_may_be_cached(client):
    response = client.get("/static/patron/js/patron.js")
    assert response.status_code == 200
    assert_policies(response)
    assert "no-store" not in response.get("Cache-Control", "")


INLINE = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I),
    "event handler attribute": re.compile(r"\son[a-z]+\s*=", re.I),
    "htmx inline handler": re.compile(r"\bhx-on", re.I),
    "style attribute": re.compile(r"\sstyle\s*=", re.I),
    "style element": re.compile(r"<style", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


def test_no_template_holds_what_the_policy_refuses():
    found = [
        f"{path.relative_to(PATRON)}: {what}"
        for path in sorted(PATRON.glob("*/templates/**/*.html"))
        for what, pattern in INLINE.items()
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_htmx_runs_without_eval_and_without_injected_styles(client, lan, thai_shop):
    client.force_login(lan)
    page = client.get("/customers/").content.decode()
    config = re.search(r'<meta name="htmx-config" content=\'([^\']+)\'>', page).group(1)
    assert '"allowEval": false' in config and '"includeIndicatorStyles": false' in config


@pytest.fixture
def console():
    """What the console handler writes, as the server's log shows it."""
    handler = next(h for h in logging.getLogger().handlers if h.filters)
    written = io.StringIO()
    previous = handler.setStream(written)
    yield written
    handler.setStream(previous)


def test_a_refused_request_is_logged_in_one_line_without_a_traceback(client, maria, thai_shop, console):
    client.force_login(maria)  # an Analyst, who may not add customers
    assert client.get("/customers/new/").status_code == 403
    logged = console.getvalue()
    assert [line for line in logged.splitlines() if "/customers/new/" in line] == [
        "Forbidden (Permission denied): /customers/new/"
    ]
    assert "Traceback" not in logged


def test_a_suspicious_request_is_logged_in_one_line(client, console):
    assert client.get("/login/", HTTP_HOST="evil.example").status_code == 400
    logged = console.getvalue()
    assert "Invalid HTTP_HOST header: 'evil.example'" in logged and "Traceback" not in logged


def test_a_server_error_keeps_its_traceback(console):
    logger = logging.getLogger("django.request")
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logger.error("Internal Server Error: /x", exc_info=True, extra={"status_code": 500})
    assert "Traceback" in console.getvalue()
