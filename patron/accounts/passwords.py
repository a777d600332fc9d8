"""Passwords: changing one's own, and a forgotten one reset by e-mail (Django's views, in Patron's
pages and the user's language). Without mail configured the reset page says to ask an Admin,
who issues a one-time link from the people page (patron.accounts.people.reset_link_issue).

Reset requests are throttled (patron.accounts.throttle): PATRON_RESET_ADDRESS_LIMIT requests per
client address and PATRON_RESET_ACCOUNT_LIMIT e-mails per account within PATRON_RESET_WINDOW.
A throttled request is answered as any other, so the page tells nothing of whether the address
has an account, but nothing is sent, and it is logged."""

import logging

from axes.helpers import get_client_ip_address
from axes.utils import reset as axes_reset
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from patron.accounts import mail, people, throttle
from patron.accounts.models import AccountAction, UserProfile


@login_required
@require_http_methods(["GET", "POST"])
def password_change_view(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if form.is_valid():
        people.password_change(
            user=request.user, password=form.cleaned_data["new_password1"], by=request.user
        )
        update_session_auth_hash(request, request.user)
        messages.success(request, _("Your password is changed."))
        return redirect("accounts:settings")
    return render(
        request, "accounts/password_change.html", {"form": form}, status=400 if form.is_bound else 200
    )


log = logging.getLogger(__name__)


class ResetForm(PasswordResetForm):
    email = forms.EmailField(label=gettext_lazy("E-mail"), max_length=254)

    def save(self, *args, request=None, **kwargs):
        """Nothing is sent to an address that asked too often (or to no one the form names)."""
        address = (get_client_ip_address(request) if request is not None else "") or ""
        if not throttle.admit(
            "reset-address",
            address,
            limit=settings.PATRON_RESET_ADDRESS_LIMIT,
            window=settings.PATRON_RESET_WINDOW,
        ):
            log.warning("Password reset throttled: too many requests from address %r", address)
            return
        self.address = address
        super().save(*args, request=request, **kwargs)

    def get_users(self, email):
        """The active users with this address, less those mailed too often already."""
        for user in super().get_users(email):
            if throttle.admit(
                "reset-account",
                str(user.pk),
                limit=settings.PATRON_RESET_ACCOUNT_LIMIT,
                window=settings.PATRON_RESET_WINDOW,
            ):
                yield user
            else:
                log.warning(
                    "Password reset throttled: too many e-mails to user %s (asked from %r)",
                    user.pk,
                    getattr(self, "address", ""),
                )

    def send_mail(
        self, subject_template, body_template, context, from_email, to_email, html_email_template_name=None
    ):
        """In the language the user chose for their pages (the page's when they chose none),
        through the outbox (patron.accounts.mail): accounts/mail/password_reset_*.txt, which the
        view names, as text from DEFAULT_FROM_EMAIL; a failure is logged, as Django does."""
        language = UserProfile.objects.filter(user=context["user"]).values_list("language", flat=True).first()
        try:
            mail.send_mail(
                to=to_email,
                template="password_reset",
                context=context,
                language=language or translation.get_language(),
            )
        except mail.MailNotSent:
            log.exception("Failed to send password reset email to %s", context["user"].pk)


class PasswordResetView(auth_views.PasswordResetView):
    """Asks for the e-mail address and mails a link, to an active user with that address only
    (the page says the same whether or not one exists)."""

    form_class = ResetForm
    template_name = "accounts/password_reset_form.html"
    subject_template_name = "accounts/mail/password_reset_subject.txt"
    email_template_name = "accounts/mail/password_reset_body.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def dispatch(self, request, *args, **kwargs):
        if not mail.mail_configured():
            return render(request, "accounts/password_reset_form.html", {"mail_configured": False})
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(mail_configured=True, **kwargs)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The link's page: a new password, after which the link no longer works (Django's token
    is made from the password). Log-in failures held against the user are forgotten, so someone
    locked out by mistyping can log in at once with the new password."""

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.user
        people.record(action=AccountAction.RESET_PASSWORD, by=user, user=user)
        axes_reset(username=user.get_username())
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
