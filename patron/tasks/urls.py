from django.urls import path

from patron.tasks import ical_views, recurrence_views, reminders_views, views

app_name = "tasks"
urlpatterns = [
    path("", views.my_day_view, name="my_day"),
    path("team/", views.team_view, name="team"),
    path("<int:pk>/complete/", views.task_complete_view, name="complete"),
    path("<int:pk>/snooze/", views.task_snooze_view, name="snooze"),
    path("<int:pk>/cancel/", views.task_cancel_view, name="cancel"),
    path("new/customer/<int:customer_pk>/", views.task_add_view, name="add"),
    path("notices/<int:pk>/dismiss/", reminders_views.notice_dismiss_view, name="notice_dismiss"),
    path("feed/", ical_views.feed_page_view, name="feed_page"),
    path("feed/<str:token>.ics", ical_views.feed_view, name="feed"),
    path("rules/", recurrence_views.rules_view, name="rules"),
    path("rules/<int:pk>/delete/", recurrence_views.rule_delete_view, name="rule_delete"),
]
