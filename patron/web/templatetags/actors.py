"""Who did what a row records, in plain words: {{ event|actor }}, {{ consent_event|actor:"recorded_by" }}."""

from django import template

from patron.actors import actor_text

register = template.Library()


@register.filter
def actor(row, user_field="actor"):
    """The actor of a row with actor_kind and actor_job beside its user field (patron.actors)."""
    return actor_text(row.actor_kind, getattr(row, user_field), row.actor_job)
