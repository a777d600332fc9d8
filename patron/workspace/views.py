from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from patron.accounts.permissions import require_perm
from patron.web.errors import add_service_errors
from patron.workspace.models import MAX_RETENTION_DAYS
from patron.workspace.money import CURRENCY_CHOICES
from patron.workspace.regions import TIME_ZONES, country_names
from patron.workspace.services import get_workspace, workspace_update


class WorkspaceForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    country = forms.ChoiceField(label=gettext_lazy("Default country"))
    currency = forms.ChoiceField(label=gettext_lazy("Base currency"), choices=CURRENCY_CHOICES)
    time_zone = forms.ChoiceField(label=gettext_lazy("Time zone"))
    upload_retention_days = forms.IntegerField(
        label=gettext_lazy("Days uploaded import files are kept"),
        widget=forms.NumberInput(attrs={"min": 1, "max": MAX_RETENTION_DAYS}),
        help_text=gettext_lazy(
            "An import's file is deleted from the server this many days after its upload; "
            "the import stays listed, with what it did."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = country_names(get_language())
        self.fields["time_zone"].choices = [(z, z) for z in TIME_ZONES]


@login_required
@require_http_methods(["GET", "POST"])
def workspace_settings_view(request):
    require_perm(request.user, "workspace.change_workspace")
    workspace = get_workspace()
    form = WorkspaceForm(
        request.POST or None,
        initial={
            "name": workspace.name,
            "country": workspace.country,
            "currency": workspace.currency,
            "time_zone": workspace.time_zone,
            "upload_retention_days": workspace.upload_retention_days,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            workspace_update(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Workspace settings saved."))
            return redirect("workspace:settings")
    return render(request, "workspace/settings.html", {"form": form})
