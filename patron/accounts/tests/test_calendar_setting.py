"""Each user chooses the calendar dates are shown in on their settings page: the language's
custom (the Buddhist era in Thai), the Gregorian calendar or the Buddhist era."""

from datetime import date
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from patron.accounts.models import UserProfile
from patron.accounts.services import profile_update
from patron.web.dates import format_day

pytestmark = pytest.mark.django_db


def save(client, **fields):
    data = {"form": "preferences", "language": "th", "time_zone": "Asia/Bangkok"} | fields
    return client.post(reverse("accounts:settings"), data)


def test_the_settings_page_offers_the_calendars_in_the_users_language(client, somchai):
    client.force_login(somchai)
    html = client.get(reverse("accounts:settings")).content.decode()
    today = timezone.localdate(timezone=ZoneInfo("Asia/Bangkok"))  # Somchai's zone
    assert '<select name="calendar"' in html and "ปฏิทิน" in html
    assert f'<option value="buddhist">พุทธศักราช ({format_day(today, language="th")})</option>' in html
    assert (
        f"{today.year + 543}" in html
        and f'<option value="gregorian">คริสต์ศักราช ({format_day(today, language="th", calendar="gregorian")})'
        in html
    )
    assert '<option value="" selected>ตามภาษา (ไทย: พุทธศักราช)</option>' in html


def test_choosing_a_calendar_saves_it_and_dates_follow(client, somchai, thai_shop):
    client.force_login(somchai)
    assert save(client, calendar="gregorian").status_code == 302
    assert UserProfile.objects.get(user=somchai).calendar == "gregorian"
    html = client.get(reverse("accounts:settings")).content.decode()
    assert '<option value="gregorian" selected>' in html
    assert save(client, calendar="").status_code == 302
    assert UserProfile.objects.get(user=somchai).calendar == ""


def test_an_unknown_calendar_is_refused_and_nothing_is_saved(client, somchai):
    client.force_login(somchai)
    response = save(client, calendar="julian", language="en")
    assert response.status_code == 200 and response.context["form"].errors["calendar"]
    profile = UserProfile.objects.get(user=somchai)
    assert (profile.calendar, profile.language) == ("", "th")
    with pytest.raises(ValidationError) as caught, translation.override("en"):
        profile_update(user=somchai, calendar="hijri")
    assert caught.value.message_dict["calendar"] == ["Choose one of the offered calendars."]
    assert UserProfile.objects.get(user=somchai).calendar == ""


def test_the_service_keeps_what_it_is_not_asked_to_change(somchai):
    profile_update(user=somchai, calendar="buddhist")
    profile_update(user=somchai, language="en")
    profile = UserProfile.objects.get(user=somchai)
    assert (profile.calendar, profile.language, profile.time_zone) == ("buddhist", "en", "Asia/Bangkok")
    assert format_day(date(2026, 1, 2), language="en", calendar=profile.calendar) == "Jan 2, 2569 BE"
