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


def wide_customers(columns=60):
    """Customers with ``columns`` columns, more than the preview shows; column c55 holds a tag."""
    header = ["Mã KH", "Họ tên", "SĐT", "Email", *(f"c{n}" for n in range(4, columns))]
    rows = [
        ["V1", "Nguyễn Văn An", "0901 234 567", "an.nguyen@example.vn"],
        ["V2", "Trần Thị Bích", "0912 345 678", "bich@example.vn"],
        ["V3", "Lê Hoàng Nam", "0987 654 321", ""],
    ]
    lines = [";".join(header)]
    lines += [";".join(row + ["VIP" if n == 55 else str(n) for n in range(4, columns)]) for row in rows]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("width", [390, 1280])
def test_a_wide_file_is_read_in_the_background_then_mapped_by_name_and_imported(
    page, live_server, staff, thai_shop, tmp_path, settings, width
):
    from django.utils import timezone

    from patron.customers.models import Customer
    from patron.imports.models import ImportRun
    from patron.imports.runs import run_read

    settings.DATA_DIR = tmp_path / "data"
    upload = settings.DATA_DIR / "imports" / "wide" / "upload"
    upload.parent.mkdir(parents=True)
    upload.write_text(wide_customers(), encoding="utf-8")
    run = ImportRun.objects.create(
        kind="customers",
        source="pos-vn",
        file_name="khach-hang.csv",
        stored_path=str(upload),
        status="previewing",
        attempt=1,
        heartbeat_at=timezone.now(),
        options={"language": "vi", "country": "VN"},
        created_by=staff("lan"),
    )
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, "lan")
    page.goto(f"{live_server.url}/imports/{run.pk}/")
    page.locator("#reading-bar").wait_for()
    run_read(run.pk, 1)  # the job, in a worker: the page reloads itself once it is done

    page.locator("#preview").wait_for(timeout=10_000)
    assert page.locator("#preview thead th").count() == 50
    assert "50" in page.locator("#shown").inner_text() and "60" in page.locator("#shown").inner_text()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow == 0  # the wide table scrolls inside its card
    page.fill("#id_column", "c55")
    page.select_option("#id_field", "tags")
    page.click("#map-column")
    page.locator("#id_map-55").wait_for()
    assert page.locator("#id_map-55").input_value() == "tags"
    page.click("#start-import")

    page.locator("#summary").wait_for()
    assert page.locator("#rejected-count").inner_text() == "0"
    customers = Customer.objects.filter(external_ids__source="pos-vn")
    assert sorted(customers.values_list("tags__name", flat=True)) == ["VIP", "VIP", "VIP"]
