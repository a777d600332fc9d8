"""What an import reports: counts in rows of the file, and the first rejects."""

from dataclasses import dataclass, field

KEPT_REJECTS = 1000
"""Rejects kept in memory on the summary; the reject file has them all."""


class ImportRefused(Exception):
    """The whole file was refused before anything was written; the message says why."""

    @property
    def message(self):
        return self.args[0] if self.args else ""


@dataclass(frozen=True)
class Reject:
    row: int
    column: str
    reason: str


@dataclass
class ImportSummary:
    """Every row read is counted once: created + updated + unchanged + rejected == read."""

    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    customers_created: int = 0
    customers_matched: int = 0
    reject_file: str | None = None
    rejects: list[Reject] = field(default_factory=list, repr=False)

    def as_dict(self):
        return {
            "read": self.read,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "customers_created": self.customers_created,
            "customers_matched": self.customers_matched,
            "reject_file": self.reject_file,
        }

    def count(self, outcome, rows=1):
        """Add ``rows`` to "created", "updated" or "unchanged"."""
        setattr(self, outcome, getattr(self, outcome) + rows)


@dataclass
class OrderImportSummary(ImportSummary):
    """An order import's counts, and how its columns were read.

    ``repeated``: rows that repeat an order already read in the file, counted once (they are
    in ``unchanged``). ``order_number_column``: the column read as the order number (None: the
    orders have no numbers and are known by a fingerprint); ``order_number_found``: it was
    found from its values, its header not naming it. ``ignored_columns``: the file's columns
    that were not imported, in file order; ``ambiguous_columns``: those whose header could mean
    several fields, with the fields.
    """

    repeated: int = 0
    order_number_column: str | None = None
    order_number_found: bool = False
    ignored_columns: list[str] = field(default_factory=list)
    ambiguous_columns: dict[str, list[str]] = field(default_factory=dict)

    def as_dict(self):
        return super().as_dict() | {
            "repeated": self.repeated,
            "order_number_column": self.order_number_column,
            "order_number_found": self.order_number_found,
            "ignored_columns": self.ignored_columns,
            "ambiguous_columns": self.ambiguous_columns,
        }
