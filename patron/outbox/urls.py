from django.urls import path

from patron.outbox import views

app_name = "outbox"
urlpatterns = [
    path("", views.messages_view, name="list"),
    path("<int:pk>/", views.message_view, name="detail"),
]
