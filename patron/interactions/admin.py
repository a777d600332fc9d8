from django.contrib import admin

from patron.interactions.models import Interaction


@admin.register(Interaction)
class InteractionAdmin(admin.ModelAdmin):
    list_display = ["occurred_at", "customer", "organisation", "channel", "direction", "subject", "staff"]
    list_filter = ["channel", "direction"]
    raw_id_fields = ["customer", "organisation", "contact"]
    show_full_result_count = False
