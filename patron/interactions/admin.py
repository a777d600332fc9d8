from django.contrib import admin

from patron.interactions.models import Interaction
from patron.web.admin_site import ReadOnlyAdmin


@admin.register(Interaction)
class InteractionAdmin(ReadOnlyAdmin):
    """Interactions are logged with interaction_log: a subject or notes, no future time."""

    list_display = ["occurred_at", "customer", "organisation", "channel", "direction", "subject", "staff"]
    list_filter = ["channel", "direction"]
    raw_id_fields = ["customer", "organisation", "contact"]
    show_full_result_count = False
