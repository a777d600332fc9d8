from django.urls import path

from patron.ladder import views

app_name = "ladder"
urlpatterns = [
    path("", views.ladder_view, name="ladder"),
    path("rules/", views.rules_view, name="rules"),
    path("rules/<int:stage>/", views.rule_change_view, name="rule_change"),
    path("customers/<int:customer_pk>/evidence/", views.hand_evidence_view, name="hand_evidence"),
]
