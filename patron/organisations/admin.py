from django.contrib import admin

from patron.organisations.models import Organisation, OrganisationContact
from patron.web.admin_site import ReadOnlyAdmin


class ContactInline(admin.TabularInline):
    model = OrganisationContact
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdmin):
    """Organisations and their contacts are kept on the organisation pages, whose services
    check the country, website and phones and keep the folded name search uses."""

    list_display = ["name", "kind", "country", "owner"]
    list_filter = ["kind", "country"]
    search_fields = ["name"]
    inlines = [ContactInline]
