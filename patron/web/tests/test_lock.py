"""Installs are reproducible: requirements.lock pins every package Patron and its tests need."""

from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

LOCK = Path(__file__).resolve().parents[3] / "requirements.lock"


def locked():
    pins = {}
    for line in LOCK.read_text().splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            pins[canonicalize_name(name)] = version
    return pins


def dependency_closure(root, extras):
    """Every distribution `root` with `extras` needs, directly or through another, as installed."""
    seen, todo = {}, [(root, frozenset(extras))]
    while todo:
        name, wanted = todo.pop()
        for text in metadata.requires(name) or []:
            requirement = Requirement(text)
            environments = [{"extra": extra} for extra in wanted] or [{"extra": ""}]
            if requirement.marker and not any(requirement.marker.evaluate(e) for e in environments):
                continue
            key = canonicalize_name(requirement.name)
            if key not in seen:
                seen[key] = requirement
                todo.append((requirement.name, frozenset(requirement.extras)))
    return seen


def test_every_direct_and_transitive_dependency_is_pinned_and_installed_at_its_pin():
    pins = locked()
    closure = dependency_closure("patron", {"test", "spark"})
    assert len(closure) > 50
    unpinned = sorted(set(closure) - set(pins))
    assert unpinned == []
    installed = {key: metadata.version(key) for key in closure}
    assert {k: v for k, v in installed.items() if v != pins[k]} == {}


def test_the_pins_satisfy_the_ranges_that_ask_for_them():
    pins = locked()
    closure = dependency_closure("patron", {"test", "spark"})
    outside = {k: str(r.specifier) for k, r in closure.items() if not r.specifier.contains(pins[k])}
    assert outside == {}
