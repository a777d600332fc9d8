from django.urls import path

from patron.feedback import pages, views

app_name = "feedback"
urlpatterns = [
    # Public: the survey's links, without login.
    path("s/<int:survey_id>/<str:token>/<int:score>/", views.answer, name="answer"),
    path("s/<int:survey_id>/<str:token>/comment/", views.comment, name="comment"),
    # Staff.
    path("customers/<int:pk>/survey/", pages.survey_send_view, name="survey_send"),
    path("customers/<int:pk>/feedback/new/", pages.feedback_new_view, name="feedback_new"),
    path("satisfaction/", pages.satisfaction_view, name="satisfaction"),
    path("settings/", pages.settings_view, name="settings"),
    path("settings/categories/", pages.category_add_view, name="category_add"),
    path("settings/categories/<int:pk>/", pages.category_change_view, name="category_change"),
]
