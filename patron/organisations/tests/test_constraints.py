"""An organisation's kind is checked by the database, not only by the form and the API."""

import pytest

from patron.customers.tests.constraints import accepted, refused
from patron.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def test_an_unknown_kind_is_refused():
    organisation = Organisation.objects.create(
        name="İstanbul Dağıtım A.Ş.", kind=Organisation.Kind.DISTRIBUTOR
    )
    rows = Organisation.objects.filter(pk=organisation.pk)
    refused(rows, "organisation_kind_known", kind="competitor")
    refused(rows, "organisation_kind_known", kind="")
    for kind in Organisation.Kind.values:
        accepted(rows, kind=kind)
