"""Where accounts keep data (see patron/customers/registry.py): nothing of a customer's."""

from patron.accounts.models import AccountEvent
from patron.customers.registry import Traces, register_traces

# Invitations, roles and password changes of staff: names of roles and languages, never a
# customer's data.
register_traces(
    Traces(AccountEvent, ("changes",), personal=False, why="staff roles and access, never customers")
)
