"""The exchange rates page: Admins keep the rates there, one at a time or from a file, every
change in Django's log; other roles are refused by the services the page calls."""

from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from patron.workspace.models import ExchangeRate
from patron.workspace.rate_files import read_cells
from patron.workspace.rates import rate_delete, rate_save, rates_import, rates_preview

pytestmark = pytest.mark.django_db

RATES = reverse("workspace:rates")
IMPORT = reverse("workspace:rates_import")


@pytest.fixture
def owner(client, somchai, thai_shop):
    """The Thai shop owner (Admin) on the page, in English for the assertions."""
    from patron.accounts.services import profile_update

    profile_update(user=somchai, language="en")
    client.force_login(somchai)
    return client


def rate(currency, day):
    return ExchangeRate.objects.filter(currency=currency, date=day).values_list("rate", flat=True).first()


def log(flag):
    return list(
        LogEntry.objects.filter(action_flag=flag).values_list(
            "object_repr", "change_message", "user__username"
        )
    )


@pytest.mark.parametrize("who", ["lan", "emre", "maria"])
def test_only_admins_see_and_keep_the_rates(client, staff, thai_shop, who, tmp_path):
    user = staff(who)
    client.force_login(user)
    assert client.get(RATES).status_code == 403
    assert client.get(IMPORT).status_code == 403
    assert client.post(RATES, {"currency": "USD", "date": "2026-05-14", "rate": "32.5"}).status_code == 403
    with pytest.raises(PermissionDenied):
        rate_save(currency="USD", day=date(2026, 5, 14), rate="32.5", by=user)
    with pytest.raises(PermissionDenied):
        rate_delete(currency="USD", day=date(2026, 5, 14), by=user)
    path = tmp_path / "rates.csv"
    path.write_text("Date,USD\n2026-05-14,32.5\n")
    with pytest.raises(PermissionDenied):
        rates_preview(cells=read_cells(path), by=user)
    with pytest.raises(PermissionDenied):
        rates_import(cells=read_cells(path), by=user, expected=(1, 0))
    assert not ExchangeRate.objects.exists()


def test_exchange_rates_are_a_tab_of_the_workspace_for_admins_only(client, somchai, lan, thai_shop):
    client.force_login(lan)
    assert 'id="nav-workspace"' not in client.get(reverse("customers:list")).content.decode()
    assert client.get(reverse("workspace:rates")).status_code == 403
    client.force_login(somchai)
    settings = client.get(reverse("workspace:settings")).content.decode()
    rates = client.get(reverse("workspace:rates")).content.decode()
    assert '<a href="/workspace/rates/" id="tab-rates" >' in settings
    assert '<a href="/workspace/rates/" id="tab-rates" aria-current="page">' in rates
    assert '<a id="nav-workspace" href="/workspace/" aria-current="page">' in rates


def test_add_change_and_delete_a_rate_each_logged(owner, somchai):
    response = owner.post(RATES, {"currency": "USD", "date": "2026-05-14", "rate": "32.85"})
    assert response.status_code == 302 and rate("USD", date(2026, 5, 14)) == Decimal("32.85")
    page = owner.get(response["Location"]).content.decode()
    assert "The rate of USD on" in page and "was added" in page and "32.85" in page

    owner.post(RATES, {"currency": "USD", "date": "2026-05-14", "rate": "32.9"})
    assert rate("USD", date(2026, 5, 14)) == Decimal("32.9")
    owner.post(RATES, {"currency": "USD", "date": "2026-05-14", "rate": "32.9", "delete": ""})
    assert rate("USD", date(2026, 5, 14)) is None

    assert log(ADDITION) == [("USD 2026-05-14", "— → 32.85", "somchai")]
    assert log(CHANGE) == [("USD 2026-05-14", "32.85 → 32.9", "somchai")]
    assert log(DELETION) == [("USD 2026-05-14", "32.9 → —", "somchai")]
    history = owner.get(RATES).content.decode()
    assert "32.85 → 32.9" in history


@pytest.mark.parametrize(
    ("currency", "value", "said"),
    [
        ("THB", "1", "Select a valid choice"),  # the base currency is not offered
        ("USD", "0", "is not a number above 0"),
        ("USD", "-2", "is not a number above 0"),
        ("USD", "32.12345678901", "more than 10 decimal places"),
        ("USD", "abc", "is not a number above 0"),
    ],
)
def test_a_rate_the_rules_refuse_is_not_saved(owner, currency, value, said):
    response = owner.post(RATES, {"currency": currency, "date": "2026-05-14", "rate": value})
    assert response.status_code == 400 and said in response.content.decode()
    assert not ExchangeRate.objects.exists() and not LogEntry.objects.exists()


