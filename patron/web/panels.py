"""Panels that apps add to a page they do not own, such as the customer page.

The page's app makes one `Panels` registry; each app that has something to show there
registers a `Panel` in its ``ui.py`` (found at start-up, see patron.web.apps), so that the page's
app imports none of them and its template names none of their templates. The page's view asks
for the panels a user may see (`Panels.shown`), each with its own context, and its template draws
them with ``{% load webkit %}{% panel shown %}``.
"""

from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Panel:
    """``template`` draws the panel (its own ``<section class="panel">``) with the context that
    ``context(request, obj, **page)`` returns, on top of the page's (``page``: what the page
    hands every panel, such as the workspace). ``wide`` panels take the page's width, below the
    row of narrow ones. Shown to a user with ``permission`` (if any) for whom
    ``visible(request, obj)`` (if any) is true; ``order`` places it among the others."""

    name: str
    template: str
    order: int
    context: Callable[..., dict] | None = None
    permission: str | None = None
    visible: Callable[..., bool] | None = None
    wide: bool = False


@dataclass(frozen=True)
class Shown:
    panel: Panel
    context: dict

    @property
    def wide(self):
        return self.panel.wide


class Panels:
    def __init__(self, page):
        self.page = page
        self._panels: dict[str, Panel] = {}

    def register(self, panel: Panel) -> None:
        if panel.name in self._panels and self._panels[panel.name] != panel:
            raise ImproperlyConfigured(f"The {self.page} has two panels named {panel.name}")
        self._panels[panel.name] = panel

    def panels(self) -> list[Panel]:
        return sorted(self._panels.values(), key=lambda panel: (panel.order, panel.name))

    def shown(self, request, obj, **page) -> list[Shown]:
        """The panels this request's user may see on ``obj``'s page, in order, with their context."""
        user = request.user
        return [
            Shown(panel, panel.context(request, obj, **page) if panel.context else {})
            for panel in self.panels()
            if (not panel.permission or user.has_perm(panel.permission))
            and (not panel.visible or panel.visible(request, obj))
        ]

    @contextmanager
    def override(self):
        """For tests: panels registered inside the block are gone after it."""
        saved = dict(self._panels)
        try:
            yield self
        finally:
            self._panels.clear()
            self._panels.update(saved)
