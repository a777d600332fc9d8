"""Every main page on a phone (390 x 844) and on a desk (1280 x 800), in a real browser.

On every page the document is never wider than the window. On a phone the main menu is folded
behind its button, opens on a tap showing all its links, and every control in it, like every
button and field of the page, is at least 44 px tall; on a desk the menu is open without a
button. In Thai, Vietnamese, Turkish and Filipino the phone pages fit too, placeholders
included. The pages are the main menu's entries as an Admin sees them (patron.web.navigation,
so an entry another app registers later is covered) plus the pages the menu does not name.
"""

import pytest
from django.db.models import Count
from django.test import RequestFactory
from django.urls import reverse

from patron.accounts.services import profile_update
from patron.customers.models import Customer
from patron.demo.generator import generate_shop
from patron.duplicates.tests.factories import an_twice, make_pair
from patron.organisations.models import Organisation
from patron.scoring.services import customers_score
from patron.web import navigation
from patron.web.tests.browsing import log_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 800}
TOUCH = 44  # px: the smallest height of anything a finger is to hit

CUSTOMERS = (
    "รหัส,ชื่อ,นามสกุล,โทรศัพท์,อีเมล\n"
    "T1,สมหญิง,ใจงาม,081 234 5678,somying@example.co.th\n"
    "T2,ประเสริฐ,ทองดี,12,prasert@example.co.th\n"
    "T3,วันเพ็ญ,แก้วใส,089 765 4321,\n"
)

# The controls of a page that a finger hits, and those of the open menu.
CONTROLS = (
    "main button, main .button, main select, main textarea,"
    " main input:not([type=checkbox]):not([type=radio]):not([type=hidden])"
)
MENU_CONTROLS = ".menu-toggle, #top-menu a, #top-menu button, #top-menu select"

TOO_SMALL = """([selector, touch]) => [...document.querySelectorAll(selector)]
  .filter(e => e.getClientRects().length && e.offsetWidth > 1 && getComputedStyle(e).visibility !== "hidden")
  .map(e => [e.id || e.name || e.textContent.trim().slice(0, 30) || e.outerHTML.slice(0, 60),
             Math.round(e.getBoundingClientRect().height * 10) / 10])
  .filter(([, height]) => height < touch)"""


def fit_problems(page, where):
    """What keeps the page open in ``page`` from fitting its window, each said with ``where``: how
    far it is wider than the window, and each control a finger hits that is shorter than TOUCH."""
    problems = []
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    if overflow > 0:
        problems.append(f"{where}: {overflow} px wider than the window")
    return problems + [
        f"{where}: {control} is {height} px tall"
        for control, height in page.evaluate(TOO_SMALL, [CONTROLS, TOUCH])
    ]


# Placeholders wider than the room their field gives them, measured in the field's own font.
CUT_PLACEHOLDERS = """() => {
  const context = document.createElement("canvas").getContext("2d");
  return [...document.querySelectorAll("input[placeholder], textarea[placeholder]")]
    .filter(e => e.getClientRects().length && e.offsetWidth > 1)
    .map(e => {
      const style = getComputedStyle(e);
      context.font = style.font;
      const room = e.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      const needed = Math.ceil(context.measureText(e.placeholder).width);
      return [e.name || e.id, e.placeholder, needed, Math.floor(room)];
    })
    .filter(([, , needed, room]) => needed > room);
}"""


@pytest.fixture
def shop(staff, thai_shop, tmp_path, settings):
    settings.DATA_DIR = tmp_path / "data"  # uploads; the live server runs in this process
    somchai = staff("somchai")
    generate_shop("TH", 300, seed=5)
    customers_score(by=somchai)
    pair = make_pair(*an_twice(somchai))
    customer = Customer.objects.annotate(orders_count=Count("orders")).order_by("-orders_count").first()
    return {"somchai": somchai, "customer": customer, "pair": pair}


def menu_paths(user):
    """The main menu's entries the user sees, as patron.web.navigation draws them."""
    request = RequestFactory().get("/")
    request.user = user
    return [item.url for item in navigation.menu(request)]


def upload(page, live_server, tmp_path, start):
    """An import run from the import page: its path, imported (start) or waiting in its preview."""
    export = tmp_path / f"ลูกค้า-{start}.csv"
    export.write_text(CUSTOMERS, encoding="utf-8")
    page.goto(f"{live_server.url}/imports/")
    page.select_option("#id_kind", "customers")
    page.set_input_files("#id_file", str(export))
    page.fill("#id_source", "pos-th")
    page.click("#upload")
    page.locator("#preview").wait_for()
    path = page.url.removeprefix(live_server.url)
    if start:
        page.click("#start-import")
        page.locator("#summary").wait_for()
    return path


def named_paths(shop, runs):
    """The pages the main menu does not name."""
    customer, pair = shop["customer"], shop["pair"]
    organisation = Organisation.objects.order_by("pk").first()
    return [
        reverse("customers:detail", args=[customer.pk]),
        reverse("customers:edit", args=[customer.pk]),
        reverse("customers:create"),
        reverse("interactions:log", args=[customer.pk]),
        reverse("organisations:detail", args=[organisation.pk]),
        reverse("organisations:edit", args=[organisation.pk]),
        reverse("organisations:create"),
        reverse("duplicates:pair", args=[pair.pk]),
        reverse("duplicates:merges"),
        reverse("scoring:checks"),
        reverse("accounts:settings"),
        reverse("workspace:settings"),
        *runs,
    ]


