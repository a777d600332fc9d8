"""Uploaded files are deleted: a refused or discarded one at once, any other after the days the
workspace keeps uploads; the import stays listed, with its outcome and reason."""

import json
from datetime import timedelta
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from patron.imports import jobs
from patron.imports.models import ImportRun
from patron.imports.retention import uploads_delete_expired
from patron.imports.tests.test_upload_pages import CUSTOMERS, start, upload
from patron.workspace.services import get_workspace


def folder_of(run):
    return Path(run.stored_path).parent


def imported(client):
    upload(client, CUSTOMERS)
    run = ImportRun.objects.get()
    start(client, run)
    run.refresh_from_db()
    assert run.status == "finished" and Path(run.reject_path).is_file()
    return run


def test_a_refused_upload_is_deleted_at_once_and_listed_as_refused_with_its_reason(signed_in):
    client = signed_in("lan")
    upload(client, "name,phone\nSomsri,0812345678\n")
    run = ImportRun.objects.get()
    assert (folder_of(run) / "upload").is_file()
    start(client, run, mapping={"name": ""})  # no column for the name or id: refused
    run.refresh_from_db()
    assert run.status == "refused" and run.file_deleted_at is not None
    assert not folder_of(run).exists()
    listed = client.get(reverse("imports:list")).content.decode()
    assert 'class="status-refused"' in listed and run.shown_message in listed
    assert "Bị từ chối" in listed  # "Refused", in Vietnamese: not shown as done
    page = client.get(reverse("imports:run", args=[run.pk])).content.decode()
    assert 'id="file-deleted"' in page and run.shown_message in page


def test_a_file_refused_when_read_for_its_preview_is_deleted_too(signed_in):
    client = signed_in("lan")
    upload(client, "na\x07me,phone\nSomsri,0812345678\n")  # a control character in the header
    run = ImportRun.objects.get()
    assert run.status == "refused" and run.shown_message
    assert run.file_deleted_at is not None and not folder_of(run).exists()


def test_a_discarded_upload_is_deleted_at_once(signed_in):
    client = signed_in("lan")
    upload(client, CUSTOMERS)
    run = ImportRun.objects.get()
    folder = folder_of(run)
    client.post(reverse("imports:discard", args=[run.pk]))
    assert not folder.exists() and not ImportRun.objects.filter(pk=run.pk).exists()


def test_kept_uploads_are_deleted_after_the_retention_period_and_their_run_is_kept(signed_in, data_dir):
    client = signed_in("somchai")
    run = imported(client)
    assert uploads_delete_expired() == 0  # uploaded today: kept
    ImportRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - timedelta(days=31))
    assert uploads_delete_expired() == 1
    run.refresh_from_db()
    assert not folder_of(run).exists() and run.file_deleted_at is not None and run.reject_path == ""
    assert run.status == "finished" and run.summary["rejected"] == 1  # what it did is kept
    assert client.get(reverse("imports:rejects", args=[run.pk])).status_code == 404
    page = client.get(reverse("imports:run", args=[run.pk])).content.decode()
    assert 'id="file-deleted"' in page and 'id="download-rejects"' not in page
    assert "file deleted" not in page and "ลบไฟล์แล้ว" in client.get(reverse("imports:list")).content.decode()
    assert uploads_delete_expired() == 0  # once


def test_the_retention_period_is_the_workspaces(signed_in, somchai):
    from patron.workspace.services import workspace_update

    client = signed_in("somchai")
    run = imported(client)
    ImportRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - timedelta(days=8))
    assert uploads_delete_expired() == 0  # 30 days by default
    workspace_update(by=somchai, upload_retention_days=7)
    assert get_workspace().upload_retention_days == 7
    assert uploads_delete_expired() == 1 and not folder_of(run).exists()


def test_an_import_being_read_or_run_keeps_its_file_however_old(signed_in):
    client = signed_in("somchai")
    run = imported(client)
    ImportRun.objects.filter(pk=run.pk).update(
        status="running", created_at=timezone.now() - timedelta(days=90)
    )
    assert uploads_delete_expired() == 0 and folder_of(run).exists()


def test_an_uploaded_file_deleted_before_it_was_started_cannot_be_started(signed_in):
    client = signed_in("somchai")
    upload(client, CUSTOMERS)
    run = ImportRun.objects.get()
    ImportRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - timedelta(days=31))
    uploads_delete_expired()
    page = client.get(reverse("imports:run", args=[run.pk]))
    assert "form" not in page.context and 'id="file-deleted"' in page.content.decode()
    client.post(reverse("imports:start", args=[run.pk]), {"map-0": "external_id"})
    run.refresh_from_db()
    assert run.status == "uploaded" and run.file_deleted_at is not None


def test_the_worker_deletes_expired_uploads_every_hour_and_so_does_a_command(signed_in):
    client = signed_in("somchai")
    run = imported(client)
    assert jobs.uploads_delete_expired.s().validate_datetime(timezone.now().replace(minute=23))
    assert not jobs.uploads_delete_expired.s().validate_datetime(timezone.now().replace(minute=24))
    ImportRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - timedelta(days=31))
    out = StringIO()
    call_command("uploads", "clean", "--json", stdout=out)
    assert json.loads(out.getvalue()) == {"deleted": 1, "retention_days": 30}
    assert not folder_of(run).exists()
    run2 = imported_again(client)
    ImportRun.objects.filter(pk=run2.pk).update(created_at=timezone.now() - timedelta(days=31))
    jobs.uploads_delete_expired.call_local()
    assert not folder_of(run2).exists()


def imported_again(client):
    upload(client, CUSTOMERS)
    run = ImportRun.objects.latest("pk")
    start(client, run)
    return ImportRun.objects.get(pk=run.pk)
