"""The page after log-in: a picture of the business, as far as the user's role may see it."""

from datetime import date, datetime
from decimal import Decimal
from urllib.parse import urlencode

from babel.numbers import format_decimal, format_percent
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from patron.home import charts
from patron.home.figures import MONTHS, freshness, sections
from patron.home.filters import ACTIVE, NEW, REPEAT, THIS_MONTH
from patron.imports.runs import importable_kinds, run_list
from patron.jobs.summaries import failed_jobs
from patron.scoring.models import Segment
from patron.web.dates import format_day, format_moment, format_month
from patron.web.navigation import for_admins
from patron.workspace.money import babel_locale, format_money
from patron.workspace.services import get_workspace


@login_required
def home_view(request):
    user = request.user
    workspace = get_workspace()
    may = {
        "customers": user.has_perm("customers.view_customer"),
        "revenue": user.has_perm("sales.view_order"),
        "scores": user.has_perm("scoring.view_customerscore"),
        "admin": for_admins(user),
    }
    key = freshness(workspace)
    _day, order_id, customer_id, _merged, run_id, _currency = key.split("|")
    context = {
        "workspace": workspace,
        "start": _start_here(
            user, has_customers=customer_id != "0", has_orders=order_id != "0", scored=run_id != "0"
        ),
    }
    page = _Page(workspace.currency)
    kept = sections([name for name in ("scores", "customers", "revenue") if may[name]], workspace, key)
    figures = {name: shown for name, (shown, _since) in kept.items()}
    scores = figures.get("scores") or {"run": None}
    if figures.get("customers") is not None:
        context["people"] = page.people(figures["customers"], scores)
    if figures.get("revenue") is not None:
        context["revenue"] = page.revenue(figures["revenue"])
    context["pending"] = [name for name, shown in figures.items() if shown is None]
    stale = [since for shown, since in kept.values() if since is not None and shown is not None]
    if stale:
        context["stale_since"] = page.time(min(stale))
    if scores["run"]:
        context["risk"] = page.risk(scores)
        context["segments"] = page.segments(scores)
    if may["admin"]:
        total, latest = failed_jobs()
        context["admin"] = {"imports": run_list(by=user, limit=5), "failed_total": total, "failed": latest}
    return render(request, "home/home.html", context)


def _customers_url(**query):
    url = reverse("customers:list")
    return f"{url}?{urlencode(query)}" if query else url


def _start_here(user, *, has_customers, has_orders, scored):
    """The first steps, with what is done; None once customers, orders and a scoring are in."""
    if has_customers and has_orders and scored:
        return None
    kinds = importable_kinds(user)
    imports = reverse("imports:list")
    steps = [
        {
            "label": _("Import your customers"),
            "url": imports if "customers" in kinds else "",
            "done": has_customers,
        },
        {"label": _("Import your orders"), "url": imports if "orders" in kinds else "", "done": has_orders},
        {
            "label": _("Score your customers"),
            "url": reverse("scoring:value") if user.has_perm("scoring.run_scoring") else "",
            "done": scored,
        },
    ]
    people = ""
    if for_admins(user):
        try:
            people = reverse("accounts:people")
        except NoReverseMatch:
            people = ""
    steps.append({"label": _("Invite your team"), "url": people, "done": False})
    return steps


class _Page:
    """The figures as the page shows them: in the reader's language and the base currency."""

    def __init__(self, currency):
        self.currency = currency
        self.locale = babel_locale(get_language())

    def money(self, amount):
        return format_money(Decimal(amount), self.currency, get_language())

    def number(self, value):
        return format_decimal(value, locale=self.locale)

    def percent(self, share):
        return format_percent(share, locale=self.locale) if share is not None else ""

    def day(self, iso):
        return format_day(iso)

    def month(self, iso, skeleton="yMMMM"):
        return format_month(date.fromisoformat(iso), skeleton)

    def people(self, figures, scores):
        customers = figures["customers"]
        people = {
            "customers": self.number(customers),
            "customers_url": _customers_url(),
            "active": self.number(figures["active"]),
            "active_share": self.percent(figures["active"] / customers) if customers else "",
            "active_since": self.day(figures["active_since"]),
            "active_url": _customers_url(bought=ACTIVE),
            "new": self.number(figures["new"]),
            "new_since": self.day(figures["month"]),
            "new_url": _customers_url(bought=NEW),
        }
        if scores["run"]:
            buyers, repeat = scores["buyers"], scores["repeat"]
            people["repeat_rate"] = self.percent(Decimal(repeat) / buyers) if buyers else self.percent(0)
            people["repeat"] = self.number(repeat)
            people["buyers"] = self.number(buyers)
            people["repeat_url"] = _customers_url(bought=REPEAT)
        return people

    def revenue(self, figures):
        amounts = [Decimal(amount) for amount in figures["amounts"]]
        months = figures["months"]
        now, last, year_before = amounts[-1], amounts[-2], amounts[-MONTHS]
        labels = [
            f"{self.month(month)}: {self.money(amount)}"
            for month, amount in zip(months, amounts, strict=True)
        ]
        css = [
            "bar-year" if i == 0 else "bar-now" if i == len(amounts) - 1 else "" for i in range(len(amounts))
        ]
        return {
            "month": self.month(months[-1]),
            "now": self.money(now),
            "url": _customers_url(bought=THIS_MONTH),
            "compared": [
                self._compared(_("Last month"), months[-2], now, last),
                self._compared(_("Same month last year"), months[0], now, year_before),
            ],
            "bars": charts.columns(amounts, labels, css),
            "first_month": self.month(months[0], "yMMM"),
            "last_month": self.month(months[-1], "yMMM"),
        }

    def _compared(self, label, month, now, then):
        change = (now - then) / then if then > 0 else None
        return {
            "label": label,
            "month": self.month(month),
            "amount": self.money(then),
            "change": (("+" if change > 0 else "") + self.percent(change)) if change is not None else "",
            "down": change is not None and change < 0,
        }

    def risk(self, scores):
        return {
            "at_risk": None if scores["leaving_at_risk"] is None else self.money(scores["leaving_at_risk"]),
            "spend": self.money(scores["leaving_spend"]),
            "customers": self.number(scores["leaving"]),
            "url": _customers_url(churn="high", sort="at_risk"),
            "spend_model": scores["spend_model"],
        }

    def segments(self, scores):
        rows = scores["segments"]
        largest = max((row["customers"] for row in rows), default=0)
        names = dict(Segment.choices)
        shown = []
        for row in rows:
            change = row["change"]
            shown.append(
                {
                    "segment": row["segment"],
                    "name": names[row["segment"]],
                    "url": _customers_url(segment=row["segment"]),
                    "customers": self.number(row["customers"]),
                    "change": "" if change is None else (("+" if change > 0 else "") + self.number(change)),
                    "moved": bool(change),
                    "width": charts.share(row["customers"], largest),
                }
            )
        return {
            "rows": shown,
            "scored_on": self.moment(scores["finished_at"]),
            "compared_on": self.moment(scores["compared_at"]) if scores["compared_run"] else "",
        }

    def time(self, moment):
        return format_moment(moment, "short")

    def moment(self, iso):
        return format_day(datetime.fromisoformat(iso)) if iso else ""
