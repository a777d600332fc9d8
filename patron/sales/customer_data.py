"""What the sales app holds about a customer (see patron/customers/registry.py)."""

from patron.customers.registry import Holding, OnErase, OnMerge, register
from patron.sales.models import Order

# An erased person's orders stay as anonymous sales, so that revenue figures do not change.
register(Holding("orders", Order, OnMerge.MOVE, OnErase.ANONYMISE))
