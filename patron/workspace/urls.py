from django.urls import path

from patron.workspace import rates_views, views

app_name = "workspace"
urlpatterns = [
    path("", views.workspace_settings_view, name="settings"),
    path("rates/", rates_views.rates_view, name="rates"),
    path("rates/import/", rates_views.rates_import_view, name="rates_import"),
]
