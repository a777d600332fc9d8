"""The web kit: htmx partials, one pager for every list, panels on the customer page and menu
entries that apps register."""

import copy
import re

import pytest
from django.urls import reverse

from patron.customers.tests.factories import make_customer
from patron.customers.ui import customer_panels
from patron.duplicates.tests.factories import make_pair
from patron.organisations.services import organisation_create
from patron.web import navigation
from patron.web.navigation import NavEntry
from patron.web.panels import Panel

HTMX = {"HX-Request": "true", "HX-Target": "results"}


TEST_PANEL = '<section class="panel" id="test-panel">{{ greeting }} {{ customer.pk }}</section>'


@pytest.fixture
def test_templates(settings):
    """Templates only these tests use, held in memory beside the apps' own."""
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["APP_DIRS"] = False
    templates[0]["OPTIONS"]["loaders"] = [
        (
            "django.template.loaders.locmem.Loader",
            {"test/panel.html": TEST_PANEL},
        ),
        "django.template.loaders.app_directories.Loader",
    ]
    settings.TEMPLATES = templates


@pytest.mark.parametrize("list_name", ["customers:list", "organisations:list"])
def test_a_list_answers_htmx_with_its_results_only(client, somchai, thai_shop, list_name):
    make_customer(somchai, display_name="Somsri")
    organisation_create(by=somchai, name="Siam Distribution", kind="distributor")
    client.force_login(somchai)
    url = reverse(list_name)
    whole = client.get(url)
    partial = client.get(url, headers=HTMX)
    assert "<html" in whole.content.decode() and 'id="results"' in whole.content.decode()
    assert "<html" not in partial.content.decode() and "<table" in partial.content.decode()
    assert "HX-Request" in partial["Vary"] and "HX-Request" in whole["Vary"]
    # htmx restoring the page from its history, or aiming elsewhere, gets the whole page.
    restore = client.get(url, headers=HTMX | {"HX-History-Restore-Request": "true"})
    elsewhere = client.get(url, headers=HTMX | {"HX-Target": "main"})
    assert "<html" in restore.content.decode() and "<html" in elsewhere.content.decode()


def test_the_interaction_form_comes_alone_for_htmx_and_as_a_page_without(client, emre, thai_shop):
    customer = make_customer(emre, display_name="Somsri")
    client.force_login(emre)
    url = reverse("interactions:log", args=[customer.pk])
    assert url == f"/customers/{customer.pk}/interactions/new/"
    alone = client.get(url, headers={"HX-Request": "true", "HX-Target": "interaction-form"})
    page = client.get(url)
    assert alone.content.decode().lstrip().startswith("<form")
    assert "<html" in page.content.decode() and 'id="save-interaction"' in page.content.decode()


def _pagers(response):
    return [t.name for t in response.templates].count("web/_pager.html"), response.content.decode()


@pytest.mark.parametrize(
    "list_name", ["customers:list", "organisations:list", "duplicates:list", "duplicates:merges"]
)
def test_every_list_draws_the_one_pager(client, somchai, thai_shop, list_name):
    client.force_login(somchai)
    count, html = _pagers(client.get(reverse(list_name)))
    assert count == 1 and html.count("data-pager") == 1


def test_the_pager_keeps_the_filters_and_moves_both_ways(client, somchai, thai_shop, monkeypatch):
    for n in range(3):
        make_customer(somchai, display_name=f"Wholesale {n}", tags=["wholesale"])
    make_customer(somchai, display_name="Retail")
    client.force_login(somchai)
    monkeypatch.setattr("patron.customers.views.PAGE_SIZE", 2)
    html = client.get(reverse("customers:list"), {"tag": "wholesale"}).content.decode()
    (older,) = re.findall(r'<a href="\?([^"]*)" rel="next">', html)
    assert older.startswith("tag=wholesale&amp;cursor=")
    second = client.get(f"{reverse('customers:list')}?{older.replace('&amp;', '&')}").content.decode()
    assert "Wholesale 0" in second and "Retail" not in second
    (newer,) = re.findall(r'<a href="\?([^"]*)" rel="prev">', second)
    assert newer.startswith("tag=wholesale&amp;cursor=") and 'rel="next"' not in second


def test_the_pairs_pager_goes_back_to_the_best_and_leaves_the_merge_message(
    client, somchai, thai_shop, monkeypatch
):
    people = [make_customer(somchai, display_name=f"Khách {n}") for n in range(4)]
    make_pair(people[0], people[1], score="0.900")
    make_pair(people[2], people[3], score="0.800")
    monkeypatch.setattr("patron.duplicates.views.PAGE_SIZE", 1)
    client.force_login(somchai)
    first = client.get(reverse("duplicates:list"), {"merged": "1"}).content.decode()
    (following,) = re.findall(r'<a href="\?([^"]*)" rel="next">', first)
    assert following.startswith("cursor=") and "merged" not in following
    later = client.get(f"{reverse('duplicates:list')}?{following}").content.decode()
    assert f'<a href="{reverse("duplicates:list")}">' in later


def test_a_registered_panel_shows_on_the_customer_page_to_those_allowed(
    client, somchai, maria, thai_shop, test_templates
):
    customer = make_customer(somchai, display_name="Somsri")
    url = reverse("customers:detail", args=[customer.pk])

    def greeting(request, customer, **page):
        return {"greeting": f"Hello from {page['workspace'].currency}"}

    with customer_panels.override():
        customer_panels.register(
            Panel(
                "test", "test/panel.html", order=15, context=greeting, permission="customers.change_customer"
            )
        )
        client.force_login(somchai)
        html = client.get(url).content.decode()
        assert f'<section class="panel" id="test-panel">Hello from THB {customer.pk}</section>' in html
        # Between the profile (10) and the contact details (20), in the row of narrow panels.
        assert html.index('id="profile-h"') < html.index('id="test-panel"') < html.index('id="identities-h"')
        client.force_login(maria)  # an analyst may not change customers
        assert 'id="test-panel"' not in client.get(url).content.decode()
    client.force_login(somchai)
    assert 'id="test-panel"' not in client.get(url).content.decode()


