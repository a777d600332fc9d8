"""permissions_load reads in one query what Django's ModelBackend reads in two: the same
permissions, for every role, a user's own permissions and a user in two roles."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from patron.accounts.permissions import permissions_load
from patron.accounts.roles import ANALYST, MARKETER, ROLES, SERVICE_AGENT

pytestmark = pytest.mark.django_db


def fresh(user):
    return get_user_model().objects.get(pk=user.pk)


def user_with(name, roles=(), own=()):
    user = get_user_model().objects.create_user(name, password=f"{name}-pass-2024")
    user.groups.add(*Group.objects.filter(name__in=roles))
    user.user_permissions.add(*(Permission.objects.get(codename=codename) for codename in own))
    return user


def test_the_same_permissions_as_django_reads_in_one_query():
    users = [user_with(f"role{n}", [role]) for n, role in enumerate(ROLES)]
    users.append(user_with("two", [ANALYST, SERVICE_AGENT]))
    users.append(user_with("own", own=["redeem_points", "view_customer"]))
    users.append(user_with("both", [MARKETER], own=["adjust_points"]))
    users.append(user_with("none"))
    seen = {}
    for user in users:
        expected = ModelBackend().get_all_permissions(fresh(user))
        loaded = fresh(user)
        with CaptureQueriesContext(connection) as queries:
            permissions_load(loaded)
            assert loaded.get_all_permissions() == expected
            assert loaded.has_perms(expected)
        assert len(queries.captured_queries) == 1, user.username
        seen[user.username] = expected
    assert seen["none"] == set() and seen["own"] == {"loyalty.redeem_points", "customers.view_customer"}
    assert "loyalty.adjust_points" in seen["both"] and seen["role1"] < seen["both"]
    assert seen["role2"] | seen["role3"] == seen["two"]


def test_an_inactive_user_has_none():
    user = user_with("gone", [SERVICE_AGENT])
    user.is_active = False
    permissions_load(user)
    assert not user.has_perm("loyalty.redeem_points")
    assert user.get_all_permissions() == set()
