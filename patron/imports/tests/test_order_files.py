"""Real kinds of order exports, imported from the command line as a shop would.

Each file is written in the style of a system shops use: a Thai point of sale with bills and
Buddhist-era dates, Shopee's Thai order export, KiotViet's invoice export, Trendyol's order
export, a restaurant point of sale whose bill column has a header no list knows. No column is
dropped without a word, no order number is lost, and a number given twice is told.
"""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from patron.customers.models import ExternalId
from patron.imports.models import SourceMapping
from patron.sales.models import Order


def imported(path, *options, source="pos"):
    """Run `patron import orders` as somchai; its JSON summary."""
    out = StringIO()
    call_command(
        "import", "orders", str(path), "--source", source, "--as", "somchai", "--json", *options, stdout=out
    )
    return json.loads(out.getvalue())


def told(path, *options, source="pos"):
    """Run `patron import orders` as somchai without --json; the lines it prints."""
    out = StringIO()
    call_command("import", "orders", str(path), "--source", source, "--as", "somchai", *options, stdout=out)
    return out.getvalue().splitlines()


def rejects_of(summary):
    import csv

    with open(summary["reject_file"], encoding="utf-8-sig", newline="") as file:
        return list(csv.DictReader(file))


@pytest.fixture
def shop(db, somchai):
    """shop("VN") -> the workspace set to that country's currency and time zone."""
    from patron.workspace.models import Workspace

    zones = {"TH": ("THB", "Asia/Bangkok"), "VN": ("VND", "Asia/Ho_Chi_Minh")}
    zones |= {"TR": ("TRY", "Europe/Istanbul"), "PH": ("PHP", "Asia/Manila")}

    def open_shop(country):
        currency, zone = zones[country]
        Workspace.objects.update_or_create(
            pk=1, defaults={"country": country, "currency": currency, "time_zone": zone}
        )

    return open_shop


# --------------------------------------------------------------------------- a Thai point of sale

# Bills as a Thai restaurant point of sale exports them: the bill number as "เลขที่บิล", members,
# the table and the cashier. Bill 00119 was exported twice, the second time with another day and
# amount; bill 00121 twice exactly.
POS_BILLS = (
    "เลขที่บิล,วันที่ขาย,รหัสสมาชิก,ชื่อสมาชิก,เบอร์โทร,ประเภทการขาย,โต๊ะ,พนักงาน,ยอดสุทธิ,สถานะบิล\r\n"
    "B6703-00118,05/03/2567 12:05,M0001,สมศรี ใจดี,081-234-5678,ทานที่ร้าน,5,นิด,450.00,ชำระแล้ว\r\n"
    'B6703-00119,05/03/2567 12:20,M0002,สมชาย รักดี,089-765-4321,กลับบ้าน,-,นิด,"1,280.00",ชำระแล้ว\r\n'
    "B6703-00120,05/03/2567 12:41,M0001,สมศรี ใจดี,081-234-5678,ทานที่ร้าน,5,ต้อม,95.00,ชำระแล้ว\r\n"
    'B6703-00121,05/03/2567 13:02,M0003,มาลี ศรีสุข,086-123-4567,ทานที่ร้าน,7,ต้อม,"2,310.00",ชำระแล้ว\r\n'
    "B6703-00119,06/03/2567 18:10,M0002,สมชาย รักดี,089-765-4321,กลับบ้าน,-,ต้อม,75.00,ชำระแล้ว\r\n"
    'B6703-00121,05/03/2567 13:02,M0003,มาลี ศรีสุข,086-123-4567,ทานที่ร้าน,7,ต้อม,"2,310.00",ชำระแล้ว\r\n'
    "B6703-00122,06/03/2567 11:30,M0004,อนันต์ ทองดี,081-999-8877,ทานที่ร้าน,1,นิด,640.00,ยกเลิก\r\n"
)


