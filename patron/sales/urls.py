"""Recording a sale and changing an order's status, under the customer's own address (patron.urls)."""

from django.urls import path

from patron.sales import views

app_name = "sales"
urlpatterns = [
    path("<int:pk>/orders/new/", views.order_record_view, name="record"),
    path("orders/<int:order_id>/status/", views.order_status_view, name="status"),
    path("products/", views.product_search_view, name="products"),
]
