"""The test cast: one named member of staff per role, each from one of Patron's countries.

somchai  Thai shop owner        Admin
lan      Vietnamese marketer    Marketer
emre     Turkish service agent  Service agent
maria    Filipino analyst       Analyst
"""

import os

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from patron.accounts.roles import ADMIN, ANALYST, MARKETER, SERVICE_AGENT
from patron.accounts.services import profile_update
from patron.web.tests.browsing import browser, page  # noqa: F401  (fixtures for every browser test)

DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
    "live_server",
}


def pytest_collection_modifyitems(config, items):
    """With PATRON_TESTS_DATABASE_ONLY=1 (scripts/test.sh, for its PostgreSQL run) only the tests
    that use the database run: the others (the numeric analytics, commands run on a file of
    their own) gave the same result in the SQLite run, and would only take the time again."""
    if os.environ.get("PATRON_TESTS_DATABASE_ONLY") != "1":
        return
    kept, left = [], []
    for item in items:
        uses_database = item.get_closest_marker("django_db") or DATABASE_FIXTURES & set(item.fixturenames)
        (kept if uses_database else left).append(item)
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = kept


@pytest.fixture(autouse=True)
def _english_by_default(settings):
    """Each test starts in the default language: a request of an earlier test (a staff member's
    own language, activated by the middleware) must not leak into it."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


CAST = {
    "somchai": (ADMIN, "th", "Asia/Bangkok"),
    "lan": (MARKETER, "vi", "Asia/Ho_Chi_Minh"),
    "emre": (SERVICE_AGENT, "tr", "Europe/Istanbul"),
    "maria": (ANALYST, "fil", "Asia/Manila"),
}


def make_staff(username):
    role, language, zone = CAST[username]
    user = get_user_model().objects.create_user(username, password=f"{username}-pass-2024")
    user.groups.add(Group.objects.get(name=role))
    profile_update(user=user, language=language, time_zone=zone)
    return get_user_model().objects.get(pk=user.pk)


@pytest.fixture
def staff(db):
    """staff("lan") -> the Vietnamese marketer, made on first use."""
    made = {}

    def get(username):
        if username not in made:
            made[username] = make_staff(username)
        return made[username]

    return get


@pytest.fixture
def somchai(staff):
    return staff("somchai")


@pytest.fixture
def lan(staff):
    return staff("lan")


@pytest.fixture
def emre(staff):
    return staff("emre")


@pytest.fixture
def maria(staff):
    return staff("maria")


@pytest.fixture
def thai_shop(db, settings):
    """The workspace of a Thai shop: country TH, THB, Asia/Bangkok."""
    from patron.workspace.models import Workspace

    Workspace.objects.update_or_create(
        pk=1, defaults={"name": "ร้านสมชาย", "country": "TH", "currency": "THB", "time_zone": "Asia/Bangkok"}
    )
    return Workspace.objects.get(pk=1)


def with_token(client, user):
    """The test client, sending `user`'s new API token on every request."""
    from patron.accounts.services import token_create

    _token, secret = token_create(user=user, name="tests")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return client


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """On SQLite: a migrated database file, made once for the module (each test copies it), for
    requests side by side in separate `patron` processes (the test database lives in memory,
    where a lock fails at once instead of waiting). None on PostgreSQL."""
    from django.db import connection

    from patron.scoring.tests.side_by_side import environment, patron

    if connection.vendor != "sqlite":
        return None
    data = tmp_path_factory.mktemp("migrated")
    patron(environment(data), "migrate", "-v", "0")
    return data / "patron.sqlite3"
