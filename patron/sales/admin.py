from django.contrib import admin

from patron.sales.models import Order, OrderLine, Product
from patron.web.admin_site import ReadOnlyAdmin


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    """Editable: the model form checks what product_upsert checks (a SKU of 1 to 64
    characters, unique; a name of 1 to 200; spaces at either end dropped)."""

    list_display = ["sku", "name", "category"]
    search_fields = ["sku", "name"]
    list_filter = ["category"]


class LineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    raw_id_fields = ["product"]


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    """Orders come from the API, the order form and imports (order_create): amounts in the
    currency's minor unit, the base total at the day's rate, no date in the future. Their status
    changes through patron.sales.status (the customer page, PATCH /api/orders/{id}), never here."""

    list_display = ["external_id", "customer", "placed_at", "status", "channel", "total", "currency"]
    list_filter = ["status", "channel", "currency"]
    raw_id_fields = ["customer"]
    show_full_result_count = False
    inlines = [LineInline]
