"""The follow-up rules' page (/tasks/rules/): Admins and Marketers list, add and delete rules
("3 days after each order, a call"); patron.tasks.recurrence makes the tasks."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from patron.accounts.permissions import allowed
from patron.tasks.models import FollowUpRule, Task
from patron.tasks.recurrence import RULE_PERMISSION, active_staff, rule_delete, rule_save


class RuleForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Task.Kind.choices, initial=Task.Kind.CALL)
    days_after = forms.IntegerField(label=gettext_lazy("Days after each order"), min_value=0, max_value=365)
    remind_before_minutes = forms.CharField(
        label=gettext_lazy("Reminders, minutes before (e.g. 15, 1440)"), required=False
    )
    fallback_assignee = forms.ModelChoiceField(
        label=gettext_lazy("For customers without an owner"),
        queryset=active_staff(),
        required=False,
        empty_label=gettext_lazy("Nobody: no task"),
    )

    def clean_remind_before_minutes(self):
        text = self.cleaned_data["remind_before_minutes"].replace(",", " ").split()
        if not all(part.isdigit() for part in text):
            raise ValidationError(_("Give whole numbers of minutes, separated by commas."))
        return [int(part) for part in text]


def _require(user):
    if not allowed(user, RULE_PERMISSION):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def rules_view(request):
    _require(request.user)
    form = RuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rule_save(by=request.user, **form.cleaned_data)
        except ValidationError as refused:
            for field, errors in refused.message_dict.items():
                name = field.split(".")[0]  # "remind_before_minutes.1": the offsets' field
                form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(request, _("The rule is saved: each order recorded from now on gets its task."))
            return redirect("tasks:rules")
    rules = FollowUpRule.objects.select_related("fallback_assignee").order_by("days_after", "pk")
    return render(request, "tasks/rules.html", {"form": form, "rules": rules})


@login_required
@require_POST
def rule_delete_view(request, pk):
    _require(request.user)
    rule_delete(by=request.user, rule=get_object_or_404(FollowUpRule, pk=pk))
    messages.success(request, _("The rule is deleted; the tasks it made stay."))
    return redirect("tasks:rules")