def problems_on(page, path, viewport, *, menu):
    """What is wrong with the page at path in this window: a list of sentences, empty if nothing."""
    problems = []
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    if overflow > 0:
        problems.append(f"{path}: {overflow} px wider than a {viewport['width']} px window")
    if path.startswith("/admin/"):  # Django's admin has its own layout
        return problems
    toggle = page.locator(".menu-toggle")
    links = page.locator("header nav a")
    if links.count() != len(menu):
        problems.append(f"{path}: the menu has {links.count()} links, not {len(menu)}")
    if viewport == DESK:
        if toggle.is_visible() or not all(link.is_visible() for link in links.all()):
            problems.append(f"{path}: the menu is not open on a desk")
        return problems
    if not toggle.is_visible() or any(link.is_visible() for link in links.all()):
        problems.append(f"{path}: the menu is not folded behind its button on a phone")
    small = page.evaluate(TOO_SMALL, [CONTROLS, TOUCH])
    if small:
        problems.append(f"{path}: controls under {TOUCH} px tall: {small}")
    cut = page.evaluate(CUT_PLACEHOLDERS)
    if cut:
        problems.append(f"{path}: placeholders cut (name, text, px needed, px of room): {cut}")
    toggle.click()
    if toggle.get_attribute("aria-expanded") != "true" or not all(link.is_visible() for link in links.all()):
        problems.append(f"{path}: a tap on the menu button does not show the menu's links")
    small = page.evaluate(TOO_SMALL, [MENU_CONTROLS, TOUCH])
    if small:
        problems.append(f"{path}: menu controls under {TOUCH} px tall: {small}")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    if overflow > 0:
        problems.append(f"{path}: {overflow} px wider than the window with the menu open")
    page.keyboard.press("Escape")
    if toggle.get_attribute("aria-expanded") != "false" or any(link.is_visible() for link in links.all()):
        problems.append(f"{path}: Escape does not fold the menu")
    return problems


def login_page_problems(page, live_server, viewport, language="en"):
    page.goto(f"{live_server.url}/login/")
    if language != "en":
        with page.expect_navigation():
            page.select_option("#language-switch", language)
        assert page.locator("html").get_attribute("lang") == language
    problems = []
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    if overflow > 0:
        problems.append(f"/login/: {overflow} px wider than a {viewport['width']} px window")
    if viewport == PHONE:
        small = page.evaluate(TOO_SMALL, [CONTROLS + ", header select", TOUCH])
        if small:
            problems.append(f"/login/: controls under {TOUCH} px tall: {small}")
    return problems


def visit_all(page, live_server, paths, viewport, menu):
    problems = []
    for path in paths:
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        problems += problems_on(page, path, viewport, menu=menu)
    return problems


@pytest.mark.parametrize("viewport", [PHONE, DESK], ids=["phone", "desk"])
def test_every_main_page_fits_the_window_and_its_menu_works(page, live_server, shop, tmp_path, viewport):
    page.set_viewport_size(viewport)
    problems = login_page_problems(page, live_server, viewport)
    profile_update(user=shop["somchai"], language="en")
    log_in(page, live_server, "somchai")
    runs = [upload(page, live_server, tmp_path, start=True), upload(page, live_server, tmp_path, start=False)]
    menu = menu_paths(shop["somchai"])
    assert len(menu) >= 8  # an Admin sees every entry, Workspace and People included
    paths = list(dict.fromkeys(menu + named_paths(shop, runs)))
    problems += visit_all(page, live_server, paths, viewport, menu)
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("language", ["th", "vi", "tr", "fil"])
def test_every_main_page_fits_a_phone_in_each_language(page, live_server, shop, tmp_path, language):
    page.set_viewport_size(PHONE)
    log_in(page, live_server, "somchai")
    runs = [upload(page, live_server, tmp_path, start=True), upload(page, live_server, tmp_path, start=False)]
    profile_update(user=shop["somchai"], language=language)
    menu = menu_paths(shop["somchai"])
    paths = list(dict.fromkeys(menu + named_paths(shop, runs)))
    problems = visit_all(page, live_server, paths, PHONE, menu)
    page.goto(f"{live_server.url}/customers/")
    assert page.locator("html").get_attribute("lang") == language
    page.context.clear_cookies()
    problems += login_page_problems(page, live_server, PHONE, language)
    assert problems == [], "\n".join(problems)


def test_the_menu_opens_from_the_keyboard(page, live_server, shop):
    page.set_viewport_size(PHONE)
    log_in(page, live_server, "somchai")
    toggle = page.locator(".menu-toggle")
    assert toggle.get_attribute("aria-controls") == "top-menu"
    toggle.focus()
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('#top-menu nav') !== null")
    page.keyboard.press("Escape")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.activeElement.classList.contains('menu-toggle')")
    page.keyboard.press("Space")
    assert toggle.get_attribute("aria-expanded") == "true"
