from django.urls import path

from patron.accounts import passwords, people_views, views

app_name = "accounts"
urlpatterns = [
    path("", views.settings_view, name="settings"),
    path("language/", views.language_view, name="language"),
    path("tokens/<int:pk>/revoke/", views.token_revoke_view, name="revoke_token"),
    path("people/", people_views.people_view, name="people"),
    path("people/<int:pk>/role/", people_views.role_view, name="set_role"),
    path("people/<int:pk>/active/", people_views.active_view, name="set_active"),
    path("people/<int:pk>/reset-link/", people_views.reset_link_view, name="reset_link"),
    path("invitations/<int:pk>/revoke/", people_views.invitation_revoke_view, name="revoke_invitation"),
    path("invitation/<str:token>/", people_views.accept_invitation_view, name="accept_invitation"),
    path("password/", passwords.password_change_view, name="password_change"),
    path("password/forgotten/", passwords.PasswordResetView.as_view(), name="password_reset"),
    path("password/forgotten/sent/", passwords.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        passwords.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/", passwords.PasswordResetCompleteView.as_view(), name="password_reset_complete"
    ),
]
