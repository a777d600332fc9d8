import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_admin_role_manages(client, somchai, lan):
    client.force_login(somchai)
    assert client.get(reverse("feedback:settings")).status_code == 200
    client.force_login(lan)
    assert client.get(reverse("feedback:settings")).status_code == 403