def test_a_panel_can_be_shown_by_what_it_shows(client, somchai, thai_shop, test_templates):
    somsri, other = (
        make_customer(somchai, display_name="Somsri"),
        make_customer(somchai, display_name="Other"),
    )
    with customer_panels.override():
        customer_panels.register(
            Panel("test", "test/panel.html", order=95, wide=True, visible=lambda request, c: c == somsri)
        )
        client.force_login(somchai)
        shown = client.get(reverse("customers:detail", args=[somsri.pk])).content.decode()
        hidden = client.get(reverse("customers:detail", args=[other.pk])).content.decode()
    assert shown.index('id="audit-h"') < shown.index('id="test-panel"')  # wide, after the history
    assert 'id="test-panel"' not in hidden


def test_the_customer_page_shows_each_app_s_panels_in_order(client, somchai, maria, thai_shop):
    customer = make_customer(somchai, display_name="Somsri")
    client.force_login(somchai)
    html = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    headings = ["profile-h", "identities-h", "purchases-h", "value-h", "consents-h", "timeline-h"]
    places = [html.index(f'id="{heading}"') for heading in headings]
    assert places == sorted(places)
    assert places[-1] < html.index('id="interactions"') < html.index('id="audit-h"')
    assert 'id="log-interaction"' in html
    client.force_login(maria)
    assert (
        'id="log-interaction"'
        not in client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    )


def _menu(html):
    nav = re.search(r'<nav aria-label="[^"]*">(.*?)</nav>', html, re.S).group(1)
    return re.findall(r"<a (?:id=\"([^\"]*)\" )?href=\"([^\"]*)\" ?(aria-current=\"page\")?>", nav)


def test_the_menu_is_as_before(client, somchai, maria, thai_shop):
    client.force_login(somchai)
    assert _menu(client.get(reverse("duplicates:list")).content.decode()) == [
        ("nav-home", "/", ""),
        ("", "/customers/", ""),
        ("", "/organisations/", ""),
        ("nav-value", "/value/", ""),
        ("nav-loyalty", "/loyalty/", ""),
        ("nav-my-day", "/tasks/", ""),
        ("nav-duplicates", "/duplicates/", 'aria-current="page"'),
        ("nav-import", "/imports/", ""),
        ("nav-workspace", "/workspace/", ""),
        ("nav-people", "/account/people/", ""),
        ("nav-help", "/help/", ""),
    ]
    client.force_login(maria)  # an analyst: no import, no administration
    assert _menu(client.get(reverse("customers:list")).content.decode()) == [
        ("nav-home", "/", ""),
        ("", "/customers/", 'aria-current="page"'),
        ("", "/organisations/", ""),
        ("nav-value", "/value/", ""),
        ("nav-loyalty", "/loyalty/", ""),
        ("nav-my-day", "/tasks/", ""),
        ("nav-duplicates", "/duplicates/", ""),
        ("nav-help", "/help/", ""),
    ]


def test_the_interaction_page_is_a_customers_page_in_the_menu(client, emre, thai_shop):
    customer = make_customer(emre, display_name="Somsri")
    client.force_login(emre)
    menu = _menu(client.get(reverse("interactions:log", args=[customer.pk])).content.decode())
    assert menu[1] == ("", "/customers/", 'aria-current="page"')


def test_a_registered_menu_entry_shows_to_those_allowed_and_marks_its_pages(client, lan, maria, thai_shop):
    entry = NavEntry(
        "test",
        "Test entry",
        "organisations:list",
        order=25,
        permission="organisations.add_organisation",
        current_for=("organisations",),
        element_id="nav-test",
    )
    with navigation.override():
        navigation.register(entry)
        client.force_login(lan)
        menu = _menu(client.get(reverse("organisations:list")).content.decode())
        assert menu[3] == ("nav-test", "/organisations/", 'aria-current="page"')
        assert [link[1] for link in menu[:5]] == [
            "/",
            "/customers/",
            "/organisations/",
            "/organisations/",
            "/value/",
        ]
        client.force_login(maria)  # an analyst may not add organisations
        assert "nav-test" not in client.get(reverse("organisations:list")).content.decode()
    client.force_login(lan)
    assert "nav-test" not in client.get(reverse("organisations:list")).content.decode()


def _queries(client, url, headers=None):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url, headers=headers or {})  # the session and the workspace are read once first
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, headers=headers or {}).status_code == 200
    return len(queries)


def test_lists_menu_and_panels_ask_no_query_per_row(client, somchai, thai_shop):
    """The customer list, its htmx results (fewer: no menu) and the customer page ask the
    database as many times for 3 customers as for 60."""
    people = [make_customer(somchai, display_name=f"N{n}", emails=[f"n{n}@example.com"]) for n in range(3)]
    client.force_login(somchai)
    few = [
        _queries(client, "/customers/"),
        _queries(client, "/customers/", HTMX),
        _queries(client, f"/customers/{people[0].pk}/"),
    ]
    for n in range(3, 60):
        make_customer(somchai, display_name=f"N{n}", emails=[f"n{n}@example.com"], tags=["vip"])
    many = [
        _queries(client, "/customers/"),
        _queries(client, "/customers/", HTMX),
        _queries(client, f"/customers/{people[0].pk}/"),
    ]
    assert few == many
    assert many[1] < many[0]
