"""The import page: upload, preview with the detected mapping, run as a job, summary and rejects."""

import csv
import io
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from patron.customers.models import Customer, ExternalId
from patron.imports.models import ImportRun, SourceMapping
from patron.sales.models import Order

CUSTOMERS = (
    "รหัสลูกค้า,ชื่อ,เบอร์โทร,อีเมล,สาขา\n"
    "C001,สมศรี ใจดี,081 234 5678,somsri@example.co.th,สยาม\n"
    "C002,สมชาย รักดี,12,somchai@example.co.th,บางนา\n"
    "C003,มาลี ศรีสุข,089-765-4321,,สยาม\n"
)


def upload(client, text, *, kind="customers", name="customers.csv", **fields):
    data = {"kind": kind, "source": "pos", "country": "", "encoding": "", "date_order": "", "calendar": ""}
    data.update(fields)
    data["file"] = SimpleUploadedFile(name, text.encode("utf-8") if isinstance(text, str) else text)
    return client.post(reverse("imports:list"), data)


def start(client, run, mapping=None, **fields):
    page = client.get(reverse("imports:run", args=[run.pk]))
    form = page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    for index, column in form.columns.items():
        if mapping and column in mapping:
            data[f"map-{index}"] = mapping[column]
    data.update(fields)
    return client.post(reverse("imports:start", args=[run.pk]), data)


def test_upload_shows_the_first_rows_and_the_detected_mapping_and_writes_nothing(signed_in):
    client = signed_in("lan")
    response = upload(client, CUSTOMERS)
    run = ImportRun.objects.get()
    assert response.url == reverse("imports:run", args=[run.pk])
    page = client.get(response.url)
    preview = page.context["preview"]
    assert preview["columns"] == ["รหัสลูกค้า", "ชื่อ", "เบอร์โทร", "อีเมล", "สาขา"]
    assert preview["mapping"] == {
        "รหัสลูกค้า": "external_id",
        "ชื่อ": "display_name",
        "เบอร์โทร": "phone",
        "อีเมล": "email",
    }
    assert preview["rows"][0][1] == "สมศรี ใจดี"
    assert "สมศรี ใจดี" in page.content.decode()
    assert Customer.objects.count() == 0


def test_import_runs_as_a_job_and_reports_its_summary_and_rejects(signed_in):
    client = signed_in("lan")
    upload(client, CUSTOMERS)
    run = ImportRun.objects.get()
    start(client, run)
    run.refresh_from_db()
    assert run.status == "finished"
    assert (run.summary["read"], run.summary["created"], run.summary["rejected"]) == (3, 2, 1)
    assert run.summary["rejects"][0][:2] == [3, "เบอร์โทร"]
    page = client.get(reverse("imports:run", args=[run.pk])).content.decode()
    assert 'id="download-rejects"' in page
    download = client.get(reverse("imports:rejects", args=[run.pk]))
    assert download["Content-Disposition"].startswith('attachment; filename="customers.rejects.csv"')
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == ["รหัสลูกค้า", "ชื่อ", "เบอร์โทร", "อีเมล", "สาขา", "row", "reason"]
    assert rows[1][:2] == ["C002", "สมชาย รักดี"] and rows[1][5] == "3"


def test_a_column_mapped_on_the_page_is_used_and_remembered(signed_in):
    client = signed_in("lan")
    upload(client, CUSTOMERS)
    start(client, ImportRun.objects.get(), mapping={"สาขา": "tags", "เบอร์โทร": ""})
    somsri = ExternalId.objects.get(value="C001").customer
    assert [t.name for t in somsri.tags.all()] == ["สยาม"]
    assert not somsri.phone_points
    assert somsri.attributes["เบอร์โทร"] == "081 234 5678"
    assert SourceMapping.objects.get(source="pos", kind="customers").mapping["สาขา"] == "tags"


def test_an_upload_is_kept_as_it_was_beside_its_reject_file(signed_in, data_dir):
    client = signed_in("lan")
    upload(client, CUSTOMERS, name="rejects.csv")  # a reject file, fixed and imported again
    run = ImportRun.objects.get()
    start(client, run)
    run.refresh_from_db()
    assert run.file_name == "rejects.csv"
    assert Path(run.stored_path).parent.parent == data_dir / "imports"
    assert Path(run.stored_path).read_text(encoding="utf-8") == CUSTOMERS
    assert Path(run.reject_path) != Path(run.stored_path)


