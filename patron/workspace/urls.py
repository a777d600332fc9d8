from django.urls import path

from patron.workspace import views

app_name = "workspace"
urlpatterns = [path("", views.workspace_settings_view, name="settings")]
