from django.urls import path

from patron.home import views

app_name = "home"

urlpatterns = [path("", views.home_view, name="index")]
