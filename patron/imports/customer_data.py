"""Where imports keep people's data without tying it to one customer (see patron/customers/registry.py)."""

from patron.customers.registry import Traces, register_traces
from patron.imports.models import ImportRun, SourceMapping

# The uploaded file and the file of rejected rows are copies of the source's cells; the preview,
# the summary and the message quote some of them. A queued or running import still reads its file.
register_traces(
    Traces(
        ImportRun,
        ("options", "summary", "preview", "message", "said"),
        files=("stored_path", "reject_path"),
        in_use=lambda run: run.is_active,
    )
)
register_traces(Traces(SourceMapping, ("mapping",), personal=False, why="which column is which field"))
