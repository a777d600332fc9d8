"""Chat ids in a customer file: LINE, Zalo, Viber and WhatsApp columns become contact points,
and a row naming a chat id someone holds attaches to them."""

import csv

from patron.customers.models import ContactPoint, Customer
from patron.customers.services import CustomerData, customer_create
from patron.imports.customers import import_customers
from patron.imports.headers import guess_mapping

LINE_ID = "U8189cf6745fc0d808977bdb0b9f22995"
ZALO_ID = "2468458835296117922"


def run(tmp_path, text, by, **options):
    path = tmp_path / "customers.csv"
    path.write_text(text, encoding="utf-8")
    return import_customers(path, by=by, source="pos", **options)


def test_chat_id_columns_are_recognised_but_not_a_searchable_line_id():
    header = ["Mã KH", "LINE user ID", "Zalo ID", "Viber ID", "WhatsApp", "LINE ID", "Zalo"]
    assert guess_mapping("customers", header) == {
        "Mã KH": "external_id",
        "LINE user ID": "line_id",
        "Zalo ID": "zalo_id",
        "Viber ID": "viber_id",
        "WhatsApp": "whatsapp",
    }


def test_a_line_or_zalo_id_finds_the_customer_who_holds_it(somchai, thai_shop, tmp_path):
    somsri = customer_create(
        data=CustomerData(given_name="Somsri", contact_points=[("line", LINE_ID)]), by=somchai
    )
    an = customer_create(
        data=CustomerData(given_name="An", country="VN", contact_points=[("zalo", ZALO_ID)]), by=somchai
    )
    summary = run(
        tmp_path,
        "id,name,email,line user id,zalo user id,whatsapp\n"
        f"A1,Somsri,somsri@example.co.th,{LINE_ID.upper()},,\n"
        f"A2,An,,,{ZALO_ID},\n"
        "A3,Malee,,,,081 234 5678\n",
        somchai,
    )
    assert (summary.created, summary.updated, summary.rejected) == (1, 2, 0)
    assert summary.customers_matched == 2 and summary.customers_created == 1
    assert Customer.objects.count() == 3
    somsri.refresh_from_db()
    assert sorted((p.kind, p.value, p.is_primary) for p in somsri.contact_points.all()) == [
        ("email", "somsri@example.co.th", True),
        ("line", LINE_ID, True),  # the same id, kept as it was first given
    ]
    assert [(p.kind, p.normalised) for p in an.contact_points.all()] == [("zalo", ZALO_ID)]
    assert "u8189cf6745fc0d808977bdb0b9f22995" in Customer.objects.get(pk=somsri.pk).search_text
    malee = ContactPoint.objects.get(kind="whatsapp").customer
    assert malee.display_name == "Malee" and malee.contact_points.get().normalised == "+66812345678"

    # Imported again: every row is known and unchanged.
    again = run(tmp_path, (tmp_path / "customers.csv").read_text(encoding="utf-8"), somchai)
    assert (again.unchanged, again.created, again.updated) == (3, 0, 0)


def test_a_bad_chat_id_rejects_its_row_naming_the_column(somchai, thai_shop, tmp_path):
    summary = run(tmp_path, "id,name,line user id\nA1,Somsri,somsri99\nA2,Malee,\n", somchai)
    assert (summary.created, summary.rejected) == (1, 1)
    with open(summary.reject_file, encoding="utf-8-sig", newline="") as file:
        header, row = list(csv.reader(file))
    assert row[:3] == ["A1", "Somsri", "somsri99"]
    assert "line user id" in row[-1] and "somsri99 is not a LINE user id" in row[-1]
