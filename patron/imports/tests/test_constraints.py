"""An import run's kind and status are checked by the database, not only by the code that sets them."""

import pytest
from django.contrib.auth import get_user_model

from patron.customers.tests.constraints import accepted, refused
from patron.imports.models import ImportRun

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows():
    user = get_user_model().objects.create_user("lan")
    run = ImportRun.objects.create(
        kind=ImportRun.Kind.ORDERS, source="pos", file_name="orders.csv", created_by=user
    )
    return ImportRun.objects.filter(pk=run.pk)


def test_an_unknown_kind_is_refused(rows):
    refused(rows, "import_run_kind_known", kind="products")
    refused(rows, "import_run_kind_known", kind="")
    for kind in ImportRun.Kind.values:
        accepted(rows, kind=kind)


def test_an_unknown_status_is_refused(rows):
    refused(rows, "import_run_status_known", status="paused")
    for status in ImportRun.Status.values:
        accepted(rows, status=status)
