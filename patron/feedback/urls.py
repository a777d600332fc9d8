from django.urls import path

from patron.feedback import views

app_name = "feedback"
urlpatterns = [
    path("s/<int:survey_id>/<str:token>/<int:score>/", views.answer, name="answer"),
    path("s/<int:survey_id>/<str:token>/comment/", views.comment, name="comment"),
]
