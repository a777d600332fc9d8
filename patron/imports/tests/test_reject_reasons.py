"""The reasons of rejected rows kept on an import are worded in the language of whoever reads the
page (the reject file keeps the uploader's), and refusals keep their message ids."""

from html import unescape

import pytest
from django.urls import reverse
from django.utils import translation

from patron.imports.formats import part_too_large
from patron.imports.limits import number_text
from patron.imports.models import ImportRun
from patron.imports.reading import FileRefused, open_table
from patron.imports.rejects import RejectFile
from patron.imports.summary import ImportRefused, ImportSummary
from patron.imports.tests.test_upload_pages import start, upload

CUSTOMERS = "Mã KH,Họ tên,Ngày sinh,Email\nV1,An,31/02/1990,an@example.vn\nV2,Bình,05/03/1990,binh@@x\n"


def rejects_table(page):
    html = unescape(page.content.decode())
    return html[html.index('id="rejects"') :]


def test_rejected_rows_are_told_in_the_readers_language_and_the_file_in_the_uploaders(signed_in, staff):
    client = signed_in("lan")  # uploads in Vietnamese
    upload(client, CUSTOMERS, date_order="dmy")
    run = ImportRun.objects.get()
    start(client, run)
    run.refresh_from_db()
    assert run.status == "finished" and run.summary["rejected"] == 2
    assert run.summary["rejects"][0][2] == "Ngày sinh: '31/02/1990' không phải ngày tháng"
    with open(run.reject_path, encoding="utf-8-sig") as file:
        assert "Ngày sinh: '31/02/1990' không phải ngày tháng" in file.read()  # the uploader's words

    client.force_login(staff("somchai"))  # reads Thai
    table = rejects_table(client.get(reverse("imports:run", args=[run.pk])))
    assert "Ngày sinh: '31/02/1990' ไม่ใช่วันที่" in table and "không phải" not in table
    with translation.override("tr"):
        assert run.shown_rejects[0] == (2, "Ngày sinh", "Ngày sinh: '31/02/1990' bir tarih değil")
        assert run.shown_rejects[1][2] == "Email: 'binh@@x' geçerli bir e-posta adresi değil"


def test_every_problem_of_a_row_is_worded_in_the_readers_language(signed_in):
    client = signed_in("somchai")  # uploads in Thai
    text = "order_id,customer_id,date,total\nS1,C1,2024-02-31,-5\n"
    upload(client, text, kind="orders", name="orders.csv")
    run = ImportRun.objects.get()
    start(client, run)
    start(client, run)  # the check told of the rejected row; Import again starts it
    run.refresh_from_db()
    assert run.status == "finished" and run.summary["rejected"] == 1
    with translation.override("en"):
        ((row, column, reason),) = run.shown_rejects
    assert (row, column) == (2, "date")
    assert reason == (
        "date: '2024-02-31' is not a date; total: negative amount -5 on a row not marked as a return"
    )
    assert "ไม่ใช่วันที่" in run.summary["rejects"][0][2]  # kept as the reject file has it, in Thai


def test_an_import_kept_before_reasons_had_their_ids_shows_them_as_written(signed_in):
    client = signed_in("lan")
    upload(client, CUSTOMERS, date_order="dmy")
    run = ImportRun.objects.get()
    ImportRun.objects.filter(pk=run.pk).update(
        status="finished",
        summary={"read": 1, "rejected": 1, "rejects": [[2, "Ngày sinh", "as it was written"]]},
    )
    run.refresh_from_db()
    assert run.shown_rejects == [(2, "Ngày sinh", "as it was written")]
    assert "as it was written" in rejects_table(client.get(reverse("imports:run", args=[run.pk])))


def test_the_refusals_of_a_file_keep_their_message_ids(tmp_path):
    with translation.override("th"), pytest.raises(FileRefused) as refused:
        open_table(tmp_path / "missing.csv")
    assert refused.value.message.msgid == "There is no file at %(path)s."
    assert refused.value.message.params == {"path": str(tmp_path / "missing.csv")}
    with translation.override("vi"):
        too_large = part_too_large("xl/worksheets/sheet1.xml", 20 * 2**30).message
        limit = number_text(20480)
    assert too_large.msgid.startswith("This XLSX file cannot be imported: its part %(part)s unpacks")
    assert too_large.params == {"part": "xl/worksheets/sheet1.xml", "limit": limit}
    taken = tmp_path / "rejects.csv"
    taken.write_text("not a reject file\n")
    with pytest.raises(ImportRefused) as refused:
        RejectFile(taken, ["a"], ImportSummary())
    assert refused.value.message.msgid.endswith("with --rejects.")
