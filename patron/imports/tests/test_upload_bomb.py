"""An XLSX bomb is refused by the upload itself, before a job reads it: it is listed as refused,
and nothing of it is kept on disk."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from patron.imports.models import ImportRun
from patron.imports.tests.bombs import shared_string_bomb


def test_an_xlsx_bomb_is_refused_at_upload_and_nothing_is_kept(client, staff, thai_shop, settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    bomb = shared_string_bomb(tmp_path / "bomb.xlsx")
    client.force_login(staff("lan"))
    data = {
        "kind": "customers",
        "source": "pos",
        "country": "",
        "encoding": "",
        "date_order": "",
        "calendar": "",
    }
    data["file"] = SimpleUploadedFile("customers.xlsx", bomb.read_bytes())
    client.post(reverse("imports:list"), data)
    run = ImportRun.objects.get()
    assert run.status == "refused" and run.file_deleted_at is not None
    with translation.override("vi"):  # lan's language, as the page speaks it
        expected = (
            "This XLSX file cannot be imported: its part %(part)s unpacks to %(ratio)s times its "
            "packed size; real workbooks stay under %(limit)s times."
        )
        expected = gettext(expected) % {"part": "xl/sharedStrings.xml", "ratio": 1010, "limit": 500}
        assert run.shown_message == expected
    assert expected in client.get(reverse("imports:list")).content.decode()
    assert not any((tmp_path / "data" / "imports").glob("*/*"))
