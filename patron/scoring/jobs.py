"""Scoring in the background: when asked, every night, and after each import."""

from datetime import UTC

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from huey.contrib.djhuey import close_db, db_periodic_task

from patron.actors import Actor, register_job
from patron.jobs.queue import job
from patron.scoring import services
from patron.scoring.models import ScoringRun
from patron.workspace.clock import business_zone

register_job("customers_score", _("scoring"))
register_job("score_customers_nightly", _("nightly scoring"))
register_job("score_imported_orders", _("scoring after an import"))


@job(retries=0)
def customers_score(run_id, requested_by=None):
    """Score every customer in the queued run `run_id` (see services.scoring_request), as the
    system asked by the user of id ``requested_by`` (None: scheduled).

    Not retried: a failed run says why on its page, and asking again queues a new one. A run an
    import asked to go once more (`again`) queues the next when it is done.
    """
    by = Actor.for_job("customers_score", requested_by)
    run = services.customers_score(run_id=run_id, by=by)
    if run is not None and ScoringRun.objects.filter(pk=run.pk, again=True).exists():
        services.scoring_request(by=by)


@close_db
def at_scoring_hour(minute):
    """Whether huey's ``minute`` (naive UTC) is PATRON_SCORING_HOUR:00 on the business clock: in
    the workspace's time zone (:mod:`patron.workspace.clock`)."""
    local = minute.replace(tzinfo=UTC).astimezone(business_zone())
    return (local.hour, local.minute) == (settings.PATRON_SCORING_HOUR, 0)


@db_periodic_task(at_scoring_hour)
def score_customers_nightly():
    services.scoring_request(by=Actor.system(job="score_customers_nightly"))


def score_imported_orders(sender, *, event, **kwargs):
    """Ask for a scoring when an import of orders has read its file to the end and recorded or
    changed orders (connected to ``patron.sales.events.orders_imported`` in ScoringConfig)."""
    if event.finished and (event.created or event.changed):
        services.scoring_request(by=Actor.system(job="score_imported_orders"), after_import=True)
