"""One way for a view to answer htmx: the partial template when htmx asks, the page otherwise."""

from django.shortcuts import render
from django.utils.cache import patch_vary_headers


def is_htmx(request, target=None):
    """Whether htmx sent this request to swap part of the page (into ``#target``, if given).

    htmx restoring a page from history asks for the whole page, so that is not a partial."""
    headers = request.headers
    if headers.get("HX-Request") != "true" or headers.get("HX-History-Restore-Request") == "true":
        return False
    return target is None or headers.get("HX-Target") == target


def render_partial(request, page, partial, context, *, target=None, status=200):
    """``partial`` for htmx (aimed at ``#target`` when given), else the whole ``page``, which
    includes the partial. The answer varies by the header, so that no cache mixes the two."""
    template = partial if is_htmx(request, target) else page
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response