def test_the_next_file_of_a_source_is_previewed_with_the_mapping_chosen_last_time(signed_in):
    client = signed_in("lan")
    upload(client, CUSTOMERS)
    start(client, ImportRun.objects.get(), mapping={"สาขา": "tags"})
    upload(client, CUSTOMERS.replace("C00", "D00"))
    upload(client, CUSTOMERS, source="line-shop")
    same_source, other_source = ImportRun.objects.filter(status="uploaded").order_by("pk")
    form = client.get(reverse("imports:run", args=[same_source.pk])).context["form"]
    assert form.columns[4] == "สาขา" and form["map-4"].value() == "tags"
    form = client.get(reverse("imports:run", args=[other_source.pk])).context["form"]
    assert form["map-4"].value() == ""


def test_an_import_is_started_once(signed_in):
    client = signed_in("lan")
    upload(client, CUSTOMERS)
    run = ImportRun.objects.get()
    start(client, run)
    run.refresh_from_db()
    response = client.post(reverse("imports:start", args=[run.pk]), follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert ImportRun.objects.get().finished_at == run.finished_at
    assert Customer.objects.count() == 2


def test_the_progress_of_a_running_import_is_polled_until_it_ends(signed_in, staff, monkeypatch):
    client = signed_in("lan")
    now = timezone.now()
    monkeypatch.setattr(
        "patron.imports.models.timezone.now", lambda: now
    )  # a busy machine is not slower here
    run = ImportRun.objects.create(
        kind="customers",
        source="pos",
        file_name="big.csv",
        stored_path="/nowhere/upload",
        status="running",
        rows_done=500,
        rows_estimated=2000,
        started_at=now - timedelta(seconds=10),
        heartbeat_at=now,
        created_by=staff("lan"),
    )
    progress = client.get(reverse("imports:progress", args=[run.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in progress
    assert 'max="2000" value="500"' in progress
    assert run.speed == {"rate": 50, "left": 1}  # shown as rows a second and minutes left
    ImportRun.objects.filter(pk=run.pk).update(status="finished", summary={"read": 2000, "created": 2000})
    finished = client.get(reverse("imports:progress", args=[run.pk])).content.decode()
    assert "hx-trigger" not in finished and 'id="summary"' in finished


def test_ambiguous_dates_are_told_on_the_preview_and_settled_there(signed_in, known_pos_customers):
    client = signed_in("somchai")
    text = "order_id,customer_id,date,total\nS1,C1,05/03/2024,10\nS2,C1,06/04/2024,12\n"
    upload(client, text, kind="orders", name="orders.csv")
    run = ImportRun.objects.get()
    page = client.get(reverse("imports:run", args=[run.pk]))
    assert "“รูปแบบวันที่”" in page.context["date_problem"]  # the page's own list, in Thai
    assert "--date-order" not in page.content.decode()
    start(client, run, date_order="dmy")
    run.refresh_from_db()
    assert run.status == "finished"
    assert Order.objects.get(external_id="S2").placed_at.month == 4


def data_files():
    return [path for path in (Path(settings.DATA_DIR) / "imports").glob("**/*") if path.is_file()]


def test_a_file_that_is_not_a_table_is_refused_at_upload_and_listed_as_refused(signed_in, staff):
    client = signed_in("lan")
    page = upload(client, b"%PDF-1.4\n" + bytes(range(256)) * 4, name="scan.pdf")
    run = ImportRun.objects.get()
    assert page.status_code == 302 and page.url == reverse("imports:run", args=[run.pk])
    assert run.status == "refused" and run.file_deleted_at is not None and run.file_name == "scan.pdf"
    assert not data_files()  # nothing kept on disk
    # Listed as refused with its reason, in each reader's language: lan reads Vietnamese...
    listed = client.get(reverse("imports:list")).content.decode()
    assert "Bị từ chối" in listed and "tài liệu PDF" in listed
    # ... and somchai, who also imports customers, Thai.
    client.force_login(staff("somchai"))
    listed = client.get(reverse("imports:list")).content.decode()
    assert "เอกสาร PDF" in listed
    assert Customer.objects.count() == 0


def test_an_import_refused_when_it_runs_says_why(signed_in):
    client = signed_in("lan")
    upload(client, "name,phone\nSomsri,0812345678\n")
    run = ImportRun.objects.get()
    start(client, run, mapping={"name": ""})  # no column for the name or id any more
    run.refresh_from_db()
    assert run.status == "refused"
    with translation.override("en"):
        assert "“Name”" in run.shown_message and "--map" not in run.shown_message
    assert Customer.objects.count() == 0


def test_a_file_over_the_size_limit_is_refused_and_listed_as_refused(signed_in, settings):
    settings.PATRON_IMPORT_MAX_BYTES = 100
    client = signed_in("lan")
    upload(client, CUSTOMERS)
    run = ImportRun.objects.get()
    assert run.status == "refused" and run.file_deleted_at is not None
    assert not data_files()
    page = client.get(reverse("imports:run", args=[run.pk])).content.decode()
    assert "200" not in run.shown_message and "0 MB" in run.shown_message  # the limit, in whole MB
    # In the page's words and the user's language (lan reads Vietnamese), not a command's.
    assert "patron import" not in page and "chia thành các tệp nhỏ hơn" in page
    with translation.override("tr"):
        assert "daha küçük dosyalara bölüp" in run.shown_message
    assert Customer.objects.count() == 0


def test_a_service_agent_imports_customers_but_not_orders(signed_in):
    client = signed_in("emre")
    page = client.get(reverse("imports:list"))
    assert [value for value, _label in page.context["form"].fields["kind"].choices] == ["customers"]
    response = upload(client, CUSTOMERS, kind="orders")
    assert response.status_code == 200
    assert not ImportRun.objects.exists()


def test_an_analyst_may_not_import(signed_in):
    client = signed_in("maria")
    assert client.get(reverse("imports:list")).status_code == 403


def test_the_reject_file_is_not_given_to_whoever_may_not_import(signed_in, staff):
    client = signed_in("lan")
    upload(client, CUSTOMERS)
    start(client, ImportRun.objects.get())
    client.force_login(staff("maria"))
    assert client.get(reverse("imports:rejects", args=[ImportRun.objects.get().pk])).status_code == 403


def test_another_role_cannot_see_an_orders_import(signed_in, staff):
    client = signed_in("somchai")
    upload(client, "order_id,customer_id,date,total\nS1,C1,2024-03-05,10\n", kind="orders", name="o.csv")
    run = ImportRun.objects.get()
    client.force_login(staff("emre"))
    assert client.get(reverse("imports:run", args=[run.pk])).status_code == 403


def test_every_field_has_a_translatable_label():
    from patron.imports.forms import FIELD_LABELS
    from patron.imports.headers import FIELDS

    assert {field for fields in FIELDS.values() for field in fields} <= set(FIELD_LABELS)


def test_reasons_are_written_in_the_language_of_whoever_uploads(signed_in):
    client = signed_in("lan")  # uses Patron in Vietnamese
    upload(client, "Mã KH,Họ tên,Ngày sinh\nV1,An,31/02/1990\nV2,Bình,05/03/1990\n", date_order="dmy")
    run = ImportRun.objects.get()
    start(client, run)
    run.refresh_from_db()
    assert run.summary["rejects"][0][2] == "Ngày sinh: '31/02/1990' không phải ngày tháng"


def test_a_field_not_in_the_list_starts_nothing(signed_in):
    client = signed_in("lan")
    upload(client, CUSTOMERS)
    run = ImportRun.objects.get()
    start(client, run, **{"map-4": "password"})
    run.refresh_from_db()
    assert run.status == "uploaded"
    assert Customer.objects.count() == 0


def test_an_upload_without_a_source_is_refused_with_the_form(signed_in):
    client = signed_in("lan")
    response = upload(client, CUSTOMERS, source="   ")
    assert response.status_code == 200
    assert response.context["form"].errors["source"]
    assert not ImportRun.objects.exists()


# A restaurant's checks, the check number under a header no list knows.
CHECKS = (
    "Chk #,Date,Customer,Mobile No.,Server,Net Sales\n"
    "C-240305-0041,2024-03-05 12:10,Maria Santos,081 234 5678,Joy,1250.00\n"
    "C-240305-0042,2024-03-05 12:25,Jose Dela Cruz,089 765 4321,Joy,899.50\n"
    "C-240305-0043,2024-03-05 13:05,Carmela Munoz,086 123 4567,Ben,2340.00\n"
    "C-240306-0044,2024-03-06 18:40,Maria Santos,081 234 5678,Ben,450.00\n"
    "C-240306-0045,2024-03-06 19:15,Ramon Nunez,081 999 8877,Joy,675.25\n"
)


def test_an_order_number_found_from_its_values_is_proposed_on_the_preview_and_reported(signed_in):
    client = signed_in("somchai")
    upload(client, CHECKS, kind="orders", name="checks.csv")
    run = ImportRun.objects.get()
    page = client.get(reverse("imports:run", args=[run.pk]))
    preview = page.context["preview"]
    assert (preview["order_number"]["column"], preview["order_number"]["orders"]) == ("Chk #", 5)
    assert preview["mapping"]["Chk #"] == "order_id" and page.context["form"]["map-0"].value() == "order_id"
    assert preview["ignored"] == ["Server"] and not preview["no_order_number"]
    html = page.content.decode()
    assert 'id="order-number-proposed"' in html and 'id="ignored-columns"' in html
    start(client, run)
    run.refresh_from_db()
    assert (run.status, run.summary["created"]) == ("finished", 5)
    assert (run.summary["order_number_column"], run.summary["ignored_columns"]) == ("Chk #", ["Server"])
    finished = client.get(reverse("imports:run", args=[run.pk])).content.decode()
    assert "Chk #" in finished and 'id="ignored-columns"' in finished and "Server" in finished
    assert Order.objects.filter(external_id="C-240305-0041").exists()


def test_a_proposed_order_number_turned_down_on_the_page_is_not_proposed_again(signed_in):
    client = signed_in("somchai")
    upload(client, CHECKS, kind="orders", name="checks.csv")
    start(client, ImportRun.objects.get(), mapping={"Chk #": ""})
    assert set(Order.objects.values_list("external_id", flat=True)) == {""}
    assert SourceMapping.objects.get(source="pos", kind="orders").mapping["Chk #"] == ""
    upload(client, CHECKS, kind="orders", name="checks-again.csv")
    again = ImportRun.objects.get(status="uploaded")
    page = client.get(reverse("imports:run", args=[again.pk]))
    assert page.context["preview"]["order_number"] is None and page.context["preview"]["no_order_number"]
    assert 'id="no-order-number"' in page.content.decode()


def test_columns_that_could_mean_two_fields_are_asked_about_on_the_preview(signed_in):
    client = signed_in("lan")
    text = (
        "Mã hóa đơn,Thời gian,Điện thoại,Người mua,Tổng tiền hàng,Khách cần trả\n"
        "HD000101,05/03/2024 08:15,0901234567,an.nguyen,83.000,75.000\n"
    )
    upload(client, text, kind="orders", name="hoadon.csv", date_order="dmy")
    page = client.get(reverse("imports:run", args=[ImportRun.objects.get().pk]))
    assert page.context["preview"]["ambiguous"] == {
        "Người mua": ["customer_external_id", "customer_name"],
        "Tổng tiền hàng": ["total", "order_total"],
    }
    assert page.content.decode().count('class="ambiguous-column"') == 2
    choices = dict(page.context["form"].fields["map-3"].choices)
    assert str(choices[""]) == "Không nhập"  # an order file has no place for an unmapped column


def test_a_file_refused_at_upload_can_be_discarded_from_the_list(signed_in, tmp_path):
    client = signed_in("lan")
    upload(client, b"%PDF-1.4\n" + bytes(range(256)) * 4, name="scan.pdf")
    run = ImportRun.objects.get()
    assert run.status == "refused" and not data_files()
    marker = tmp_path / "beside" / "kept.txt"  # nothing outside the run's own folder is touched
    marker.parent.mkdir()
    marker.write_text("x")
    assert client.post(reverse("imports:discard", args=[run.pk])).status_code == 302
    assert not ImportRun.objects.exists() and marker.exists()
