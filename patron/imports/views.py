from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from patron.imports.forms import FIELD_LABELS, StartForm, UploadForm
from patron.imports.messages import shown
from patron.imports.models import ImportRun
from patron.imports.prechecks import NO_RATE, UNKNOWN_CUSTOMER
from patron.imports.readings import readings
from patron.imports.runs import (
    checked_for,
    importable_kinds,
    may_discard,
    run_check,
    run_choose,
    run_discard,
    run_get,
    run_list,
    run_retry,
    run_start,
    run_upload,
)
from patron.web.errors import add_service_errors
from patron.workspace.regions import country_names


def _run(pk, user):
    try:
        return run_get(pk=pk, by=user)
    except ImportRun.DoesNotExist as exc:
        raise Http404(_("No such import.")) from exc


@login_required
@require_http_methods(["GET", "POST"])
def import_list_view(request):
    kinds = importable_kinds(request.user)
    if not kinds:
        raise PermissionDenied(_("You may not import customers or orders."))
    form = UploadForm(
        request.POST or None, request.FILES or None, kinds=kinds, countries=country_names(get_language())
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            run = run_upload(
                by=request.user,
                kind=data["kind"],
                upload=data["file"],
                source=data["source"],
                country=data["country"],
                encoding=data["encoding"],
                date_order=data["date_order"],
                calendar=data["calendar"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("imports:run", run.pk)
    return render(request, "imports/list.html", {"form": form, "runs": run_list(by=request.user)})


def _start_form(run, data=None):
    preview = run.preview
    return StartForm(
        data,
        kind=run.kind,
        initial={
            "date_order": run.options.get("date_order", ""),
            "calendar": run.options.get("calendar", ""),
        },
        choices=preview["choices"],
        shown=len(preview["columns"]),
        fields=preview["fields"],
        mapping=preview["mapping"],
    )


@login_required
def import_run_view(request, pk):
    run = _run(pk, request.user)
    context = _run_context(run)
    if run.status == ImportRun.Status.UPLOADED and not run.file_deleted_at:
        preview = run.preview
        context["preview"] = preview
        context["date_problem"] = shown(preview.get("dates_said")) or preview.get("dates", "")
        context["ambiguous"] = [
            (column, [FIELD_LABELS[field] for field in fields])
            for column, fields in preview.get("ambiguous", {}).items()
        ]
        context["form"] = _start_form(run)
        context["rows"] = _rows_read(run)
        options = run.options
        check = checked_for(
            run, preview["mapping"], options.get("date_order", ""), options.get("calendar", "")
        )
        if check:
            context["check"] = _check_for_page(check)
            context["check_refused"] = shown(check.get("refused")) or check.get("refused", {}).get("text", "")
    return render(request, "imports/run.html", context)


def _check_for_page(check):
    """The check kept on the run, each reason with its heading in the reader's language."""
    labels = {
        UNKNOWN_CUSTOMER: _("Customers not found"),
        NO_RATE: _("No exchange rate for the currency and day"),
    }
    reasons = []
    for reason in check.get("reasons", []):
        label = labels.get(reason["code"])
        if label is None:
            label = _("The column “%(column)s”") % {"column": reason["column"]} if reason["column"] else ""
            label = label or str(FIELD_LABELS.get(reason["code"], reason["code"]))
        # Each example's reason in the reader's language (as it was kept, for a check made before
        # reasons kept their message ids).
        examples = [(row, shown(said[0] if said else {}) or text) for row, text, *said in reason["examples"]]
        reasons.append({**reason, "label": label, "examples": examples})
    return {**check, "reasons": reasons}


def _rows_read(run):
    """[(row number, [(cell, its Reading)], notes)] of the preview's shown rows."""
    rows = []
    for row, read in zip(run.preview["rows"], readings(run), strict=True):
        rows.append((read.number, list(zip(row, read.cells, strict=False)), read.notes))
    return rows


@login_required
@require_POST
def import_start_view(request, pk):
    """Start the import with the chosen fields; or, with action=map, keep them and map one more
    column by its name, and show the preview again."""
    run = _run(pk, request.user)
    if not run.preview:
        return redirect("imports:run", run.pk)
    form = _start_form(run, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        action = request.POST.get("action")
        chosen = {"mapping": form.mapping(), "date_order": data["date_order"], "calendar": data["calendar"]}
        try:
            if action == "map":
                run_choose(run=run, by=request.user, column=data["column"], field=data["field"], **chosen)
            elif action == "read":
                run_choose(run=run, by=request.user, **chosen)
            elif run.kind == "orders" and checked_for(run, **chosen) is None:
                # An orders file is checked before it starts; it starts at once when no row would
                # be rejected, else the page says which and why, and Import starts it.
                run_choose(run=run, by=request.user, **chosen)
                check = run_check(run=run, by=request.user, **chosen)
                if check.get("refused") or check["rejected"]:
                    return redirect(reverse("imports:run", args=[run.pk]) + "#check")
                run_start(run=run, by=request.user, **chosen)
            else:
                run_start(run=run, by=request.user, **chosen)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return redirect("imports:run", run.pk)


@login_required
@require_POST
def import_retry_view(request, pk):
    run = _run(pk, request.user)
    try:
        run_retry(run=run, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("imports:run", run.pk)


@login_required
@require_POST
def import_discard_view(request, pk):
    run = _run(pk, request.user)
    try:
        run_discard(run=run, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("imports:run", run.pk)
    return redirect("imports:list")


@login_required
def import_progress_view(request, pk):
    """The progress fragment the page polls; once a file has been read, the whole page again."""
    run = _run(pk, request.user)
    if request.GET.get("reading") and run.status != ImportRun.Status.PREVIEWING:
        return HttpResponse(headers={"HX-Refresh": "true"})
    return render(request, "imports/_progress.html", _run_context(run))


def _run_context(run):
    return {"run": run, "may_discard": may_discard(run), "heartbeat_limit": settings.PATRON_IMPORT_HEARTBEAT}


@login_required
def import_rejects_view(request, pk):
    run = _run(pk, request.user)
    if not run.reject_path or not Path(run.reject_path).is_file():  # none, or deleted with the upload
        raise Http404(_("This import rejected no rows."))
    name = f"{Path(run.file_name).stem}.rejects.csv"
    return FileResponse(
        open(run.reject_path, "rb"), as_attachment=True, filename=name, content_type="text/csv"
    )
