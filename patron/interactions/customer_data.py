"""What the interactions app holds about a customer (see patron/customers/registry.py)."""

from patron.customers.registry import Holding, OnErase, OnMerge, register
from patron.interactions.models import Interaction

register(Holding("interactions", Interaction, OnMerge.MOVE, OnErase.DELETE))
