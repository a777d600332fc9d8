from django.urls import path

from patron.customers import views

app_name = "customers"
urlpatterns = [
    path("", views.customer_list_view, name="list"),
    path("new/", views.customer_create_view, name="create"),
    path("export/", views.customer_list_export_view, name="list_export"),
    path("bulk/", views.customer_bulk_view, name="bulk"),
    path("<int:pk>/", views.customer_detail_view, name="detail"),
    path("<int:pk>/edit/", views.customer_edit_view, name="edit"),
    path("<int:pk>/export/", views.customer_export_view, name="export"),
    path("<int:pk>/erase/", views.customer_erase_view, name="erase"),
    path("<int:pk>/consents/", views.consent_record_view, name="consent"),
]
