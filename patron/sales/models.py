from django.db import models
from django.utils.translation import gettext_lazy as _

from patron.constraints import one_of
from patron.customers.models import Customer
from patron.workspace.fields import CurrencyField


class Product(models.Model):
    sku = models.CharField(_("SKU"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    category = models.CharField(_("category"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["name"]

    def __str__(self):
        return f"{self.sku} {self.name}"


class OrderStatus(models.TextChoices):
    COMPLETED = "completed", _("Completed")
    REFUNDED = "refunded", _("Refunded")
    CANCELLED = "cancelled", _("Cancelled")
    # Goods brought back: a document of its own, its total the amount paid back; tied to the
    # order it returns (Order.return_of) when recorded in Patron (patron.sales.status).
    RETURNED = "returned", _("Return")


class SalesChannel(models.TextChoices):
    STORE = "store", _("Store")
    WEB = "web", _("Web")
    APP = "app", _("App")
    PHONE = "phone", _("Phone")
    MARKETPLACE = "marketplace", _("Marketplace")


class Order(models.Model):
    # Declared above, where Meta's constraints can see them; Order.Status as before.
    Status = OrderStatus
    SalesChannel = SalesChannel

    # Indexed by order_customer_placed below, which leads with the customer.
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="orders", db_index=False)
    source = models.CharField(_("source"), max_length=50, default="patron")
    external_id = models.CharField(_("order number"), max_length=100, blank=True)
    # For orders imported without a number: a hash of customer, time and amount, so that
    # importing the same export twice does not record them twice.
    fingerprint = models.CharField(max_length=32, blank=True, default="", editable=False)
    placed_at = models.DateTimeField(_("placed"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.COMPLETED)
    channel = models.CharField(_("channel"), max_length=12, choices=SalesChannel.choices)
    currency = CurrencyField(_("currency"))
    total = models.DecimalField(_("total"), max_digits=18, decimal_places=4)
    # The total in the workspace's base currency at the rate of the order's date.
    total_base = models.DecimalField(_("total in base currency"), max_digits=18, decimal_places=4)
    exchange_rate = models.DecimalField(max_digits=20, decimal_places=10, default=1)
    # A return recorded against an order (patron.sales.status): the order it gives money back
    # for. Empty for every other order, and for returns imported as documents of their own.
    # Indexed only where set (see Meta), so that an import of millions of orders pays nothing.
    return_of = models.ForeignKey(
        "self",
        verbose_name=_("return of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="returns",
        db_index=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=~models.Q(external_id=""),
                name="order_external_id_unique",
            ),
            models.UniqueConstraint(
                fields=["source", "fingerprint"],
                condition=~models.Q(fingerprint=""),
                name="order_fingerprint_unique",
            ),
            models.CheckConstraint(condition=models.Q(total__gte=0), name="order_total_not_negative"),
            models.CheckConstraint(condition=one_of("status", OrderStatus.values), name="order_status_known"),
            models.CheckConstraint(
                condition=one_of("channel", SalesChannel.values), name="order_channel_known"
            ),
            models.CheckConstraint(
                condition=models.Q(return_of__isnull=True) | models.Q(status=OrderStatus.RETURNED),
                name="order_return_of_is_a_return",
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "-placed_at"], name="order_customer_placed"),
            models.Index(
                fields=["return_of"], condition=models.Q(return_of__isnull=False), name="order_return_of"
            ),
        ]

    def __str__(self):
        return f"{self.external_id or self.pk} {self.total} {self.currency}"


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="order_lines")
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)
    unit_price = models.DecimalField(_("unit price"), max_digits=18, decimal_places=4)

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="order_line_quantity_positive"),
            models.CheckConstraint(
                condition=models.Q(unit_price__gte=0), name="order_line_price_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.quantity} × {self.product_id}"

    @property
    def line_total(self):
        return self.quantity * self.unit_price
