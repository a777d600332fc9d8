"""What the home page keeps between requests, so that it stays quick at a million customers."""

from django.db import models

from patron.scoring.models import ScoringRun, Segment


class Snapshot(models.Model):
    """One section's figures (``section``), computed for the state of the data named by ``key``
    (the business day, the newest order and customer, merges, the last scoring run; see
    figures.freshness), in ``seconds``. Orders recorded or changed empty every key (apps.py).
    ``refreshing_at``: when a job was queued to compute them afresh (figures.section)."""

    section = models.CharField(max_length=20, unique=True)
    key = models.CharField(max_length=200)
    figures = models.JSONField(default=dict)
    computed_at = models.DateTimeField(auto_now=True)
    seconds = models.FloatField(default=0)
    refreshing_at = models.DateTimeField(null=True)

    def __str__(self):
        return f"{self.section} {self.key}"


class SegmentCount(models.Model):
    """How many customers a finished scoring run put in each segment: the scores themselves are
    replaced by every run, so the home page keeps these to say what moved between runs."""

    run = models.ForeignKey(ScoringRun, on_delete=models.CASCADE, related_name="+")
    segment = models.CharField(max_length=20, choices=Segment.choices)
    customers = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "segment"], name="home_segment_count_once")]

    def __str__(self):
        return f"{self.run_id} {self.segment} {self.customers}"