def test_the_base_currency_has_no_rate(somchai, thai_shop):
    with pytest.raises(ValidationError, match="THB is the base currency"):
        rate_save(currency="thb", day=date(2026, 5, 14), rate="1", by=somchai)


def test_the_rate_field_reads_the_users_decimal_sign(client, somchai, thai_shop):
    from patron.accounts.services import profile_update

    profile_update(user=somchai, language="vi")  # "," is the decimal sign, "." groups thousands
    client.force_login(somchai)
    client.post(RATES, {"currency": "USD", "date": "2026-05-14", "rate": "32,5"})
    client.post(RATES, {"currency": "EUR", "date": "2026-05-14", "rate": "1.234"})
    assert rate("USD", date(2026, 5, 14)) == Decimal("32.5")
    assert rate("EUR", date(2026, 5, 14)) == Decimal("1234")


def test_the_month_table_filters_by_currency_and_month(owner, somchai):
    for currency, day, value in [
        ("USD", date(2026, 5, 14), "32.85"),
        ("EUR", date(2026, 5, 14), "37.1"),
        ("USD", date(2026, 4, 30), "33.01"),
    ]:
        rate_save(currency=currency, day=day, rate=value, by=somchai)
    latest = month_table(owner.get(RATES))  # the latest month with rates
    assert "May 2026" in latest and "32.85" in latest and "37.1" in latest and "33.01" not in latest
    april = month_table(owner.get(RATES, {"month": "2026-04"}))
    assert "April 2026" in april and "33.01" in april and "32.85" not in april
    only_euro = month_table(owner.get(RATES, {"month": "2026-05", "currency": "EUR"}))
    assert "37.1" in only_euro and "32.85" not in only_euro


def month_table(response):
    html = response.content.decode()
    start = html.index('id="month"')
    return html[start : html.index("</section>", start)]


def upload(client, path, **choices):
    with path.open("rb") as file:
        return client.post(IMPORT, {"file": file, "quote": "foreign", **choices})


def hidden(html, name):
    marker = f'name="{name}" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def test_import_previews_then_saves_every_rate_and_says_how_many(owner, somchai, tmp_path):
    rate_save(currency="USD", day=date(2026, 5, 14), rate="32.5", by=somchai)
    rate_save(currency="USD", day=date(2026, 5, 15), rate="32.6", by=somchai)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Date", "USD", "EUR"])
    sheet.append([date(2026, 5, 14), 32.5, 37.1])
    sheet.append([date(2026, 5, 15), 32.7, 37.2])
    path = tmp_path / "rates.xlsx"
    workbook.save(path)

    preview = upload(owner, path)
    html = preview.content.decode()
    assert preview.status_code == 200 and "2 rates will be added." in html
    assert "1 saved rate will change." in html and "Changes the saved rate 32.6" in html
    assert not ExchangeRate.objects.filter(currency="EUR").exists()  # nothing saved yet

    saved = owner.post(
        IMPORT,
        {
            "table": hidden(html, "table"),
            "added": "2",
            "changed": "1",
            "quote": "foreign",
            "date_order": hidden(html, "date_order") if 'name="date_order" value' in html else "",
            "decimal": "",
            "save": "",
        },
        follow=True,
    )
    assert "2 rates added. 1 saved rate changed." in saved.content.decode()
    assert rate("EUR", date(2026, 5, 15)) == Decimal("37.2") and rate("USD", date(2026, 5, 15)) == Decimal(
        "32.7"
    )
    assert [m for _r, m, _u in log(CHANGE)] == ["32.6 → 32.7 (rates.xlsx)"]


def test_a_file_with_one_bad_rate_saves_nothing(owner, somchai, tmp_path):
    path = tmp_path / "rates.csv"
    path.write_text("Date,Currency,Rate\n2026-05-14,USD,32.5\n2026-05-14,XYZ,1.5\n", encoding="utf-8")
    html = upload(owner, path).content.decode()
    assert "1 rate cannot be read." in html and 'id="save-rates"' not in html
    assert "&#x27;XYZ&#x27; is not a currency code" in html
    # Saving anyway (a form kept from before, or the API) is refused whole.
    with pytest.raises(ValidationError, match="nothing was saved"):
        rates_import(cells=read_cells(path), by=somchai, expected=(1, 0))
    response = owner.post(
        IMPORT, {"table": hidden(html, "table"), "added": "1", "changed": "0", "quote": "foreign", "save": ""}
    )
    assert "nothing was saved" in response.content.decode()
    assert not ExchangeRate.objects.exists() and not LogEntry.objects.exists()


