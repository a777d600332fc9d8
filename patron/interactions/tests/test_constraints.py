"""An interaction's channel and direction are checked by the database, not only by the form and the API."""

from datetime import UTC, datetime

import pytest

from patron.customers.models import Customer
from patron.customers.tests.constraints import accepted, refused
from patron.interactions.models import Interaction

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows():
    interaction = Interaction.objects.create(
        customer=Customer.objects.create(display_name="Şükrü Işık"),
        channel=Interaction.Channel.PHONE,
        direction=Interaction.Direction.INBOUND,
        occurred_at=datetime(2026, 11, 2, 3, 4, tzinfo=UTC),
    )
    return Interaction.objects.filter(pk=interaction.pk)


def test_an_unknown_channel_is_refused(rows):
    refused(rows, "interaction_channel_known", channel="fax")
    refused(rows, "interaction_channel_known", channel="")
    for channel in Interaction.Channel.values:
        accepted(rows, channel=channel)


def test_an_unknown_direction_is_refused(rows):
    refused(rows, "interaction_direction_known", direction="internal")
    for direction in Interaction.Direction.values:
        accepted(rows, direction=direction)
