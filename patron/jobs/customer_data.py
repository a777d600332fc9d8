"""Where failed jobs keep people's data (see patron/customers/registry.py)."""

from patron.customers.registry import Traces, register_traces
from patron.jobs.models import FailedJob

# A job's arguments, and the error it raised, can quote what it worked on.
register_traces(Traces(FailedJob, ("arguments", "error", "traceback")))
