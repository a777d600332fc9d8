from django import forms
from django.contrib import admin
from django.utils.translation import gettext as _

from patron.customers.models import (
    AuditEvent,
    ConsentEvent,
    ContactPoint,
    Customer,
    ExternalId,
    Tag,
)
from patron.customers.services import tag_name
from patron.web.admin_site import ReadOnlyAdmin


class ContactPointInline(admin.TabularInline):
    model = ContactPoint
    extra = 0
    fields = ["kind", "value", "normalised", "is_primary", "verified_at"]
    readonly_fields = ["normalised"]


class ExternalIdInline(admin.TabularInline):
    model = ExternalId
    extra = 0
    fields = ["source", "value"]


@admin.register(Customer)
class CustomerAdmin(ReadOnlyAdmin):
    """Customers are added and changed on the customer pages, which match identities,
    validate and audit."""

    list_display = ["display_name", "country", "created_at"]
    list_filter = ["country"]
    search_fields = ["search_text"]
    show_full_result_count = False
    readonly_fields = ["merged_into", "created_at", "updated_at"]
    inlines = [ContactPointInline, ExternalIdInline]


class TagForm(forms.ModelForm):
    class Meta:
        model = Tag
        fields = ["name"]

    def clean_name(self):
        name = tag_name(self.cleaned_data["name"])
        if Tag.objects.named([name]).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(
                _("There is already a tag %(name)s (tags are compared without case).") % {"name": name}
            )
        return name


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    """Editable (renaming a tag): names follow the rule of the customer pages and imports."""

    form = TagForm
    search_fields = ["name"]

    def has_delete_permission(self, request, obj=None):
        return False  # it would leave its customers with no audit record of losing it


@admin.register(ConsentEvent)
class ConsentEventAdmin(ReadOnlyAdmin):
    """Consents are recorded with consent_record, which also keeps the consent in force."""

    list_display = ["customer", "channel", "purpose", "granted", "occurred_at", "source"]
    list_filter = ["channel", "purpose", "granted"]
    raw_id_fields = ["customer"]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "customer", "action", "actor"]
    list_filter = ["action"]
    raw_id_fields = ["customer"]
