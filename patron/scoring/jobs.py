"""Scoring in the background: every night, and after each import."""

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from patron.jobs.queue import job
from patron.scoring.services import customers_score


@job(retries=1)
def score_customers():
    """Score every customer (queued after an import)."""
    customers_score()


@db_periodic_task(crontab(hour=settings.PATRON_SCORING_HOUR, minute=0))
def score_customers_nightly():
    customers_score()


def score_after_import(summary):
    """Queue a scoring when an import changed something (orders, or customers they belong to)."""
    if summary.created or summary.updated:
        score_customers()
