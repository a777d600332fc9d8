from django.contrib import admin

from patron.customers.models import (
    AuditEvent,
    ConsentEvent,
    Customer,
    CustomerEmail,
    CustomerPhone,
    ExternalId,
    Tag,
)


class EmailInline(admin.TabularInline):
    model = CustomerEmail
    extra = 0
    fields = ["address", "is_primary"]


class PhoneInline(admin.TabularInline):
    model = CustomerPhone
    extra = 0
    fields = ["e164", "raw", "is_primary"]


class ExternalIdInline(admin.TabularInline):
    model = ExternalId
    extra = 0
    fields = ["source", "value"]


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    """Read-mostly: changes go through the customer pages, which validate and audit them."""

    list_display = ["display_name", "country", "created_at"]
    list_filter = ["country"]
    search_fields = ["search_text"]
    show_full_result_count = False
    readonly_fields = ["merged_into", "created_at", "updated_at"]
    inlines = [EmailInline, PhoneInline, ExternalIdInline]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(ConsentEvent)
class ConsentEventAdmin(admin.ModelAdmin):
    list_display = ["customer", "channel", "purpose", "granted", "occurred_at", "source"]
    list_filter = ["channel", "purpose", "granted"]
    raw_id_fields = ["customer"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "customer", "action", "actor"]
    list_filter = ["action"]
    raw_id_fields = ["customer"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