def test_an_import_saves_nothing_when_the_rates_changed_since_its_preview(owner, somchai, tmp_path):
    path = tmp_path / "rates.csv"
    path.write_text("Date,USD,EUR\n2026-05-14,32.5,37.1\n", encoding="utf-8")
    cells = read_cells(path)
    assert (rates_preview(cells=cells, by=somchai).added, 0) == (2, 0)
    rate_save(currency="EUR", day=date(2026, 5, 14), rate="37", by=somchai)  # meanwhile
    with pytest.raises(ValidationError, match="changed since this preview"):
        rates_import(cells=cells, by=somchai, expected=(2, 0))
    assert rate("USD", date(2026, 5, 14)) is None and rate("EUR", date(2026, 5, 14)) == Decimal("37")


def test_ambiguous_dates_are_questioned_on_the_page_and_the_order_chosen_there(owner, tmp_path):
    path = tmp_path / "rates.csv"
    path.write_text("Date;Currency;Rate\n03/05/2026;USD;32,5\n", encoding="utf-8-sig")
    html = upload(owner, path).content.decode()
    assert "could be day-first or month-first (such as 03/05/2026): choose the date order." in html
    assert 'id="save-rates"' not in html
    again = owner.post(
        IMPORT, {"table": hidden(html, "table"), "quote": "foreign", "date_order": "dmy", "preview": ""}
    ).content.decode()
    assert 'id="save-rates"' in again and "May 3, 2026" in again and "1 rate will be added." in again
    owner.post(
        IMPORT,
        {
            "table": hidden(again, "table"),
            "quote": "foreign",
            "date_order": "dmy",
            "added": "1",
            "changed": "0",
            "save": "",
        },
    )
    assert rate("USD", date(2026, 5, 3)) == Decimal("32.5")


def test_a_preview_whose_table_was_changed_is_refused(owner, tmp_path):
    path = tmp_path / "rates.csv"
    path.write_text("Date,USD\n2026-05-14,32.5\n", encoding="utf-8")
    html = upload(owner, path).content.decode()
    forged = hidden(html, "table")[:-3] + "abc"
    response = owner.post(
        IMPORT, {"table": forged, "quote": "foreign", "added": "1", "changed": "0", "save": ""}
    )
    assert response.status_code == 302 and not ExchangeRate.objects.exists()


def test_a_file_that_is_not_a_rate_table_is_refused_on_the_upload_page(owner, tmp_path):
    path = tmp_path / "customers.csv"
    path.write_text("Name,Phone\nSomsri,0812345678\n", encoding="utf-8")
    response = upload(owner, path)
    assert response.status_code == 400 and "This file is not a rate table" in response.content.decode()


def test_the_page_speaks_the_users_language(client, somchai, thai_shop):
    client.force_login(somchai)  # Thai
    html = client.get(RATES).content.decode()
    assert "อัตราแลกเปลี่ยน" in html


def test_the_workspace_page_links_the_rates_and_the_emergency_admin(client, somchai, thai_shop):
    """The Django admin is no menu entry: the workspace page names it, for emergencies."""
    client.force_login(somchai)
    assert 'href="/admin/"' not in client.get(reverse("customers:list")).content.decode()
    html = client.get(reverse("workspace:settings")).content.decode()
    assert f'href="{reverse("workspace:rates")}">อัตราแลกเปลี่ยน</a>' in html  # somchai reads Thai
    emergency = html.split('id="emergency-admin"')[1]
    assert f'<a href="{reverse("admin:index")}">ระบบผู้ดูแลของ Django</a>' in emergency


def test_the_workspace_page_leads_an_admin_to_every_programme_s_rules(client, somchai, thai_shop):
    client.force_login(somchai)
    page = client.get(reverse("workspace:settings")).content.decode()
    section = page[page.index('id="programmes"') :]
    for name in ("ladder:rules", "relationships:playbooks", "tasks:rules", "feedback:settings"):
        url = reverse(name)
        assert f'href="{url}"' in section, name
        assert client.get(url).status_code == 200, name
