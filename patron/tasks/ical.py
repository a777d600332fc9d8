"""Each member of staff's tasks as a calendar their phone subscribes to, at a secret address.

The address is /tasks/feed/<token>.ics, with no login: whoever has it reads the calendar, so the
token is 256 random-looking bits. It is derived (HMAC-SHA256) from the SECRET_KEY and a random
nonce kept per user (CalendarFeed), so the user's page can show it again; the database keeps
only the nonce and the token's SHA-256, by which a request finds its feed, then compares the
token in constant time. A copy of the database without the SECRET_KEY opens no calendar, and a
new SECRET_KEY makes new addresses (the page shows the new one). Making a new one (a new nonce)
kills the old at once. A wrong token answers 404 and changes nothing.

The calendar (icalendar) holds the user's open tasks as events (phones' calendars show events;
few show to-dos) at their due time, half an hour long, in UTC, each with an alarm per reminder
(so many minutes before), titled with the task and described with its customer or organisation,
kind and notes, in the user's language, with a link to the customer's page.
"""

import base64
import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event

from patron.tasks.models import CalendarFeed, Task
from patron.tasks.reminders import assignee_preferences, party_path

EVENT_LENGTH = timedelta(minutes=30)
FEED_LIMIT = 1000  # open tasks a calendar holds, soonest first


def _token(user_id, nonce):
    mac = hmac.new(settings.SECRET_KEY.encode(), f"tasks-feed:{user_id}:{nonce}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()).decode().rstrip("=")


def _hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def feed_token(user):
    """The user's secret token, made on first use (and made again if the SECRET_KEY changed)."""
    feed = CalendarFeed.objects.filter(user=user).first()
    if feed is None:
        return feed_renew(user)
    token = _token(user.pk, feed.nonce)
    if feed.token_hash != _hash(token):
        return feed_renew(user)
    return token


def feed_renew(user):
    """A new token for the user; the old address stops answering."""
    nonce = secrets.token_urlsafe(32)
    token = _token(user.pk, nonce)
    CalendarFeed.objects.update_or_create(user=user, defaults={"nonce": nonce, "token_hash": _hash(token)})
    return token


def feed_user(token):
    """The active user whose token this is, or None."""
    if not token or len(token) > 100:
        return None
    feed = CalendarFeed.objects.filter(token_hash=_hash(token)).select_related("user").first()
    if feed is None or not hmac.compare_digest(_token(feed.user_id, feed.nonce), token):
        return None
    return feed.user if feed.user.is_active else None


def feed_calendar(user, *, root_url):
    """The calendar of ``user``'s open tasks (bytes of an .ics file); ``root_url``: where the
    links to the customers' pages start ("https://patron.example")."""
    tasks = (
        Task.objects.filter(assignee=user, status=Task.Status.OPEN)
        .select_related("customer", "organisation")
        .prefetch_related("reminders")
        .order_by("due_at", "pk")[:FEED_LIMIT]
    )
    language, _zone, _calendar = assignee_preferences(user)
    calendar = Calendar()
    calendar.add("prodid", "-//Patron//Tasks//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Patron")
    now = timezone.now()
    with translation.override(language):
        for task in tasks:
            calendar.add_component(_event(task, now, root_url))
    return calendar.to_ical()


def _event(task, now, root_url):
    party = task.customer or task.organisation
    event = Event()
    event.add("uid", f"task-{task.pk}@patron")
    event.add("dtstamp", now)
    event.add("dtstart", task.due_at)
    event.add("dtend", task.due_at + EVENT_LENGTH)
    event.add("summary", task.title)
    lines = [
        (_("Customer: %(party)s") if task.customer_id else _("Organisation: %(party)s")) % {"party": party},
        _("What: %(kind)s") % {"kind": task.get_kind_display()},
    ]
    if task.notes:
        lines += ["", task.notes]
    event.add("description", "\n".join(lines))
    event.add("url", f"{root_url}{party_path(task)}")
    for reminder in sorted(task.reminders.all(), key=lambda r: r.minutes_before):
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", task.title)
        alarm.add("trigger", -timedelta(minutes=reminder.minutes_before))
        event.add_component(alarm)
    return event
