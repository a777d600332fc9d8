from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from patron.api import api, unknown_path

urlpatterns = [
    path("", include("patron.home.urls")),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("customers/", include("patron.customers.urls")),
    path("customers/", include("patron.interactions.urls")),
    path("customers/", include("patron.sales.urls")),
    path("organisations/", include("patron.organisations.urls")),
    path("imports/", include("patron.imports.urls")),
    path("duplicates/", include("patron.duplicates.urls")),
    path("value/ladder/", include("patron.ladder.urls")),
    path("value/", include("patron.scoring.urls")),
    path("loyalty/", include("patron.loyalty.urls")),
    path("account/", include("patron.accounts.urls")),
    path("workspace/", include("patron.workspace.urls")),
    path("mail/", include("patron.outbox.urls")),
    path("tasks/", include("patron.tasks.urls")),
    path("feedback/", include("patron.feedback.urls")),
    path("relationships/", include("patron.relationships.urls")),
    path("help/", include("patron.help.urls")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("api/<path:rest>", unknown_path),
]
