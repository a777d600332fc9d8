"""Background jobs of duplicates."""

from django.contrib.auth import get_user_model

from patron.duplicates.scanning import DEFAULT_MIN_SCORE, duplicates_scan
from patron.jobs.queue import job


@job(retries=0)
def find_duplicates(by_id, min_score=DEFAULT_MIN_SCORE):
    """The scan asked for on the review page, as that person. Not retried: it is asked for again."""
    duplicates_scan(by=get_user_model().objects.get(pk=by_id), min_score=min_score)
