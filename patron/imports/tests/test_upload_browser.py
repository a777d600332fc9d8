"""Importing from the web page in a real browser: upload, preview, import, the reject file."""

import csv

import pytest

from patron.customers.models import ExternalId
from patron.web.tests.browsing import log_in

pytestmark = pytest.mark.browser

CUSTOMERS = (
    "Mã KH;Họ tên;SĐT;Email\n"
    "V1;Nguyễn Văn An;0901 234 567;an.nguyen@example.vn\n"
    "V2;Trần Thị Bích;12;bich@example.vn\n"
    "V3;Lê Hoàng Nam;0912 345 678;\n"
)


def test_upload_preview_import_and_download_the_rejects(
    page, live_server, staff, thai_shop, tmp_path, settings
):
    settings.DATA_DIR = tmp_path / "data"  # the live server runs in this process
    staff("lan")
    export = tmp_path / "khach-hang.csv"
    export.write_text(CUSTOMERS, encoding="utf-8")
    log_in(page, live_server, "lan")
    page.click("#nav-import")
    page.select_option("#id_kind", "customers")
    page.set_input_files("#id_file", str(export))
    page.fill("#id_source", "pos-vn")
    page.select_option("#id_country", "VN")
    page.click("#upload")

    page.locator("#preview").wait_for()
    assert page.locator("#preview thead th").all_text_contents() == ["Mã KH", "Họ tên", "SĐT", "Email"]
    assert page.locator("#id_map-0").input_value() == "external_id"
    assert page.locator("#id_map-2").input_value() == "phone"
    assert "Trần Thị Bích" in page.locator("#preview tbody").inner_text()
    page.click("#start-import")

    page.locator("#summary").wait_for()
    assert page.locator("#rejected-count").inner_text() == "1"
    assert "SĐT" in page.locator("#rejects").inner_text()
    with page.expect_download() as download:
        page.click("#download-rejects")
    path = download.value.path()
    with open(path, encoding="utf-8-sig", newline="") as file:
        rows = list(csv.reader(file))
    assert rows[0] == ["Mã KH", "Họ tên", "SĐT", "Email", "row", "reason"]
    assert rows[1][:2] == ["V2", "Trần Thị Bích"] and rows[1][4] == "3"
    assert sorted(ExternalId.objects.filter(source="pos-vn").values_list("value", flat=True)) == ["V1", "V3"]
