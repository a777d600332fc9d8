"""The main menu: each app registers its entry in its ``ui.py`` (found at start-up, see
patron.web.apps), and base.html draws the entries the user may see with {% main_menu %}."""

from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from patron.accounts.roles import is_admin


@dataclass(frozen=True)
class NavEntry:
    """A link to ``url_name`` labelled ``label`` (lazily translated), placed by ``order``.

    Shown to a user with ``permission`` (if any) for whom ``visible(user)`` (if any) is true.
    The entry is the current page (aria-current) on every page of the URL namespaces in
    ``current_for``. ``element_id``: the link's id, for tests and for the pages that point at it.
    """

    name: str
    label: str
    url_name: str
    order: int
    permission: str | None = None
    visible: Callable | None = None
    current_for: tuple[str, ...] = ()
    element_id: str = ""


def for_admins(user):
    """A ``visible`` for entries only Admins see; the database is asked once for the user."""
    if not hasattr(user, "_patron_is_admin"):
        user._patron_is_admin = is_admin(user)
    return user._patron_is_admin


@dataclass(frozen=True)
class MenuItem:
    entry: NavEntry
    url: str
    current: bool


_entries: dict[str, NavEntry] = {}


def register(entry: NavEntry) -> None:
    if entry.name in _entries and _entries[entry.name] != entry:
        raise ImproperlyConfigured(f"Two menu entries are named {entry.name}")
    _entries[entry.name] = entry


def entries() -> list[NavEntry]:
    return sorted(_entries.values(), key=lambda entry: (entry.order, entry.name))


def menu(request) -> list[MenuItem]:
    """The entries this request's user may see, each with its URL and whether it is this page's."""
    user = request.user
    match = request.resolver_match
    namespaces = set(match.namespaces) if match else set()
    return [
        MenuItem(entry, reverse(entry.url_name), bool(namespaces & set(entry.current_for)))
        for entry in entries()
        if (not entry.permission or user.has_perm(entry.permission))
        and (not entry.visible or entry.visible(user))
    ]


@contextmanager
def override():
    """For tests: entries registered inside the block are gone after it."""
    saved = dict(_entries)
    try:
        yield
    finally:
        _entries.clear()
        _entries.update(saved)
