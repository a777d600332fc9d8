from django.urls import path

from patron.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.settings_view, name="settings"),
    path("language/", views.language_view, name="language"),
    path("tokens/<int:pk>/revoke/", views.token_revoke_view, name="revoke_token"),
]
