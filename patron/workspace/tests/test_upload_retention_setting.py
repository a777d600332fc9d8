"""The number of days uploaded import files are kept: 30 unless an Admin sets it."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from patron.workspace.models import Workspace
from patron.workspace.services import get_workspace, workspace_update


def test_uploads_are_kept_thirty_days_unless_told(thai_shop):
    assert get_workspace().upload_retention_days == 30


def test_an_admin_sets_the_days_on_the_settings_page(client, somchai, thai_shop):
    client.force_login(somchai)
    html = client.get(reverse("workspace:settings")).content.decode()
    assert 'name="upload_retention_days"' in html and 'value="30"' in html
    response = client.post(
        reverse("workspace:settings"),
        {
            "name": "Bangkok Shop",
            "country": "TH",
            "currency": "THB",
            "time_zone": "Asia/Bangkok",
            "upload_retention_days": "7",
        },
    )
    assert response.status_code == 302
    assert get_workspace().upload_retention_days == 7


def test_days_out_of_range_are_refused_in_the_users_language(client, somchai, thai_shop):
    from patron.accounts.services import profile_update

    profile_update(user=somchai, language="th")
    client.force_login(somchai)
    response = client.post(
        reverse("workspace:settings"),
        {
            "name": "Bangkok Shop",
            "country": "TH",
            "currency": "THB",
            "time_zone": "Asia/Bangkok",
            "upload_retention_days": "0",
        },
    )
    assert response.status_code == 200
    assert "เก็บไฟล์ที่อัปโหลดได้ตั้งแต่ 1 ถึง 3650 วัน" in response.content.decode()
    assert get_workspace().upload_retention_days == 30


def test_the_service_refuses_days_out_of_range(somchai, thai_shop):
    for days in (0, 3651):
        with pytest.raises(ValidationError) as caught:
            workspace_update(by=somchai, upload_retention_days=days)
        assert list(caught.value.message_dict) == ["upload_retention_days"]
    assert get_workspace().upload_retention_days == 30


def test_the_database_keeps_the_days_in_range(thai_shop):
    get_workspace()
    with pytest.raises(IntegrityError), transaction.atomic():
        Workspace.objects.filter(pk=1).update(upload_retention_days=0)
