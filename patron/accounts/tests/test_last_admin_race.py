"""Two Admins, each the other's only fellow Admin, step down at the same moment: one of them
must stay. The guard locks every Admin's row and counts again, so the second waits for the
first and then finds itself the last.

As in patron/scoring/tests/side_by_side.py: on PostgreSQL the two are threads, one connection
each, let go at once; on SQLite (whose test database lives in memory, where a lock fails at
once instead of waiting) they are `patron` processes on a migrated SQLite file.
"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import connection

from patron.accounts import people
from patron.accounts.roles import ADMIN, MARKETER
from patron.scoring.tests.side_by_side import environment, in_processes, in_threads, patron

pytestmark = pytest.mark.django_db(transaction=True)
ADMINS = ["somchai", "lan"]
STEP_DOWN = (
    "from django.contrib.auth.models import User\n"
    "from django.core.exceptions import ValidationError\n"
    "from patron.accounts import people\n"
    "me = User.objects.get(username={name!r})\n",
    "try:\n"
    "    people.role_set(user=me, role='Marketer', by=me)\n"
    "except ValidationError:\n"
    "    print('refused')\n"
    "else:\n"
    "    print('done')\n",
)
COUNT = (
    "from django.contrib.auth.models import User\n"
    "print(User.objects.filter(groups__name='Admin', is_active=True).count())\n"
)


def _in_threads():
    users = get_user_model()
    for name in ADMINS:
        users.objects.create_user(name, password="x").groups.add(Group.objects.get(name=ADMIN))

    def step_down(me):
        try:
            people.role_set(user=me, role=MARKETER, by=me)
        except ValidationError:
            return "refused"
        return "done"

    admins = [users.objects.get(username=name) for name in ADMINS]
    results = in_threads([lambda me=me: step_down(me) for me in admins])
    return sorted(results), users.objects.filter(groups__name=ADMIN, is_active=True).count()


def _in_processes(tmp_path):
    env = environment(tmp_path / "data")
    patron(env, "migrate", "-v", "0")
    for name in ADMINS:
        made = f"from django.contrib.auth.models import User, Group; User.objects.create_user({name!r}).groups.add(Group.objects.get(name='Admin'))"  # noqa: E501
        patron(env, "shell", "-c", made)
    setup, act = STEP_DOWN
    results = in_processes([(setup.format(name=name), act) for name in ADMINS], env, tmp_path)
    return sorted(results), int(patron(env, "shell", "-c", COUNT).split()[-1])


def test_two_admins_stepping_down_at_once_leave_one(tmp_path):
    results, admins_left = _in_processes(tmp_path) if connection.vendor == "sqlite" else _in_threads()
    assert results == ["done", "refused"] and admins_left == 1