def test_a_thai_pos_export_keeps_its_bill_numbers_and_tells_a_number_given_twice(shop, tmp_path):
    shop("TH")
    path = tmp_path / "bills.csv"
    path.write_text(POS_BILLS, encoding="utf-8-sig")
    summary = imported(path, "--date-order", "dmy")
    assert summary["order_number_column"] == "เลขที่บิล" and not summary["order_number_found"]
    assert (summary["read"], summary["created"], summary["unchanged"], summary["rejected"]) == (7, 5, 1, 1)
    assert summary["repeated"] == 1
    assert summary["ignored_columns"] == ["ประเภทการขาย", "โต๊ะ", "พนักงาน"]
    assert sorted(Order.objects.values_list("external_id", flat=True)) == [
        "B6703-00118",
        "B6703-00119",
        "B6703-00120",
        "B6703-00121",
        "B6703-00122",
    ]
    assert Order.objects.get(external_id="B6703-00119").total == Decimal("1280.00")
    (reject,) = rejects_of(summary)
    assert reject["row"] == "6"
    assert (
        "order number B6703-00119 is already on row 3 with other values (วันที่ขาย, ยอดสุทธิ)" in reject["reason"]
    )


def test_the_same_bills_exported_again_after_an_edit_update_and_are_not_stored_twice(shop, tmp_path):
    shop("TH")
    path = tmp_path / "bills.csv"
    path.write_text(POS_BILLS, encoding="utf-8-sig")
    imported(path, "--date-order", "dmy")
    edited = tmp_path / "bills-again.csv"
    edited.write_text(POS_BILLS.replace("450.00", "480.00"), encoding="utf-8-sig")
    again = imported(edited, "--date-order", "dmy")
    assert (again["created"], again["updated"], again["unchanged"], again["rejected"]) == (0, 1, 5, 1)
    assert Order.objects.count() == 5
    assert Order.objects.get(external_id="B6703-00118").total == Decimal("480.00")


# --------------------------------------------------------------------------- a header no list knows

# A restaurant point of sale in Manila: the check number under "Chk #".
CHECKS = (
    "Chk #,Date,Customer,Mobile No.,Server,Net Sales\n"
    'C-240305-0041,2024-03-05 12:10,Maria Santos,0917 123 4567,Joy,"1,250.00"\n'
    "C-240305-0042,2024-03-05 12:25,Jose Dela Cruz,0918 234 5678,Joy,899.50\n"
    'C-240305-0043,2024-03-05 13:05,Carmela Muñoz,0927 111 2233,Ben,"2,340.00"\n'
    "C-240306-0044,2024-03-06 18:40,Maria Santos,0917 123 4567,Ben,450.00\n"
    "C-240306-0045,2024-03-06 19:15,Ramon Nuñez,0939 222 3344,Joy,675.25\n"
    'C-240306-0046,2024-03-06 20:00,Liza Peña,0905 567 8901,Ben,"3,150.00"\n'
)
CLASH = "C-240305-0042,2024-03-07 11:00,Ana Reyes,0920 345 6789,Joy,520.00\n"


def test_an_unknown_header_holding_bill_numbers_is_read_as_the_order_number_and_said_so(shop, tmp_path):
    shop("PH")
    path = tmp_path / "checks.csv"
    path.write_text(CHECKS, encoding="utf-8")
    lines = told(path)
    assert lines[0].startswith("6 read, 6 created, 0 updated, 0 unchanged, 0 rejected")
    assert lines[1].startswith(
        "No column's header names the order number: the column “Chk #” was read as the order number"
    )
    assert lines[2] == "Columns not imported: Server."
    assert Order.objects.filter(external_id="C-240305-0041").exists()
    summary = imported(path)  # the column is remembered as the order number
    assert (summary["order_number_column"], summary["order_number_found"]) == ("Chk #", False)
    assert (summary["unchanged"], summary["ignored_columns"]) == (6, ["Server"])
    elsewhere = imported(path, source="pos-2")
    assert (elsewhere["order_number_column"], elsewhere["order_number_found"]) == ("Chk #", True)
    assert SourceMapping.objects.get(source="pos").mapping == {
        "Chk #": "order_id",
        "Date": "placed_at",
        "Customer": "customer_name",
        "Mobile No.": "customer_phone",
        "Net Sales": "total",
    }


