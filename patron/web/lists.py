"""One list view pattern: the list's filter declaration (patron.filtering), a keyset page of the
rows it selects (patron.pagination), and for htmx only the results (patron.web.htmx). The
results template draws its pager with {% pager page %} (web/_pager.html)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from patron.web.htmx import render_partial

PAGE_SIZE = 50


def filtered_page(request, form_class, rows, *, limit=PAGE_SIZE, prepare=None):
    """The list's form bound to the query string, one page of ``rows(selection)`` and the error
    to show instead, as a template context. ``prepare(items)`` adds what the rows show (in bulk)."""
    form = form_class(request.GET)
    page, error = None, None
    if form.is_valid():
        try:
            selection = form.selection()
            page = selection.page(rows(selection), cursor=form.cleaned_data["cursor"], limit=limit)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            if prepare:
                prepare(page.items)
    else:
        error = _("Some filters are not valid; showing nothing until they are corrected.")
    return {"form": form, "page": page, "error": error}


def list_response(request, *, page, results, context, target="results"):
    """The list page, or for htmx swapping ``#target`` only the ``results`` template."""
    return render_partial(request, page, results, context, target=target)
