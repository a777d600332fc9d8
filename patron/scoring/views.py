from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from patron.accounts.permissions import require_perm
from patron.scoring.models import CustomerScore, Segment
from patron.scoring.selectors import clv_bands, latest_run, rfm_grid, segment_sizes, valuable_at_risk
from patron.scoring.services import scoring_request
from patron.workspace.money import format_money
from patron.workspace.services import get_workspace

VIEW = "scoring.view_customerscore"


@login_required
def value_view(request):
    """The value page: RFM heatmap, CLV distribution, segments, valuable customers at risk."""
    require_perm(request.user, VIEW)
    workspace = get_workspace()
    bands = clv_bands()
    context = {
        "tab": "overview",
        "run": latest_run(),
        "workspace": workspace,
        "scored": CustomerScore.objects.count(),
        "grid": rfm_grid(),
        "bands": bands,
        "clv_chart": {
            "type": "bar",
            "labels": [_band_label(band, workspace.currency) for band in bands],
            "series": [{"label": _("Customers"), "data": [band["customers"] for band in bands]}],
            "x": _("Lifetime value"),
            "y": _("Customers"),
        },
        "segments": segment_sizes(),
        "at_risk": valuable_at_risk(),
        "segment_names": dict(Segment.choices),
    }
    return render(request, "scoring/value.html", context)


@login_required
def checks_view(request):
    """The analyst tab: the fitted models and the papers' checks of the last run."""
    require_perm(request.user, VIEW)
    run = latest_run()
    checks = run.checks if run else {}
    context = {"tab": "checks", "run": run}
    if "tracking" in checks:
        tracking, holdout = checks["tracking"], checks["holdout"]
        context["tracking_chart"] = {
            "type": "line",
            "labels": [round(week) for week in tracking["period"]],
            "series": [
                {"label": _("Actual"), "data": tracking["actual"]},
                {
                    "label": _("Expected (BG/NBD)"),
                    "data": [round(v, 1) for v in tracking["expected"]],
                    "dashed": True,
                },
            ],
            "x": _("Weeks since the first purchase"),
            "y": _("Repeat purchases"),
        }
        context["holdout_chart"] = {
            "type": "line",
            "labels": [
                f"{row['x']}+" if i == len(holdout) - 1 else str(row["x"]) for i, row in enumerate(holdout)
            ],
            "series": [
                {"label": _("Actual"), "data": [round(row["actual"], 3) for row in holdout]},
                {
                    "label": _("Expected (BG/NBD)"),
                    "data": [round(row["expected"], 3) for row in holdout],
                    "dashed": True,
                },
            ],
            "x": _("Repeat purchases in calibration"),
            "y": _("Mean purchases in the holdout"),
        }
    return render(request, "scoring/checks.html", context)


def _band_label(band, currency):
    lower = format_money(band["lower"], currency, get_language(), whole=True)
    if band["upper"] is None:
        return f"{lower}+"
    return f"{lower}–{format_money(band['upper'], currency, get_language(), whole=True)}"


@login_required
@require_POST
def score_view(request):
    _run, joined = scoring_request(by=request.user)
    if joined:
        messages.info(
            request,
            _(
                "Scoring was already asked for and has not finished: your request joins it. The page "
                "shows the new scores when it has finished."
            ),
        )
    else:
        messages.success(request, _("Scoring started: the page shows the new scores when it has finished."))
    return redirect("scoring:value")
