"""The value page in a real browser, as the Filipino analyst and the Vietnamese marketer use it."""

import pytest

from patron.demo.generator import generate_shop
from patron.scoring.models import CustomerScore
from patron.scoring.services import customers_score
from patron.web.tests.browsing import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def scored(staff, thai_shop):
    staff("maria")
    staff("lan")
    generate_shop("TH", 1000, seed=5)
    return customers_score(by=staff("somchai"))


def test_analyst_reads_the_grid_segments_and_the_model_checks(page, live_server, scored, tmp_path):
    log_in(page, live_server, "maria")
    page.click("#nav-value")
    page.wait_for_url(f"{live_server.url}/value/")
    cells = page.locator("#rfm-grid td")
    assert cells.count() == 25
    assert sum(int(c.get_attribute("data-customers")) for c in cells.all()) == CustomerScore.objects.count()
    page.wait_for_function("() => document.getElementById('clv-chart').dataset.drawn === 'true'")
    assert page.locator("#score-now").count() == 0  # analysts read
    segments = page.locator("#segments tbody tr")
    assert segments.count() == CustomerScore.objects.values("segment").distinct().count()
    first_at_risk = page.locator("#at-risk tbody a").first
    name = first_at_risk.inner_text()
    first_at_risk.click()
    page.wait_for_selector("#value-h")
    assert page.locator("h1").inner_text() == name
    reasons = page.locator(".reasons:not(#call-reason)").inner_text()
    assert "ang tsansang aktibo pa" in reasons  # maria reads Filipino

    page.goto(f"{live_server.url}/value/checks/")
    page.wait_for_function("() => document.getElementById('tracking-chart').dataset.drawn === 'true'")
    page.wait_for_function("() => document.getElementById('holdout-chart').dataset.drawn === 'true'")
    assert page.locator("#params-purchases tbody tr").count() == 4
    assert page.locator("#holdout tbody tr").count() == 8
    page.screenshot(path=str(tmp_path / "checks.png"), full_page=True)


def test_marketer_lists_champions_by_value_and_starts_a_scoring(page, live_server, scored):
    log_in(page, live_server, "lan")
    page.goto(f"{live_server.url}/value/")
    page.click("#segments a[href*='segment=champions']")
    page.wait_for_url(f"{live_server.url}/customers/?segment=champions&sort=clv")
    rows = page.locator("#results tbody tr")
    assert rows.count() == min(50, CustomerScore.objects.filter(segment="champions").count())
    assert page.locator("#results tbody tr .segment-champions").count() == rows.count()
    assert "Khách hàng xuất sắc" in page.locator("#results").inner_text()  # lan reads Vietnamese
    page.goto(f"{live_server.url}/value/")
    page.click("#score-now")
    page.wait_for_url(f"{live_server.url}/value/")
    assert "Đã bắt đầu chấm điểm" in page.locator(".messages").inner_text()


def test_charts_write_thai_in_the_pages_font(page, live_server, scored):
    """A canvas does not take the page's fonts: the charts must ask for them, or Thai shows as boxes."""
    log_in(page, live_server, "somchai")  # reads Thai
    page.goto(f"{live_server.url}/value/")
    page.wait_for_function("() => document.getElementById('clv-chart').dataset.drawn === 'true'")
    chart = page.evaluate(
        """(() => {
          const chart = Chart.getChart('clv-chart');
          const legend = chart.legend.legendItems[0].text;
          return {
            family: chart.options.font.family,
            page: getComputedStyle(document.documentElement).fontFamily,
            legend: legend,
            axis: chart.options.scales.x.title.text,
            loaded: document.fonts.check('400 12px "Noto Sans Thai"', legend),
          };
        })()"""
    )
    assert chart["family"] == chart["page"] and "Noto Sans Thai" in chart["family"]
    assert chart["legend"] == "ลูกค้า" and chart["axis"] == "มูลค่าตลอดช่วงชีวิตลูกค้า"
    assert chart["loaded"]


def test_chart_numbers_follow_the_pages_language(page, live_server, scored):
    log_in(page, live_server, "lan")  # reads Vietnamese: 1.000, not 1,000
    page.goto(f"{live_server.url}/value/checks/")
    page.wait_for_function("() => document.getElementById('tracking-chart').dataset.drawn === 'true'")
    ticks = page.evaluate("Chart.getChart('tracking-chart').scales.y.ticks.map(t => [t.value, t.label])")
    assert max(value for value, _label in ticks) >= 1000
    for value, label in ticks:
        assert label == page.evaluate(f"new Intl.NumberFormat('vi').format({value})")
    assert "1.000" in [label for _value, label in ticks]


@pytest.mark.parametrize("width", [390, 800, 1280])
def test_rfm_grid_stays_inside_its_card(page, live_server, scored, width):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, "maria")
    page.goto(f"{live_server.url}/value/")
    sizes = page.evaluate(
        """(() => {
          const grid = document.getElementById('rfm-grid');
          const card = grid.closest('section');
          return {
            grid: grid.getBoundingClientRect().right,
            card: card.getBoundingClientRect().right,
            cardOverflow: card.scrollWidth - card.clientWidth,
            pageOverflow: document.documentElement.scrollWidth - window.innerWidth,
          };
        })()"""
    )
    assert sizes["grid"] <= sizes["card"]
    assert sizes["cardOverflow"] == 0 and sizes["pageOverflow"] == 0
