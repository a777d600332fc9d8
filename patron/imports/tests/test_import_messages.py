"""Import messages: the command line names its flags, the web page its own controls, and a message
kept on an import is worded in the language of whoever reads it."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from patron.imports.heartbeats import sweep
from patron.imports.messages import WEB, on_the_web, said, shown
from patron.imports.models import ImportRun
from patron.imports.orders import import_orders
from patron.imports.summary import ImportRefused
from patron.imports.tests.test_upload_pages import start, upload

FLAG = re.compile(r"--[a-z]")
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
NO_AMOUNT = "This file has no amount column: map one with --map 'column=total'."


def test_a_message_names_the_flag_on_the_command_line_and_the_select_on_the_web():
    assert "--map 'column=total'" in said(NO_AMOUNT)
    with on_the_web():
        on_the_page = said(NO_AMOUNT)
    assert "--map" not in on_the_page and "“Amount”" in on_the_page
    assert shown(on_the_page.as_json(), front="cli") == NO_AMOUNT


def test_no_web_wording_and_no_import_template_names_a_flag():
    assert [text for text in WEB.values() if FLAG.search(text)] == []
    for template in TEMPLATES.rglob("*.html"):
        assert not FLAG.search(template.read_text()), template


@pytest.mark.parametrize("language", ["th", "vi", "tr", "fil"])
def test_every_web_wording_is_translated_without_a_flag(language):
    with translation.override(language):
        for cli, web in WEB.items():
            assert translation.gettext(web) != web, web
            assert not FLAG.search(translation.gettext(web))
            assert translation.gettext(cli) != cli, cli


def test_the_command_line_keeps_its_flags(somchai, thai_shop, tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("order_id,customer_id,date\nS1,C1,2024-03-05\n")
    with pytest.raises(ImportRefused) as refused:
        import_orders(path, by=somchai, source="pos")
    assert "--map 'column=total'" in refused.value.message


def test_a_refusal_kept_on_an_import_is_read_in_each_readers_language(signed_in, client):
    lan_client = signed_in("lan")  # Vietnamese
    upload(lan_client, "name,phone\nSomsri,0812345678\n")
    run = ImportRun.objects.get()
    start(lan_client, run, mapping={"name": ""})  # no column for the name or id any more
    run.refresh_from_db()
    assert run.status == "refused" and run.said["msgid"].startswith(
        "This file has no column for the customer"
    )
    vietnamese = lan_client.get(reverse("imports:run", args=[run.pk])).content.decode()
    assert "--map" not in vietnamese and "“Tên”" in vietnamese

    thai = signed_in("somchai").get(reverse("imports:run", args=[run.pk])).content.decode()
    assert 'lang="th"' in thai and "--map" not in thai
    with translation.override("th"):
        assert run.shown_message in thai and run.shown_message != run.message
    listed = client.get(reverse("imports:list")).content.decode()
    assert "--map" not in listed and run.file_name in listed


def test_a_failure_found_by_the_sweep_is_worded_for_each_reader(staff, thai_shop, settings):
    run = ImportRun.objects.create(
        kind="orders",
        source="pos",
        file_name="o.csv",
        stored_path="/nowhere/upload",
        status="running",
        options={"language": "vi"},
        heartbeat_at=timezone.now() - timedelta(seconds=settings.PATRON_IMPORT_HEARTBEAT + 5),
        created_by=staff("lan"),
    )
    sweep()
    run.refresh_from_db()
    assert run.status == "failed" and run.message.startswith("Lượt nhập đã dừng")  # the uploader's
    with translation.override("tr"):
        assert run.shown_message == translation.gettext(run.said["msgid"]) % run.said["params"]
        assert run.shown_message != run.message


def late_ambiguous_birthday():
    """A customer file whose first thousand birthdays tell no date order, then one that needs it."""
    rows = [f"C{n},Customer {n},01/01/1990" for n in range(1000)] + ["C1000,Somsri,05/03/1990"]
    return "id,name,birthday\n" + "\n".join(rows) + "\n"


def test_a_rejected_rows_reason_names_the_flag_on_the_command_line_and_the_list_on_the_page(
    signed_in, somchai, tmp_path
):
    from patron.imports.customers import import_customers

    path = tmp_path / "customers.csv"
    path.write_text(late_ambiguous_birthday())
    summary = import_customers(path, by=somchai, source="cli", rejects_path=tmp_path / "r.csv")
    assert summary.rejected == 1 and "--date-order" in summary.rejects[0].reason

    client = signed_in("lan")
    upload(client, late_ambiguous_birthday())
    run = ImportRun.objects.get()
    start(client, run)
    run.refresh_from_db()
    assert run.status == "finished" and run.summary["rejected"] == 1
    ((_row, _column, reason, _said),) = run.summary["rejects"]
    assert "--date-order" not in reason and "“Ngày tháng”" in reason  # the page's list, in Vietnamese


def test_a_message_crosses_processes_as_it_was_worded():
    import pickle

    with on_the_web():
        message = said(NO_AMOUNT)
    again = pickle.loads(pickle.dumps(message))  # noqa: S301 - our own bytes
    assert again == message and again.as_json() == message.as_json() and "--map" not in again


def test_a_file_refused_when_read_is_told_in_each_readers_language(signed_in):
    from patron.imports.limits import MAX_HEADER_LENGTH

    upload(signed_in("lan"), "n" * (MAX_HEADER_LENGTH + 1) + ",phone\nSomsri,0812345678\n")  # too long a name
    run = ImportRun.objects.get()
    assert run.status == "refused" and run.said["params"] == {
        "column": 1,
        "row": 1,
        "limit": MAX_HEADER_LENGTH,
    }
    with translation.override("vi"):
        assert run.message == run.shown_message  # the uploader's language
    thai = signed_in("somchai").get(reverse("imports:list")).content.decode()
    with translation.override("th"):
        assert run.shown_message != run.message and run.shown_message in thai


def test_a_file_that_is_no_table_is_told_in_each_readers_language(signed_in):
    upload(signed_in("lan"), "na\x07me,phone\nSomsri,0812345678\n")  # binary, once read
    run = ImportRun.objects.get()
    assert run.status == "refused" and run.said["params"]["what"]["msgid"] == "a binary file"
    with translation.override("th"):
        assert run.shown_message != run.message  # the uploader's was Vietnamese
        assert translation.gettext("a binary file") in run.shown_message
