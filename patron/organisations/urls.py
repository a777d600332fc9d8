from django.urls import path

from patron.organisations import views

app_name = "organisations"
urlpatterns = [
    path("", views.organisation_list_view, name="list"),
    path("new/", views.organisation_create_view, name="create"),
    path("<int:pk>/", views.organisation_detail_view, name="detail"),
    path("<int:pk>/edit/", views.organisation_edit_view, name="edit"),
    path("<int:pk>/contacts/", views.contact_create_view, name="add_contact"),
    path("<int:pk>/interactions/", views.organisation_interaction_view, name="log_interaction"),
]
