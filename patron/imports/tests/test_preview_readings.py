"""The preview shows how the import will read each mapped cell of the first rows, in the reader's
language, calendar and time zone, by the import's own code."""

from zoneinfo import ZoneInfo

from django.urls import reverse

from patron.imports.models import ImportRun
from patron.imports.tests.test_upload_pages import start, upload
from patron.sales.models import Order

BANGKOK = ZoneInfo("Asia/Bangkok")
ORDERS = (
    "order_id,customer_id,date,total,phone\n"
    "S1,C1,05/03/2567,฿350,081 234 5678\n"
    'S2,C1,31/02/2567,"฿1,200.50",12\n'
    'S3,C1,14/03/2567,"US$12",\n'
)


def readings_of(page):
    """{(row number, column): (reading text, problem)} of the preview page."""
    columns = page.context["preview"]["columns"]
    found = {}
    for number, cells, _notes in page.context["rows"]:
        for column, (_value, reading) in zip(columns, cells, strict=True):
            found[number, column] = (reading.text, reading.problem)
    return found


def test_order_cells_are_read_as_the_import_will_in_the_thai_users_calendar(signed_in, known_pos_customers):
    client = signed_in("somchai")  # Thai, no calendar chosen: the Buddhist era
    upload(client, ORDERS, kind="orders", name="orders.csv", country="TH")
    run = ImportRun.objects.get()
    page = client.get(reverse("imports:run", args=[run.pk]))
    read = readings_of(page)
    date, problem = read[2, "date"]
    assert "2567" in date and "มี.ค." in date and "00:00" in date and not problem
    assert read[2, "total"] == ("฿350.00", "")
    assert read[2, "phone"] == ("+66812345678", "")
    assert read[2, "order_id"] == ("", "")  # imported as written: nothing to say
    assert "31/02/2567" in read[3, "date"][1]  # not a date: the import's own reason
    assert read[3, "total"] == ("฿1,200.50", "")
    assert read[3, "phone"][0] == "" and read[3, "phone"][1]  # not a phone number
    assert read[4, "total"][0] == "" and "USD" in read[4, "total"][1]  # another currency
    html = page.content.decode()
    assert 'class="reading"' in html and "฿350.00" in html and "+66812345678" in html


def test_dates_are_shown_in_the_readers_time_zone_and_gregorian_calendar(
    signed_in, known_pos_customers, staff
):
    from patron.accounts.models import UserProfile

    UserProfile.objects.filter(user=staff("somchai")).update(
        time_zone="Europe/Istanbul", calendar="gregorian"
    )
    client = signed_in("somchai")
    upload(client, ORDERS, kind="orders", name="orders.csv", country="TH")
    run = ImportRun.objects.get()
    date, _problem = readings_of(client.get(reverse("imports:run", args=[run.pk])))[2, "date"]
    # 5 March 2024, midnight in Bangkok (the business clock) is 20:00 the day before in Istanbul.
    assert "2024" in date and "2567" not in date and "20:00" in date and "4" in date


def test_what_the_preview_reads_is_what_the_import_records(signed_in, known_pos_customers):
    client = signed_in("somchai")
    upload(client, ORDERS, kind="orders", name="orders.csv", country="TH")
    run = ImportRun.objects.get()
    start(client, run)  # rows 3 and 4 would be rejected: the check says so first
    start(client, run)
    run.refresh_from_db()
    assert run.status == "finished" and run.summary["rejected"] == 2
    order = Order.objects.get(external_id="S1")
    assert order.total == 350 and order.placed_at.astimezone(BANGKOK).date().isoformat() == "2024-03-05"


CUSTOMERS = (
    "รหัสลูกค้า,ชื่อ,เบอร์โทร,วันเกิด,เพศ,อีเมล\n"
    "C001,สมศรี ใจดี,081 234 5678,05/03/2530,หญิง,somsri@example.co.th\n"
    "C002,สมชาย รักดี,12,06/04/2531,ชาย,not-an-address\n"
)


def test_customer_cells_are_read_with_the_date_order_chosen_on_the_page(signed_in):
    client = signed_in("lan")  # Vietnamese: the Gregorian calendar
    upload(client, CUSTOMERS, country="TH")
    run = ImportRun.objects.get()
    page = client.get(reverse("imports:run", args=[run.pk]))
    read = readings_of(page)
    # 05/03 and 06/04 could be either order: said in the page's words, in Vietnamese, no flag.
    assert "05/03/2530" in read[2, "วันเกิด"][1] and "--date-order" not in read[2, "วันเกิด"][1]
    assert "--date-order" not in page.content.decode()
    assert read[2, "เบอร์โทร"] == ("+66812345678", "")
    assert read[3, "เบอร์โทร"][1] and not read[3, "เบอร์โทร"][0]
    assert read[3, "อีเมล"][1] and "not-an-address" in read[3, "อีเมล"][1]
    assert read[2, "เพศ"][0] == "Nữ"

    form = page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    client.post(reverse("imports:start", args=[run.pk]), {**data, "date_order": "dmy", "action": "read"})
    read = readings_of(client.get(reverse("imports:run", args=[run.pk])))
    birthday, problem = read[2, "วันเกิด"]
    assert not problem and "1987" in birthday and "2530" not in birthday  # a Buddhist-era year, read
    run.refresh_from_db()
    assert run.status == "uploaded" and run.options["date_order"] == "dmy"  # nothing started


def test_a_buddhist_era_birthday_is_shown_in_the_buddhist_era_to_a_thai_reader(signed_in):
    client = signed_in("somchai")
    upload(client, CUSTOMERS, country="TH", date_order="dmy")
    run = ImportRun.objects.get()
    birthday, problem = readings_of(client.get(reverse("imports:run", args=[run.pk])))[2, "วันเกิด"]
    assert not problem and "2530" in birthday and "มี.ค." in birthday
