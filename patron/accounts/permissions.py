"""Permission checks for the service layer, so the web UI and the API always agree.

Every check in a service goes through `require` (or `allowed`), with the actor doing it
(patron.actors; a user alone is staff):

- staff: the Django permissions of their roles, as an active user;
- a customer: only the permissions in CUSTOMER_PERMISSIONS, and only on their own record
  (``customer=`` names the record acted on; without it a customer is refused);
- the system (a job): the permissions of the user who asked for the job, as an active user;
  a job nobody asked for (scheduled, or run by an operator's command such as the demo) has
  every permission, since only code can start one.
"""

from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils.translation import gettext as _

from patron.actors import ActorKind, as_actor

# What a customer may do on their own record (through the portal to come), and nothing else.
CUSTOMER_PERMISSIONS = frozenset(
    {
        "customers.view_customer",
        "customers.add_consentevent",
        "customers.export_customer",
    }
)


def allowed(actor, *perms, customer=None):
    """Whether ``actor`` (an Actor or a user) may do what needs every permission in ``perms``,
    on ``customer`` (a Customer or its id) when the action concerns one."""
    actor = as_actor(actor)
    if actor is None:
        return False
    if actor.kind == ActorKind.CUSTOMER:
        own = getattr(customer, "pk", customer)
        return own is not None and own == actor.customer_id and set(perms) <= CUSTOMER_PERMISSIONS
    if actor.kind == ActorKind.SYSTEM and actor.user is None:
        return True
    user = actor.user
    return user is not None and user.is_active and user.has_perms(perms)


def require(actor, *perms, customer=None):
    """Raise PermissionDenied unless ``allowed(actor, *perms, customer=customer)``."""
    if not allowed(actor, *perms, customer=customer):
        raise PermissionDenied(_("You do not have permission to do this."))


def require_perm(user, *perms):
    """`require` for a view's request.user (staff), as views and the API check before calling a service."""
    require(user, *perms)


def permissions_load(user):
    """Read ``user``'s permissions, their own and their roles', in one query, and keep them on
    the user where Django's ModelBackend keeps them for the rest of the request (it reads them
    in two: a query less on every API request). Nothing is kept past the request: the user
    object is read anew with the next one's token, so a role taken away is away at once."""
    if not user.is_active or user.is_superuser or hasattr(user, "_perm_cache"):
        return  # ModelBackend answers these without reading the user's own and their roles'
    with connection.cursor() as cursor:
        cursor.execute(_permissions_sql(), [user.pk, user.pk])
        user._perm_cache = {f"{app}.{codename}" for app, codename in cursor.fetchall()}


@cache
def _permissions_sql():
    """The query of permissions_load, in SQL: through the ORM (two subqueries) it cost a
    redemption at the till 1-2 ms of Python; as the ORM's two joins ORed, PostgreSQL took 1.4 ms
    to plan it. The columns are those Django gives the tables of many-to-many fields."""
    user = get_user_model()
    table = {
        "permission": Permission._meta.db_table,
        "content_type": ContentType._meta.db_table,
        "own": user.user_permissions.through._meta.db_table,
        "granted": Group.permissions.through._meta.db_table,
        "member": user.groups.through._meta.db_table,
    }
    return (  # noqa: S608 (table names from the models, quoted; the user's id a parameter)
        "SELECT ct.app_label, p.codename FROM {permission} p "
        "JOIN {content_type} ct ON ct.id = p.content_type_id "
        "WHERE p.id IN (SELECT permission_id FROM {own} WHERE user_id = %s "
        "UNION SELECT g.permission_id FROM {granted} g JOIN {member} m ON m.group_id = g.group_id "
        "WHERE m.user_id = %s)"
    ).format(**{key: connection.ops.quote_name(name) for key, name in table.items()})
