from django.urls import path

from patron.help import views

app_name = "help"

urlpatterns = [
    path("", views.guide_view, name="guide"),
    path("images/<str:name>", views.image_view, name="image"),
]
