from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from patron.accounts.models import ApiToken, Calendar
from patron.accounts.services import profile_for, profile_update, token_create, token_revoke
from patron.web.dates import BUDDHIST, GREGORIAN, format_day
from patron.web.errors import add_service_errors
from patron.workspace.regions import TIME_ZONES


class PreferencesForm(forms.Form):
    language = forms.ChoiceField(label=gettext_lazy("Language"), required=False)
    time_zone = forms.ChoiceField(label=gettext_lazy("Time zone"), required=False)
    calendar = forms.ChoiceField(label=gettext_lazy("Calendar"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", gettext_lazy("Browser default")), *settings.LANGUAGES]
        self.fields["time_zone"].choices = [("", gettext_lazy("Same as the workspace"))] + [
            (z, z) for z in TIME_ZONES
        ]
        # Each calendar shown with today's date in it, in the reader's language: Buddhist era
        # (6 ธ.ค. 2569).
        today = timezone.localdate()
        self.fields["calendar"].choices = [
            ("", gettext_lazy("As the language does (Thai: Buddhist era)")),
            (
                Calendar.GREGORIAN,
                _("Gregorian (%(example)s)") % {"example": format_day(today, calendar=GREGORIAN)},
            ),
            (
                Calendar.BUDDHIST,
                _("Buddhist era (%(example)s)") % {"example": format_day(today, calendar=BUDDHIST)},
            ),
        ]


class TokenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Token name"), max_length=100)


@require_POST
def language_view(request):
    """Switch the UI language: saved on the user's profile, and in a cookie before log-in."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    response = redirect(next_url)
    if language in dict(settings.LANGUAGES):
        if request.user.is_authenticated:
            profile_update(user=request.user, language=language)
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax")
    return response


@login_required
@require_http_methods(["GET", "POST"])
def settings_view(request):
    profile = profile_for(request.user)
    form = PreferencesForm(
        request.POST if request.POST.get("form") == "preferences" else None,
        initial={"language": profile.language, "time_zone": profile.time_zone, "calendar": profile.calendar},
    )
    new_secret = None
    token_form = TokenForm(request.POST if request.POST.get("form") == "token" else None)
    if form.is_bound and form.is_valid():
        try:
            profile_update(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Preferences saved."))
            return redirect("accounts:settings")
    if token_form.is_bound and token_form.is_valid():
        try:
            _token, new_secret = token_create(user=request.user, name=token_form.cleaned_data["name"])
        except ValidationError as exc:
            add_service_errors(token_form, exc)
        else:
            token_form = TokenForm()
    context = {
        "form": form,
        "token_form": token_form,
        "new_secret": new_secret,
        "tokens": request.user.api_tokens.all(),
    }
    return render(request, "accounts/settings.html", context)


@login_required
@require_POST
def token_revoke_view(request, pk):
    token = ApiToken.objects.filter(pk=pk, user=request.user).first()
    if token is None:
        raise Http404(_("No such token."))
    token_revoke(token=token, by=request.user)
    messages.success(request, _("Token revoked: it no longer opens the API."))
    return redirect("accounts:settings")
