"""Placeholders and filter bars fit in every language, on a phone (390 px) and on a desk: no
placeholder is cut, no select hides part of its chosen option's words, no filter bar reaches
past the window, and on a desk the menu keeps to one line. Words run longer in Vietnamese,
Turkish and Filipino than in English."""

import pytest
from django.urls import reverse

from patron.accounts.services import profile_update
from patron.customers.tests.factories import make_customer
from patron.organisations.services import organisation_create
from patron.web.tests.browsing import log_in

pytestmark = pytest.mark.browser

SIZES = {"phone": {"width": 390, "height": 844}, "desk": {"width": 1280, "height": 800}}

# Each text field's placeholder, and each select's chosen option, wider than the room its field
# gives it (measured in the field's own font); each filter bar control past the window's edge.
CUT = """() => {
  const context = document.createElement("canvas").getContext("2d");
  const shown = e => e.getClientRects().length && e.offsetWidth > 1;
  const room = (e, style) => e.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  const cut = [];
  for (const e of document.querySelectorAll("main input[placeholder], main textarea[placeholder]")) {
    if (!shown(e)) continue;
    const style = getComputedStyle(e);
    context.font = style.font;
    const needed = Math.ceil(context.measureText(e.placeholder).width), space = Math.floor(room(e, style));
    if (needed > space) cut.push(["placeholder", e.name, e.placeholder, needed, space]);
  }
  for (const e of document.querySelectorAll("main select")) {
    if (!shown(e) || e.selectedIndex < 0) continue;
    const style = getComputedStyle(e);
    context.font = style.font;
    const text = e.options[e.selectedIndex].text;
    // A select draws its arrow inside its right padding; its text has the content box.
    const needed = Math.ceil(context.measureText(text).width);
    if (needed > room(e, style)) cut.push(["select", e.name, text, needed, Math.floor(room(e, style))]);
  }
  for (const e of document.querySelectorAll("main .filters > *")) {
    if (!shown(e)) continue;
    const box = e.getBoundingClientRect();
    if (box.right > window.innerWidth + 0.5) cut.push(["past the edge", e.name, Math.round(box.right)]);
  }
  return cut;
}"""


# [lines the menu takes, px its entries would need beyond the menu's width on one line]
MENU_LINES = """() => {
  const nav = document.querySelector("header.top nav"), links = [...nav.querySelectorAll("a")];
  const gap = parseFloat(getComputedStyle(nav).columnGap);
  const widths = links.reduce((sum, a) => sum + a.getBoundingClientRect().width, 0);
  const lines = new Set(links.map(a => Math.round(a.getBoundingClientRect().top))).size;
  return [lines, Math.ceil(widths + gap * (links.length - 1) - nav.clientWidth)];
}"""


@pytest.fixture
def shop(somchai, thai_shop):
    customer = make_customer(somchai, "somsri")
    organisation = organisation_create(by=somchai, name="บริษัท ข้าวหอม จำกัด", kind="supplier", country="TH")
    return customer, organisation


def paths(shop):
    customer, organisation = shop
    return [
        reverse("customers:list"),
        reverse("customers:create"),
        reverse("organisations:list"),
        reverse("organisations:detail", args=[organisation.pk]),
        reverse("customers:detail", args=[customer.pk]),
        reverse("interactions:log", args=[customer.pk]),
        reverse("imports:list"),
        reverse("accounts:settings"),
        reverse("workspace:settings"),
    ]


@pytest.mark.parametrize("size", SIZES)
def test_placeholders_and_filter_bars_fit_in_every_language(page, live_server, somchai, shop, size):
    page.set_viewport_size(SIZES[size])
    log_in(page, live_server, "somchai")
    problems = []
    for language in ["en", "th", "vi", "tr", "fil"]:
        profile_update(user=somchai, language=language)
        for path in paths(shop):
            page.goto(live_server.url + path)
            assert page.locator("html").get_attribute("lang") == language
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 0:
                problems.append(f"{language} {path}: {overflow} px wider than the window")
            problems += [f"{language} {path}: {item}" for item in page.evaluate(CUT)]
        if size == "desk":  # an Admin's whole menu on one line
            lines, short = page.evaluate(MENU_LINES)
            if lines != 1:
                problems.append(f"{language}: the menu takes {lines} lines, {short} px short of one")
    assert problems == [], "\n".join(problems)
