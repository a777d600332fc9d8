"""The four roles and what each may do. Groups are kept in step after every migrate."""

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext_lazy

ADMIN = "Admin"
MARKETER = "Marketer"
SERVICE_AGENT = "Service agent"
ANALYST = "Analyst"
ROLES = [ADMIN, MARKETER, SERVICE_AGENT, ANALYST]
# The roles as pages name them; the group names stay English in the database.
ROLE_LABELS = {
    ADMIN: gettext_lazy("Admin"),
    MARKETER: gettext_lazy("Marketer"),
    SERVICE_AGENT: gettext_lazy("Service agent"),
    ANALYST: gettext_lazy("Analyst"),
}

PATRON_APPS = [
    "workspace",
    "accounts",
    "customers",
    "sales",
    "interactions",
    "organisations",
    "jobs",
    "duplicates",
    "scoring",
    "loyalty",
    "tasks",
    "feedback",  # Admins: feedback.manage_feedback (survey settings, categories)
    "ladder",
    "outbox",  # Admins only: its model has no view permission (see outbox.models)
    "relationships",
]

# "view_" permissions that are not reading a record, so not in every role's read access: an
# Admin gives them to a person (a team lead sees every member of staff's tasks).
NOT_READING = ["view_team_tasks"]

# Codenames per role beyond the read access every role has ("view_*" on Patron's apps).
ROLE_GRANTS = {
    MARKETER: [
        "customers.add_customer",
        "customers.change_customer",
        "customers.add_consentevent",
        "customers.add_tag",
        # A marketer works with lists: a segment to a mailing tool, a filter to a spreadsheet.
        "customers.export_list",
        "duplicates.merge_customers",
        "interactions.add_interaction",
        "organisations.add_organisation",
        "scoring.run_scoring",
        "organisations.change_organisation",
        "organisations.add_organisationcontact",
        "organisations.change_organisationcontact",
        "sales.add_order",
        "sales.change_order",
        "sales.add_product",
        "sales.change_product",
        "loyalty.manage_programme",
        "loyalty.redeem_points",
        "loyalty.export_liability",
        "tasks.add_task",
        "tasks.change_task",
        "relationships.set_level",
        "ladder.add_handevidence",
        "tasks.change_followuprule",
    ],
    # No customers.add_tag: an agent applies the shop's existing tags to a customer, and a new
    # tag (from a form, the API or an import) is refused with a message (customers.services).
    SERVICE_AGENT: [
        "customers.add_customer",
        "customers.change_customer",
        "customers.add_consentevent",
        "interactions.add_interaction",
        "organisations.add_organisationcontact",
        "organisations.change_organisationcontact",
        "loyalty.redeem_points",
        "tasks.add_task",
        "tasks.change_task",
        "relationships.set_level",
    ],
    # Analysts read; the points liability goes to the finance team as a file.
    ANALYST: ["loyalty.export_liability"],
}


def _perm(dotted):
    app_label, codename = dotted.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def ensure_roles(**kwargs):
    # Permissions of apps after this one in INSTALLED_APPS do not exist yet at this point.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    view_all = Permission.objects.filter(
        content_type__app_label__in=PATRON_APPS, codename__startswith="view_"
    ).exclude(codename__in=NOT_READING)
    admin, _ = Group.objects.get_or_create(name=ADMIN)
    admin.permissions.set(
        Permission.objects.filter(content_type__app_label__in=[*PATRON_APPS, "auth", "axes"])
    )
    for role, grants in ROLE_GRANTS.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set([*view_all, *(_perm(dotted) for dotted in grants)])


def is_admin(user):
    return user.is_active and (user.is_superuser or user.groups.filter(name=ADMIN).exists())
