"""Where the home page keeps data (see patron/customers/registry.py): counts and sums, no person."""

from patron.customers.registry import Traces, register_traces
from patron.home.models import Snapshot

register_traces(Traces(Snapshot, ("figures",), personal=False, why="counts and sums of the whole shop"))
