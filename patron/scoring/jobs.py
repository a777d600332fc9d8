"""Scoring in the background: when asked, every night, and after each import."""

from datetime import UTC

from django.conf import settings
from huey.contrib.djhuey import close_db, db_periodic_task

from patron.jobs.queue import job
from patron.scoring.models import ScoringRun
from patron.scoring.services import customers_score, scoring_request
from patron.workspace.clock import business_zone


@job(retries=0)
def score_customers(run_id=None):
    """Score every customer in the queued run `run_id` (see services.scoring_request).

    Not retried: a failed run says why on its page, and asking again queues a new one. A run an
    import asked to go once more (`again`) queues the next when it is done.
    """
    if run_id is None:  # queued before runs were queued with their id
        scoring_request()
        return
    run = customers_score(run_id=run_id)
    if run is not None and ScoringRun.objects.filter(pk=run.pk, again=True).exists():
        scoring_request()


@close_db
def at_scoring_hour(minute):
    """Whether huey's ``minute`` (naive UTC) is PATRON_SCORING_HOUR:00 on the business clock: in
    the workspace's time zone (:mod:`patron.workspace.clock`)."""
    local = minute.replace(tzinfo=UTC).astimezone(business_zone())
    return (local.hour, local.minute) == (settings.PATRON_SCORING_HOUR, 0)


@db_periodic_task(at_scoring_hour)
def score_customers_nightly():
    scoring_request()


def score_imported_orders(sender, *, event, **kwargs):
    """Ask for a scoring when an import of orders has read its file to the end and recorded or
    changed orders (connected to ``patron.sales.events.orders_imported`` in ScoringConfig)."""
    if event.finished and (event.created or event.changed):
        scoring_request(after_import=True)
