"""The interaction form of a customer, under the customer's own address (patron.urls)."""

from django.urls import path

from patron.interactions import views

app_name = "interactions"
urlpatterns = [
    path("<int:pk>/interactions/new/", views.customer_interaction_log_view, name="log"),
]
