from django.urls import path

from patron.scoring import views

app_name = "scoring"

urlpatterns = [
    path("", views.value_view, name="value"),
    path("checks/", views.checks_view, name="checks"),
    path("score/", views.score_view, name="score"),
]
