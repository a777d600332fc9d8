from django.urls import path

from patron.duplicates import views

app_name = "duplicates"

urlpatterns = [
    path("", views.pair_list_view, name="list"),
    path("scan/", views.scan_view, name="scan"),
    path("<int:pk>/", views.pair_detail_view, name="pair"),
    path("<int:pk>/merge/", views.pair_merge_view, name="merge"),
    path("<int:pk>/dismiss/", views.pair_dismiss_view, name="dismiss"),
    path("merges/", views.merge_list_view, name="merges"),
    path("merges/<int:pk>/undo/", views.merge_undo_view, name="undo"),
]
