from django.urls import path

app_name = "duplicates"

urlpatterns: list[path] = []
