from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from patron.imports.forms import FIELD_LABELS, StartForm, UploadForm
from patron.imports.models import ImportRun
from patron.imports.runs import (
    importable_kinds,
    run_discard,
    run_get,
    run_list,
    run_preview,
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


@login_required
def import_run_view(request, pk):
    run = _run(pk, request.user)
    context = {"run": run}
    if run.status == ImportRun.Status.UPLOADED:
        preview = run_preview(run=run, by=request.user)
        context["preview"] = preview
        if "refused" not in preview:
            context["ambiguous"] = [
                (column, [FIELD_LABELS[field] for field in fields])
                for column, fields in preview.get("ambiguous", {}).items()
            ]
            context["form"] = StartForm(
                kind=run.kind,
                initial={
                    "date_order": run.options.get("date_order", ""),
                    "calendar": run.options.get("calendar", ""),
                },
                columns=preview["columns"],
                fields=preview["fields"],
                mapping=preview["mapping"],
            )
    return render(request, "imports/run.html", context)


@login_required
@require_POST
def import_start_view(request, pk):
    run = _run(pk, request.user)
    preview = run_preview(run=run, by=request.user)
    if "refused" in preview:
        return redirect("imports:run", run.pk)
    form = StartForm(request.POST, kind=run.kind, columns=preview["columns"], fields=preview["fields"])
    if form.is_valid():
        try:
            run_start(
                run=run,
                by=request.user,
                mapping=form.mapping(),
                date_order=form.cleaned_data["date_order"],
                calendar=form.cleaned_data["calendar"],
            )
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
    run = _run(pk, request.user)
    return render(request, "imports/_progress.html", {"run": run})


@login_required
def import_rejects_view(request, pk):
    run = _run(pk, request.user)
    if not run.reject_path or not Path(run.reject_path).is_file():
        raise Http404(_("This import rejected no rows."))
    name = f"{Path(run.file_name).stem}.rejects.csv"
    return FileResponse(
        open(run.reject_path, "rb"), as_attachment=True, filename=name, content_type="text/csv"
    )
