from django.contrib import admin

from patron.sales.models import Order, OrderLine, Product


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["sku", "name", "category"]
    search_fields = ["sku", "name"]
    list_filter = ["category"]


class LineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    raw_id_fields = ["product"]


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["external_id", "customer", "placed_at", "status", "channel", "total", "currency"]
    list_filter = ["status", "channel", "currency"]
    raw_id_fields = ["customer"]
    show_full_result_count = False
    inlines = [LineInline]

    def has_change_permission(self, request, obj=None):
        return False