def test_an_unknown_header_with_a_clash_refuses_the_file_and_names_the_column(shop, tmp_path):
    shop("PH")
    path = tmp_path / "checks.csv"
    path.write_text(CHECKS + CLASH, encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        imported(path)
    message = str(refused.value)
    assert "the column “Chk #” looks like it (6 different values in the first 7 rows)" in message
    assert '--map "Chk #=order_id"' in message and '--map "Chk #="' in message
    assert Order.objects.count() == 0 and not SourceMapping.objects.exists()
    summary = imported(path, "--map", "Chk #=order_id")
    assert (summary["created"], summary["rejected"], summary["order_number_found"]) == (6, 1, False)
    assert "order number C-240305-0042 is already on row 3" in rejects_of(summary)[0]["reason"]


def test_told_to_import_without_numbers_it_does_and_remembers_it(shop, tmp_path):
    shop("PH")
    path = tmp_path / "checks.csv"
    path.write_text(CHECKS + CLASH, encoding="utf-8")
    summary = imported(path, "--map", "Chk #=")
    assert (summary["created"], summary["order_number_column"]) == (7, None)
    assert summary["ignored_columns"] == ["Chk #", "Server"]
    assert set(Order.objects.values_list("external_id", flat=True)) == {""}
    again = imported(path)  # the choice is remembered: no question the second time
    assert (again["unchanged"], again["created"]) == (7, 0)


def test_two_columns_that_could_be_the_number_are_both_named(shop, tmp_path):
    shop("PH")
    path = tmp_path / "checks.csv"
    text = CHECKS.replace("Server,", "Voucher,")
    for n, server in enumerate(["Joy,", "Joy,", "Ben,", "Ben,", "Joy,", "Ben,"]):
        text = text.replace(f",{server}", f",GC-{7711 + n},", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError, match="these columns look like it: “Chk #”, “Voucher”"):
        imported(path)


def test_a_file_without_any_order_number_says_so(shop, tmp_path):
    shop("PH")
    path = tmp_path / "chat.csv"
    path.write_text(
        'Pangalan,Telepono,Petsa,Kabuuan\nMaria Santos,0917 123 4567,2024-03-05 14:20,"1,250.00"\n',
        encoding="utf-8",
    )
    assert imported(path)["order_number_column"] is None
    assert told(path)[1].startswith(
        "No column holds order numbers: each row was imported as an order of its own"
    )


# --------------------------------------------------------------------------- marketplaces and POS with lines

# Shopee's Thai order export (one row per product, the order's columns on each): the order's
# total (จำนวนเงินทั้งหมด, with shipping) repeats on every line.
SHOPEE_TH = [
    ["หมายเลขคำสั่งซื้อ", "สถานะการสั่งซื้อ", "ชื่อผู้ใช้ (ผู้ซื้อ)", "วันที่ทำการสั่งซื้อ", "*หมายเลขติดตามพัสดุ"]
    + ["เลขอ้างอิง SKU (SKU Reference No.)", "ชื่อสินค้า", "ราคาตั้งต้น", "ราคาขาย", "จำนวน", "จำนวนเงินทั้งหมด"]
    + ["ชื่อผู้รับ", "หมายเลขโทรศัพท์", "จังหวัด", "ชื่อ"],
    ["2403058XYZAB12", "สำเร็จแล้ว", "somsri_j", "2024-03-05 14:20", "TH0123456789A", "SKN-001", "เซรั่มวิตามินซี"]
    + ["990", "890", "1", "1,830", "สมศรี ใจดี", "0812345678", "กรุงเทพมหานคร", ""],
    ["2403058XYZAB12", "สำเร็จแล้ว", "somsri_j", "2024-03-05 14:20", "TH0123456789A", "SKN-014", "ครีมกันแดด"]
    + ["500", "450", "2", "1,830", "สมศรี ใจดี", "0812345678", "กรุงเทพมหานคร", ""],
    ["2403061PQRST34", "ยกเลิกแล้ว", "anan.k", "2024-03-06 09:10", "", "MU-203", "ลิปสติก"]
    + ["259", "259", "1", "259", "อนันต์ ทองดี", "0819998877", "เชียงใหม่", "อนันต์ ทองดี"],
]


def test_shopee_thai_export_takes_the_order_total_once_not_per_line(shop, tmp_path):
    import csv

    shop("TH")
    path = tmp_path / "Order.all.20240301_20240331.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        csv.writer(file).writerows(SHOPEE_TH)
    summary = imported(path, source="shopee")
    assert (summary["created"], summary["rejected"]) == (3, 0)
    order = Order.objects.get(external_id="2403058XYZAB12")
    assert (order.total, order.status, order.lines.count()) == (Decimal("1830"), "completed", 2)
    assert Order.objects.get(external_id="2403061PQRST34").status == "cancelled"
    assert ExternalId.objects.get(source="shopee", value="somsri_j").customer.display_name == "สมศรี ใจดี"
    assert summary["ignored_columns"] == ["*หมายเลขติดตามพัสดุ", "ราคาตั้งต้น", "จังหวัด", "ชื่อ"]


# KiotViet's invoice export with its lines: "Khách cần trả" is what the customer pays for the
# whole invoice, after its discount; "Thành tiền" is the line's amount.
KIOTVIET = (
    "Mã hóa đơn\tThời gian\tMã khách hàng\tKhách hàng\tĐiện thoại\tTổng tiền hàng\tGiảm giá hóa đơn"
    "\tKhách cần trả\tMã hàng\tTên hàng\tSố lượng\tĐơn giá\tThành tiền\tTrạng thái\tKênh bán\r\n"
    "HD000101\t05/03/2024 08:15\tKH001\tNguyễn Văn An\t0901234567\t83.000\t8.000\t75.000\tCF-01"
    "\tCà phê sữa đá\t2\t29.000\t58.000\tHoàn thành\tBán trực tiếp\r\n"
    "HD000101\t05/03/2024 08:15\tKH001\tNguyễn Văn An\t0901234567\t83.000\t8.000\t75.000\tBM-02"
    "\tBánh mì thịt\t1\t25.000\t25.000\tHoàn thành\tBán trực tiếp\r\n"
    "HD000102\t05/03/2024 09:40\tKH002\tTrần Thị Bích Ngọc\t0912345678\t1.250.000\t0\t1.250.000\tCF-05"
    "\tCà phê hạt Robusta 1kg\t1\t1.250.000\t1.250.000\tHoàn thành\tShopee\r\n"
    "HD000103\t06/03/2024 10:00\tKH003\tLê Hoàng Phúc\t0988765432\t54.000\t0\t54.000\tCF-01"
    "\tCà phê sữa đá\t1\t29.000\t29.000\tHoàn thành\tBán trực tiếp\r\n"
    "HD000103\t06/03/2024 10:00\tKH003\tLê Hoàng Phúc\t0988765432\t54.000\t0\t45.000\tBM-02"
    "\tBánh mì thịt\t1\t25.000\t25.000\tHoàn thành\tBán trực tiếp\r\n"
)


def test_kiotviet_invoices_take_what_the_customer_pays_and_ask_about_the_goods_total(shop, tmp_path):
    shop("VN")
    path = tmp_path / "DanhSachHoaDon.txt"
    path.write_text(KIOTVIET, encoding="utf-8")
    summary = imported(path, "--date-order", "dmy")
    assert (summary["created"], summary["rejected"]) == (3, 2)
    an = Order.objects.get(external_id="HD000101")
    assert (an.total, an.channel, an.lines.count()) == (Decimal("75000"), "store", 2)
    assert Order.objects.get(external_id="HD000102").channel == "marketplace"
    reasons = {row["row"]: row["reason"] for row in rejects_of(summary)}
    assert set(reasons) == {"5", "6"}
    assert "the order total differs between the lines of order HD000103" in reasons["5"]
    assert summary["ambiguous_columns"] == {"Tổng tiền hàng": ["total", "order_total"]}
    assert summary["ignored_columns"] == ["Tổng tiền hàng", "Giảm giá hóa đơn"]


# Trendyol's order export: one row per product; "Faturalanacak Tutar" is the line's amount after
# discounts, "Satış Tutarı" before them; the barcode beside the seller's stock code.
TRENDYOL = (
    "Sipariş Numarası;Sipariş Tarihi;Sipariş Statüsü;Alıcı;E-Posta;Barkod;Stok Kodu;Ürün Adı;Adet"
    ";Birim Fiyatı;Satış Tutarı;İndirim Tutarı;Faturalanacak Tutar;Paket No;Kargo Kodu\r\n"
    "10381255061;05.03.2024 14:20;Teslim Edildi;Ayşe Yılmaz;ayse.yilmaz@gmail.com;8690000000017"
    ";HT-101;Havlu Seti;2;449,90;899,80;90,00;809,80;2498741101;7330012345\r\n"
    "10381255061;05.03.2024 14:20;Teslim Edildi;Ayşe Yılmaz;ayse.yilmaz@gmail.com;8690000000024"
    ";HT-205;Nevresim Takımı;1;1.299,90;1.299,90;0,00;1.299,90;2498741101;7330012345\r\n"
    "10381299874;06.03.2024 09:05;Teslim Edildi;Mehmet Öztürk;mehmet.ozturk@hotmail.com;8690000000017"
    ";HT-101;Havlu Seti;1;449,90;449,90;0,00;449,90;2498755202;7330067890\r\n"
    "10381255061;05.03.2024 14:20;Teslim Edildi;Ayşe Yılmaz;ayse.yilmaz@gmail.com;8690000000017"
    ";HT-101;Havlu Seti;2;449,90;899,80;90,00;809,80;2498741101;7330012345\r\n"
    "10381255061;05.03.2024 14:20;Teslim Edildi;Ayşe Yılmaz;ayse.yilmaz@gmail.com;8690000000024"
    ";HT-205;Nevresim Takımı;1;1.299,90;1.299,90;0,00;1.299,90;2498741101;7330012345\r\n"
    "10381299874;06.03.2024 09:05;Teslim Edildi;Mehmet Öztürk;mehmet.ozturk@hotmail.com;8690000000017"
    ";HT-101;Havlu Seti;3;449,90;1.349,70;0,00;1.349,70;2498755202;7330067890\r\n"
)


def test_trendyol_lines_sum_the_billed_amounts_and_an_order_exported_twice_is_one_order(shop, tmp_path):
    shop("TR")
    path = tmp_path / "siparisler.csv"
    path.write_bytes(TRENDYOL.encode("cp1254"))
    summary = imported(path, "--country", "TR", "--date-order", "dmy", source="trendyol")
    assert (summary["read"], summary["created"], summary["unchanged"], summary["rejected"]) == (6, 3, 2, 1)
    assert summary["repeated"] == 2
    first = Order.objects.get(external_id="10381255061")
    assert first.total == Decimal("2109.70")
    assert sorted(first.lines.values_list("product__sku", flat=True)) == ["HT-101", "HT-205"]
    assert first.customer.contact_points.get(kind="email").value == "ayse.yilmaz@gmail.com"
    (reject,) = rejects_of(summary)
    assert reject["row"] == "7" and "keep the lines of an order together" in reject["reason"]
    assert summary["ignored_columns"] == [
        "Barkod",
        "Satış Tutarı",
        "İndirim Tutarı",
        "Paket No",
        "Kargo Kodu",
    ]


def test_an_order_total_beside_a_total_on_a_row_per_order_is_the_amount(shop, tmp_path):
    shop("TH")
    path = tmp_path / "orders.csv"
    path.write_text(
        "Order ID,Customer Email,Order Date,Subtotal,Total,Grand Total\n"
        "1001,somsri.j@gmail.com,2024-05-02 10:15,1000.00,1070.00,1120.00\n",
        encoding="utf-8",
    )
    summary = imported(path)
    assert Order.objects.get(external_id="1001").total == Decimal("1120.00")
    assert summary["ignored_columns"] == ["Subtotal", "Total"]
    assert summary["ambiguous_columns"] == {"Subtotal": ["total", "order_total"]}


def test_a_repeat_of_a_rejected_order_is_rejected_with_it(shop, tmp_path):
    shop("TH")
    path = tmp_path / "orders.csv"
    path.write_text(
        "order_id,customer_id,date,total\nS1,C9,2024-03-05,10\nS2,C9,2024-03-05,10\nS1,C9,2024-03-05,10\n",
        encoding="utf-8",
    )
    summary = imported(path, "--batch-size", "1")
    reasons = [row["reason"] for row in rejects_of(summary)]
    assert len(reasons) == 3 and "no customer with id C9" in reasons[0]
    assert "this row repeats order S1 of row 2, which was rejected" in reasons[2]
    assert summary["repeated"] == 0
