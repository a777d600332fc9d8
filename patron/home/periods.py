"""Business months and days in the workspace's time zone (patron.workspace.clock): the home
page's figures and the customer list's purchase filters count the same periods."""

from datetime import date, datetime, time

from patron.workspace.clock import business_today, business_zone


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (earlier when negative), or the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for last in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def midnight(day: date, workspace=None) -> datetime:
    """The moment ``day`` begins in the workspace's zone (aware)."""
    return datetime.combine(day, time(), tzinfo=business_zone(workspace))


def month_bounds(today: date, months: int, workspace=None) -> list[datetime]:
    """The starts of the ``months`` business months up to and including today's, then the start
    of the next: months + 1 moments, oldest first."""
    first = today.replace(day=1)
    return [midnight(add_months(first, k), workspace) for k in range(1 - months, 2)]


def this_month(workspace=None) -> datetime:
    """When this business month began."""
    return midnight(business_today(workspace).replace(day=1), workspace)


def year_ago(workspace=None) -> datetime:
    """The start of the same day a year ago: "in the last 12 months" counts from here."""
    return midnight(add_months(business_today(workspace), -12), workspace)
