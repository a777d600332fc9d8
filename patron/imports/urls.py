from django.urls import path

from patron.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.import_list_view, name="list"),
    path("<int:pk>/", views.import_run_view, name="run"),
    path("<int:pk>/start/", views.import_start_view, name="start"),
    path("<int:pk>/retry/", views.import_retry_view, name="retry"),
    path("<int:pk>/discard/", views.import_discard_view, name="discard"),
    path("<int:pk>/progress/", views.import_progress_view, name="progress"),
    path("<int:pk>/rejects.csv", views.import_rejects_view, name="rejects"),
]
