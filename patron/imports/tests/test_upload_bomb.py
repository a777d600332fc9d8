"""An XLSX bomb is refused by the upload itself, before a job reads it: nothing is kept."""

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
    page = client.post(reverse("imports:list"), data)
    assert page.status_code == 200
    with translation.override("vi"):  # lan's language, as the page speaks it
        expected = (
            "This XLSX file cannot be imported: its part %(part)s unpacks to %(ratio)s times its "
            "packed size; real workbooks stay under %(limit)s times."
        )
        expected = gettext(expected) % {"part": "xl/sharedStrings.xml", "ratio": 1010, "limit": 500}
    assert page.context["form"].errors["file"] == [expected]
    assert not ImportRun.objects.exists()
    assert not any((tmp_path / "data" / "imports").glob("*/*"))
