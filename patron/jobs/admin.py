from django.contrib import admin

from patron.jobs.models import FailedJob


@admin.register(FailedJob)
class FailedJobAdmin(admin.ModelAdmin):
    list_display = ["name", "error", "failed_at"]
    search_fields = ["name", "error"]
    readonly_fields = ["task_id", "name", "arguments", "error", "traceback", "failed_at"]

    def has_add_permission(self, request):
        return False
