"""Dates in the reader's zone, language and calendar: the Buddhist era for Thai readers unless
they choose the Gregorian calendar, and for anyone who chooses it."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from patron.accounts.services import profile_update
from patron.customers.models import Customer
from patron.customers.tests.factories import make_customer
from patron.web.dates import calendar_in_use, calendar_override, format_day, format_moment, format_month

DAY = date(2026, 12, 6)
MOMENT = datetime(2026, 12, 6, 5, 30, tzinfo=UTC)


@pytest.fixture
def bangkok():
    timezone.activate(ZoneInfo("Asia/Bangkok"))
    yield
    timezone.deactivate()


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("th", "6 ธ.ค. 2569"),
        ("en", "Dec 6, 2026"),
        ("vi", "6 thg 12, 2026"),
        ("tr", "6 Ara 2026"),
        ("fil", "Dis 6, 2026"),
    ],
)
def test_the_languages_custom_is_the_buddhist_era_in_thai_only(language, text):
    assert format_day(DAY, language=language) == text
    assert calendar_in_use(language) == ("buddhist" if language == "th" else "gregorian")


def test_a_thai_reader_may_choose_the_gregorian_calendar():
    with calendar_override("gregorian"):
        assert format_day(DAY, language="th") == "6 ธ.ค. 2026"
    assert format_day(DAY, language="th", calendar="gregorian") == "6 ธ.ค. 2026"


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Dec 6, 2569 BE"),
        ("vi", "6 thg 12, 2569 BE"),
        ("tr", "6 Ara 2569 BE"),
        ("fil", "Dis 6, 2569 BE"),
    ],
)
def test_any_reader_may_choose_the_buddhist_era_and_it_is_named(language, text):
    with calendar_override("buddhist"):
        assert format_day(DAY, language=language) == text


def test_every_length_of_date_counts_the_year_in_the_era():
    assert format_day(DAY, "short", language="th") == "6/12/69"
    assert format_day(DAY, "long", language="th") == "6 ธันวาคม พ.ศ. 2569"
    assert format_day(DAY, "full", language="th") == "วันอาทิตย์ที่ 6 ธันวาคม พ.ศ. 2569"
    assert format_day(DAY, "long", language="th", calendar="gregorian") == "6 ธันวาคม ค.ศ. 2026"
    assert format_month(DAY, language="th") == "ธ.ค. 2569" and format_month(DAY, language="en") == "Dec 2026"
    assert format_month("2026-12-01", "yMMMM", language="th") == "ธันวาคม 2569"
    assert format_month(DAY, "yMMMM", language="vi", calendar="buddhist") == "tháng 12 năm 2569 BE"


def test_a_moment_is_shown_on_its_day_in_the_readers_zone(bangkok):
    new_year = datetime(2026, 12, 31, 18, 0, tzinfo=UTC)  # 1 January 2027, 01:00 in Bangkok
    assert format_moment(new_year, language="th") == "1 ม.ค. 2570 01:00:00"
    assert format_moment(new_year, language="en") == "Jan 1, 2027, 1:00:00\u202fAM"
    assert format_day(new_year, language="en") == "Jan 1, 2027"
    assert format_moment(MOMENT, language="vi") == "12:30:00 6 thg 12, 2026"


def test_nothing_and_iso_strings():
    assert format_day(None) == "—" and format_moment(None) == "—" and format_month(None) == "—"
    assert format_day("2026-12-06", language="th") == "6 ธ.ค. 2569"


def test_the_template_filters_follow_the_active_language_and_calendar(bangkok):
    template = Template("{% load patron %}{{ day|day }} · {{ moment|when }} · {{ day|month }}")
    context = Context({"day": DAY, "moment": MOMENT})
    with translation.override("th"):
        assert template.render(context) == "6 ธ.ค. 2569 · 6 ธ.ค. 2569 12:30:00 · ธ.ค. 2569"
        with calendar_override("gregorian"):
            assert template.render(context) == "6 ธ.ค. 2026 · 6 ธ.ค. 2026 12:30:00 · ธ.ค. 2026"


@pytest.mark.django_db
def test_pages_show_dates_in_the_users_calendar(client, somchai, lan, thai_shop):
    """Somchai reads Thai and chose no calendar: the Buddhist era; set to Gregorian, 2026;
    Lan reads Vietnamese and chose the Buddhist era."""
    customer = make_customer(somchai, "somsri")
    customer.birthday = date(1990, 4, 13)
    customer.save()
    Customer.objects.filter(pk=customer.pk).update(created_at=datetime(2026, 3, 2, 3, tzinfo=UTC))
    client.force_login(somchai)
    page = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert "13 เม.ย. 2533" in page and "1990" not in page
    assert "2 มี.ค. 2569" in client.get(reverse("customers:list")).content.decode()
    profile_update(user=somchai, calendar="gregorian")
    page = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert "13 เม.ย. 1990" in page and "2533" not in page
    client.force_login(lan)
    profile_update(user=lan, calendar="buddhist")
    assert "13 thg 4, 2533 BE" in client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
