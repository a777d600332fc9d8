"""Every main page under the Content-Security-Policy, in a real browser: no violation reported,
and what htmx and the page scripts do still works (search as you type, logging an interaction,
an import's progress polled, the language menu, the charts and the API docs)."""

import pytest
from django.utils import timezone

from patron.customers.tests.factories import make_customer
from patron.demo.generator import generate_shop
from patron.imports.models import ImportRun
from patron.scoring.services import customers_score
from patron.web.tests.browsing import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def shop(staff, thai_shop):
    somchai = staff("somchai")
    generate_shop("TH", 1000, seed=5)
    customers_score(by=somchai)
    return {"somsri": make_customer(somchai, "somsri")}


@pytest.fixture
def violations(page):
    """Violations as Chromium reports them: console errors naming the policy, and the
    securitypolicyviolation events (listened to by an init script, which the policy does not cover)."""
    reported = []
    page.on(
        "console", lambda message: "Content Security Policy" in message.text and reported.append(message.text)
    )
    page.on("pageerror", lambda error: reported.append(f"page error: {error}"))
    page.add_init_script(
        "window.cspViolations = [];"
        "document.addEventListener('securitypolicyviolation', e =>"
        " window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));"
    )

    def check():
        return reported + page.evaluate("window.cspViolations")

    return check


def test_the_main_pages_run_under_the_policy(page, live_server, shop, violations):
    log_in(page, live_server, "somchai")
    url = live_server.url
    pages = [
        "/customers/",
        f"/customers/{shop['somsri'].pk}/",
        f"/customers/{shop['somsri'].pk}/edit/",
        "/organisations/",
        "/imports/",
        "/duplicates/",
        "/duplicates/merges/",
        "/account/",
        "/workspace/",
        "/admin/",
        "/admin/customers/tag/",
    ]
    for path in pages:
        page.goto(url + path)
        page.wait_for_load_state("networkidle")
        assert violations() == [], path

    page.goto(f"{url}/value/")
    page.wait_for_function("() => document.getElementById('clv-chart').dataset.drawn === 'true'")
    shades = page.evaluate(
        "[...document.querySelectorAll('#rfm-grid td')].map(td => td.style.getPropertyValue('--shade'))"
    )
    assert (
        len(shades) == 25 and all(shades) and len(set(shades)) > 1
    )  # set by patron.js, not a style attribute
    widths = page.evaluate("[...document.querySelectorAll('#segments .bar')].map(bar => bar.style.width)")
    assert widths and all(width.endswith("%") for width in widths)
    page.goto(f"{url}/value/checks/")
    page.wait_for_function("() => document.getElementById('holdout-chart').dataset.drawn === 'true'")
    assert violations() == []


def test_search_as_you_type_and_logging_an_interaction_work_under_the_policy(
    page, live_server, shop, violations
):
    log_in(page, live_server, "somchai")
    page.fill("input[type=search]", "สมศรี")
    page.wait_for_function("() => document.querySelectorAll('#results tbody tr').length === 1")
    assert "สมศรี" in page.locator("#results tbody").inner_text()
    page.goto(f"{live_server.url}/customers/{shop['somsri'].pk}/")
    page.click("#log-interaction")
    page.fill("#id_subject", "Asked about opening hours")
    page.click("#save-interaction")
    page.locator("#interactions [role=status]").wait_for()
    assert shop["somsri"].interactions.count() == 1
    assert violations() == []


def test_the_language_menu_switches_without_an_inline_handler(page, live_server, staff, shop, violations):
    staff("lan")
    log_in(page, live_server, "lan")  # reads Vietnamese
    with page.expect_navigation():
        page.select_option("#language-switch", "tr")
    assert page.locator("html").get_attribute("lang") == "tr"
    assert violations() == []


def test_an_imports_progress_is_polled_under_the_policy(page, live_server, staff, shop, violations):
    lan = staff("lan")
    now = timezone.now()
    run = ImportRun.objects.create(
        kind="customers",
        source="pos",
        file_name="customers.csv",
        stored_path="/nonexistent/customers.csv",
        status=ImportRun.Status.RUNNING,
        rows_done=100,
        rows_estimated=1000,
        created_by=lan,
        started_at=now,
        heartbeat_at=now,
    )
    log_in(page, live_server, "lan")
    with page.expect_response(lambda response: f"/imports/{run.pk}/progress/" in response.url):
        page.goto(f"{live_server.url}/imports/{run.pk}/")
    assert page.locator("#progress-bar").get_attribute("value") == "100"
    ImportRun.objects.filter(pk=run.pk).update(rows_done=600, heartbeat_at=timezone.now())
    page.wait_for_function("() => document.getElementById('progress-bar').getAttribute('value') === '600'")
    assert violations() == []


def test_the_api_docs_render_under_the_policy(page, live_server, shop, violations):
    page.goto(f"{live_server.url}/api/docs")
    page.locator(".swagger-ui .opblock").first.wait_for()
    assert page.locator(".swagger-ui .opblock").count() > 20
    assert violations() == []
