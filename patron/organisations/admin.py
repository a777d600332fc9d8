from django.contrib import admin

from patron.organisations.models import Organisation, OrganisationContact


class ContactInline(admin.TabularInline):
    model = OrganisationContact
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "country", "owner"]
    list_filter = ["kind", "country"]
    search_fields = ["name"]
    inlines = [ContactInline]
