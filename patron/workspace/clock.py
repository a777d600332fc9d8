"""One business clock: the workspace's time zone decides which day a moment belongs to.

The day of an order's exchange rate, "today" (a birthday may not be after it; scoring observes
up to it) and the nights of nightly jobs are counted in the workspace's zone, whoever asks and
from wherever: the web activates each user's own zone, but only to show times, and jobs run in
UTC. Nothing here depends on the zone that happens to be active.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from patron.workspace.services import get_workspace


def business_zone(workspace=None) -> ZoneInfo:
    """The zone of business days: the workspace's."""
    return ZoneInfo((workspace or get_workspace()).time_zone)


def business_day(moment: datetime, workspace=None) -> date:
    """The business day an aware ``moment`` falls on."""
    return moment.astimezone(business_zone(workspace)).date()


def business_today(workspace=None) -> date:
    return business_day(timezone.now(), workspace)
