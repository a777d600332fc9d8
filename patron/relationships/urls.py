from django.urls import path

from patron.relationships import views

app_name = "relationships"
urlpatterns = [
    path("playbooks/", views.playbooks_view, name="playbooks"),
    path("playbooks/steps/<int:pk>/", views.step_edit_view, name="step"),
    path("playbooks/steps/<int:pk>/switch/", views.step_switch_view, name="step_switch"),
    path("organisations/<int:pk>/", views.organisation_level_view, name="organisation"),
    path("<str:kind>/<int:pk>/level/", views.level_set_view, name="set"),
    path("<str:kind>/<int:pk>/accept/", views.suggestion_accept_view, name="accept"),
]
