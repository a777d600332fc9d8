from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from patron.accounts.permissions import require_perm
from patron.api_schemas import MAX_ID
from patron.customers.models import Customer
from patron.duplicates.deciding import pair_dismiss, pair_merge
from patron.duplicates.forms import MergeForm
from patron.duplicates.merging import merge_undo
from patron.duplicates.models import MERGE_CUSTOMERS, DuplicatePair, Merge
from patron.duplicates.scanning import scan_request
from patron.duplicates.selectors import evidence_lines, merge_list, open_pair_page, pair_review
from patron.pagination import keyset_page
from patron.workspace.services import get_workspace

PAGE_SIZE = 50


def _pair(pk):
    try:
        return DuplicatePair.objects.select_related("left", "right", "decided_by").get(pk=pk)
    except DuplicatePair.DoesNotExist as exc:
        raise Http404(_("No such pair.")) from exc


def _merge(pk):
    try:
        return Merge.objects.get(pk=pk)
    except Merge.DoesNotExist as exc:
        raise Http404(_("No such merge.")) from exc


@login_required
def pair_list_view(request):
    require_perm(request.user, "customers.view_customer")
    try:
        page = open_pair_page(cursor=request.GET.get("cursor"), limit=PAGE_SIZE)
    except ValidationError:
        return redirect("duplicates:list")
    # After a merge the list says so, with its Undo button: ?merged=<merge id>.
    merged = request.GET.get("merged", "")
    just_merged = None
    if merged.isdecimal() and int(merged) <= MAX_ID:
        just_merged = merge_list().filter(pk=int(merged), undone_at__isnull=True).first()
    context = {
        "rows": [(pair, evidence_lines(pair)) for pair in page.items],
        "page": page,
        "just_merged": just_merged,
        "can_merge": request.user.has_perm(MERGE_CUSTOMERS),
    }
    return render(request, "duplicates/list.html", context)


@login_required
@require_POST
def scan_view(request):
    _scan, joined = scan_request(by=request.user)
    if joined:
        messages.info(
            request,
            _(
                "A search for duplicates is already under way: your request joins it. Pairs appear "
                "here as they are found: reload in a minute."
            ),
        )
    else:
        messages.success(
            request, _("Looking for duplicates. Pairs appear here as they are found: reload in a minute.")
        )
    return redirect("duplicates:list")


def _review(request, pair, form=None, status=200):
    review = pair_review(pair)
    form = form or MergeForm(fields=review["fields"], default_survivor=review["default_survivor"])
    context = {
        **review,
        "form": form,
        "workspace": get_workspace(),
        "can_merge": request.user.has_perm(MERGE_CUSTOMERS),
    }
    return render(request, "duplicates/pair.html", context, status=status)


@login_required
def pair_detail_view(request, pk):
    require_perm(request.user, "customers.view_customer")
    return _review(request, _pair(pk))


@login_required
@require_POST
def pair_merge_view(request, pk):
    require_perm(request.user, MERGE_CUSTOMERS)
    pair = _pair(pk)
    review = pair_review(pair)
    form = MergeForm(request.POST, fields=review["fields"], default_survivor=review["default_survivor"])
    if form.is_valid():
        survivor_id = pair.left_id if form.cleaned_data["survivor"] == "left" else pair.right_id
        try:
            merge = pair_merge(pair=pair, survivor_id=survivor_id, choices=form.choices(), by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("duplicates:pair", pk=pair.pk)
        return redirect(f"{reverse('duplicates:list')}?merged={merge.pk}")
    return _review(request, pair, form=form, status=422)


@login_required
@require_POST
def pair_dismiss_view(request, pk):
    require_perm(request.user, MERGE_CUSTOMERS)
    pair = _pair(pk)
    try:
        pair_dismiss(pair=pair, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("duplicates:pair", pk=pair.pk)
    messages.success(
        request,
        _("%(left)s and %(right)s are marked as different people.")
        % {"left": pair.left.display_name, "right": pair.right.display_name},
    )
    return redirect("duplicates:list")


@login_required
def merge_list_view(request):
    require_perm(request.user, "customers.view_customer")
    try:
        page = keyset_page(merge_list(), cursor=request.GET.get("cursor"), limit=PAGE_SIZE)
    except ValidationError:
        return redirect("duplicates:merges")
    context = {"page": page, "can_merge": request.user.has_perm(MERGE_CUSTOMERS)}
    return render(request, "duplicates/merges.html", context)


@login_required
@require_POST
def merge_undo_view(request, pk):
    require_perm(request.user, MERGE_CUSTOMERS)
    merge = _merge(pk)
    try:
        merge_undo(merge=merge, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("duplicates:merges")
    merged = Customer.objects.get(pk=merge.merged_id)
    messages.success(
        request, _("Merge undone: %(name)s is a customer of their own again.") % {"name": merged.display_name}
    )
    return redirect("duplicates:merges")
