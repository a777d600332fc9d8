"""Small sample files for ``patron import``, one per case it handles, and their README.

    write_samples(folder)    # what `patron samples` does

Every file is made here from the rows written out below, so the repository's ``samples/``
folder holds exactly what this module writes; a test checks that, and imports each file
with the counts its README states. No Django and no randomness: the same bytes every time,
XLSX included (fixed document dates and zip entry times).

The samples belong to four shops, one per workspace they are imported into, and are listed
in import order: customers before the orders that name them.
"""

import csv
import io
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
from openpyxl.writer.excel import ExcelWriter

SAMPLES_DIR = Path(__file__).resolve().parents[2] / "samples"
"""The repository's samples folder, where `patron samples` writes by default."""


@dataclass(frozen=True)
class Shop:
    """The workspace a shop's samples are imported into, and the exchange rates they need."""

    country: str
    currency: str
    time_zone: str
    about: str
    rates: dict[tuple[str, date], Decimal] = field(default_factory=dict)  # (currency, day): rate


SHOPS = {
    "TH": Shop(
        "TH",
        "THB",
        "Asia/Bangkok",
        "A beauty shop in Bangkok, with a web shop",
        # orders_en_currencies.csv is in USD and EUR too; there is no SGD rate (a bad row shows it).
        rates={
            ("USD", date(2024, 5, 2)): Decimal("36.85"),
            ("USD", date(2024, 5, 3)): Decimal("36.70"),
            ("EUR", date(2024, 5, 2)): Decimal("39.45"),
            ("EUR", date(2024, 5, 3)): Decimal("39.30"),
        },
    ),
    "VN": Shop("VN", "VND", "Asia/Ho_Chi_Minh", "A café and coffee roaster in Hồ Chí Minh City"),
    "TR": Shop("TR", "TRY", "Europe/Istanbul", "A home-goods store in İstanbul that sells on Trendyol too"),
    "PH": Shop("PH", "PHP", "Asia/Manila", "A clothes shop in Manila that sells over chat"),
}


@dataclass(frozen=True)
class Counts:
    """What the first import of a sample reports (after the samples before it in its shop)."""

    read: int
    created: int
    updated: int = 0
    rejected: int = 0
    customers_created: int = 0
    customers_matched: int = 0


@dataclass(frozen=True)
class Sample:
    """One file: the shop it belongs to, how to import it, and what that reports."""

    name: str
    shop: str
    kind: str  # "customers" or "orders"
    options: str  # the import command's options besides the file
    shows: str
    counts: Counts
    content: Callable[[], bytes]
    bad_rows: tuple[tuple[int, str], ...] = ()  # (row number, what is wrong with it)

    @property
    def command(self):
        return f"patron import {self.kind} samples/{self.name} {self.options}"


# --------------------------------------------------------------------------- writing files


def _csv(rows, *, encoding="utf-8", delimiter=","):
    """A CSV file as the exporting programs write it: CRLF line ends, their own encoding."""
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    text = out.getvalue()
    if encoding == "cp1258":
        return _cp1258(text)
    if encoding == "utf-16":
        return ("\ufeff" + text).encode("utf-16-le")  # Excel's "Unicode text": a BOM, little-endian
    return text.encode(encoding)


_TONES = "\u0300\u0301\u0303\u0309\u0323"


def _cp1258(text):
    """Vietnamese as Windows writes it: letters cp1258 holds (ê, ơ, đ...), tones as combining marks."""
    result = bytearray()
    for char in unicodedata.normalize("NFC", text):
        try:
            result += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            letter = "".join(mark for mark in parts if mark not in _TONES)
            tones = "".join(mark for mark in parts if mark in _TONES)
            result += unicodedata.normalize("NFC", letter).encode("cp1258") + tones.encode("cp1258")
    return bytes(result)


_FIXED_TIME = datetime(2024, 1, 1)


def _xlsx(rows, title):
    """An XLSX workbook of one sheet, the same bytes every time it is made."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    book.properties.created = book.properties.modified = _FIXED_TIME
    buffer = io.BytesIO()
    # ExcelWriter rather than book.save(), which stamps the document with the time of saving.
    ExcelWriter(book, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)).save()
    fixed = io.BytesIO()
    # Zip entries carry the time they were written: give them all the same one.
    with zipfile.ZipFile(buffer) as made, zipfile.ZipFile(fixed, "w") as out:
        for entry in made.infolist():
            dated = zipfile.ZipInfo(entry.filename, date_time=_FIXED_TIME.timetuple()[:6])
            out.writestr(dated, made.read(entry), compress_type=zipfile.ZIP_DEFLATED)
    return fixed.getvalue()


def _annotated(header, rows):
    """(the file's rows, ((row number, note), ...)) from [(cells, note or "")] under ``header``."""
    notes = tuple((number, note) for number, (_cells, note) in enumerate(rows, start=2) if note)
    return [header, *(cells for cells, _note in rows)], notes


# --------------------------------------------------------------------------- Thailand

CUSTOMERS_TH = [
    ["รหัสลูกค้า", "ชื่อ-นามสกุล", "เบอร์โทร", "อีเมล", "วันเกิด", "เพศ", "แท็ก", "สาขา"],
    ["C001", "สมศรี ใจดี", "081-234-5678", "somsri.j@gmail.com", "14/02/2533", "หญิง", "ลูกค้าประจำ", "สีลม"],
    ["C002", "สมชาย รักดี", "089 765 4321", "somchai.r@hotmail.com", "25/11/2528", "ชาย", "", "สีลม"],
    ["C003", "วิไลวรรณ ศรีสุข", "0861234567", "wilaiwan.s@gmail.com", "03/07/2540", "หญิง", "VIP", "ลาดพร้าว"],
    ["C004", "ประเสริฐ วงศ์ใหญ่", "+66 92 345 6789", "", "19/09/2522", "ชาย", "", "ลาดพร้าว"],
    ["C005", "กนกวรรณ แสงทอง", "063-456-7890", "kanokwan@outlook.co.th", "", "หญิง", "", "สีลม"],
    ["C006", "ณัฐพล บุญมา", "095 111 2233", "nattapon.b@icloud.com", "30/12/2535", "ชาย", "", "เชียงใหม่"],
    ["C007", "ลลิตา ชัยสิทธิ์", "084-555-0101", "lalita.c@gmail.com", "08/08/2531", "หญิง", "ลูกค้าประจำ", "สีลม"],
    ["C008", "อนันต์ ทองดี", "081 999 8877", "", "", "ชาย", "", "เชียงใหม่"],
]

ORDERS_TH_BUDDHIST = [
    ["เลขที่ใบเสร็จ", "รหัสลูกค้า", "วันที่", "ช่องทาง", "สถานะ", "ยอดรวม"],
    ["R2567-0001", "C001", "05/03/2567 14:20", "หน้าร้าน", "สำเร็จ", "1,250.00"],
    ["R2567-0002", "C002", "05/03/2567 16:05", "หน้าร้าน", "สำเร็จ", "฿350"],
    ["R2567-0003", "C003", "12/03/2567 10:30", "Shopee", "สำเร็จ", "2,990 บาท"],
    ["R2567-0004", "C001", "20/03/2567 19:45", "ออนไลน์", "สำเร็จ", "890.50"],
    ["R2567-0005", "C004", "02/04/2567 11:00", "Lazada", "ยกเลิก", "1,590.00"],
    ["R2567-0006", "C005", "13/04/2567 09:15", "หน้าร้าน", "สำเร็จ", "4,200.00"],
    ["R2567-0007", "C003", "15/04/2567 13:40", "หน้าร้าน", "คืนสินค้า", "-450.00"],
    ["R2567-0008", "C006", "01/05/2567 18:00", "ออนไลน์", "คืนเงิน", "1,100.00"],
    ["R2567-0009", "C007", "14/05/2567 20:10", "Shopee", "สำเร็จ", "฿ 675.00"],
    ["R2567-0010", "C002", "28/05/2567 12:00", "หน้าร้าน", "สำเร็จ", "12,500.00"],
    ["R2567-0011", "C008", "03/06/2567", "หน้าร้าน", "สำเร็จ", "199"],
    ["R2567-0012", "C001", "15/06/2567 15:30", "แอป", "สำเร็จ", "3,450.75"],
]

_SERUM, _SUNSCREEN = ("SKN-001", "เซรั่มวิตามินซี 30 มล.", "สกินแคร์"), ("SKN-014", "ครีมกันแดด SPF50", "สกินแคร์")
_LIPSTICK, _SHAMPOO = ("MU-203", "ลิปสติก สีชมพูนู้ด", "เมคอัพ"), ("HAIR-07", "แชมพูสมุนไพร", "ผม")
_PALETTE = ("MU-115", "อายแชโดว์พาเลท", "เมคอัพ")

ORDERS_TH_LINES = [
    ["เลขที่คำสั่งซื้อ", "รหัสลูกค้า", "วันที่สั่งซื้อ", "รหัสสินค้า", "ชื่อสินค้า", "หมวดหมู่", "จำนวน", "ราคาต่อหน่วย", "สถานะ"],
    ["W-1001", "C002", datetime(2024, 7, 2, 10, 15), *_SERUM, 1, 890, None],
    ["W-1001", "C002", datetime(2024, 7, 2, 10, 15), *_SUNSCREEN, 2, 450, None],
    ["W-1002", "C005", datetime(2024, 7, 3, 14, 0), *_LIPSTICK, 3, 259, None],
    ["W-1003", "C003", datetime(2024, 7, 5, 9, 30), *_SERUM, 1, 890, None],
    ["W-1003", "C003", datetime(2024, 7, 5, 9, 30), *_SHAMPOO, 1, 189.5, None],
    ["W-1003", "C003", datetime(2024, 7, 5, 9, 30), *_LIPSTICK, 1, 259, None],
    ["W-1004", "C007", datetime(2024, 7, 9, 20, 45), *_SUNSCREEN, -1, 450, "คืนสินค้า"],
    ["W-1005", "C001", datetime(2024, 7, 10), *_PALETTE, 1, 1290, None],
]

ORDERS_EN_CURRENCIES = [
    ["Order ID", "Customer Email", "Customer Name", "Order Date", "Channel", "Currency", "Total", "Return"],
    ["1001", "somsri.j@gmail.com", "สมศรี ใจดี", "2024-05-02T10:15:00", "web", "THB", "1,234.56", ""],
    [
        "1002",
        "emma.wilson@gmail.com",
        "Emma Wilson",
        "2024-05-02T11:40:00+07:00",
        "web",
        "USD",
        "US$45.00",
        "",
    ],
    ["1003", "lukas.becker@web.de", "Lukas Becker", "2024-05-02 15:05", "web", "EUR", "€120.50", ""],
    ["1004", "emma.wilson@gmail.com", "Emma Wilson", "2024-05-03", "web", "USD", "12.50 USD", ""],
    ["1005", "nattapon.b@icloud.com", "ณัฐพล บุญมา", "2024-05-03 09:00", "web", "THB", "THB 890", ""],
    ["1006", "lukas.becker@web.de", "Lukas Becker", "2024-05-03 17:30", "web", "EUR", "-120.50", "yes"],
    ["1007", "emma.wilson@gmail.com", "Emma Wilson", "2024-05-03 18:00", "web", "USD", "1,050.00", "no"],
]

# A restaurant point of sale: bills by member id; the sale type, table and cashier are its own.
ORDERS_TH_BILLS, ORDERS_TH_BILLS_NOTES = _annotated(
    ["เลขที่บิล", "วันที่ขาย", "รหัสสมาชิก", "ชื่อสมาชิก", "ประเภทการขาย", "โต๊ะ", "พนักงาน", "ยอดสุทธิ", "สถานะบิล"],
    [
        (
            ["B6707-0101", "02/07/2567 12:05", "C001", "สมศรี ใจดี", "ทานที่ร้าน", "5", "นิด", "450.00", "ชำระแล้ว"],
            "",
        ),
        (
            [
                "B6707-0102",
                "02/07/2567 12:20",
                "C002",
                "สมชาย รักดี",
                "กลับบ้าน",
                "-",
                "นิด",
                "1,280.00",
                "ชำระแล้ว",
            ],
            "",
        ),
        (
            [
                "B6707-0103",
                "13/07/2567 18:41",
                "C003",
                "วิไลวรรณ ศรีสุข",
                "ทานที่ร้าน",
                "2",
                "ต้อม",
                "95.00",
                "ชำระแล้ว",
            ],
            "",
        ),
        (
            [
                "B6707-0104",
                "13/07/2567 19:02",
                "C005",
                "กนกวรรณ แสงทอง",
                "ทานที่ร้าน",
                "7",
                "ต้อม",
                "2,310.00",
                "ชำระแล้ว",
            ],
            "",
        ),
        (
            ["B6707-0102", "14/07/2567 18:10", "C002", "สมชาย รักดี", "กลับบ้าน", "-", "ต้อม", "75.00", "ชำระแล้ว"],
            "bill B6707-0102 again, with another day and amount",
        ),
        (
            ["B6707-0105", "20/07/2567 11:30", "C007", "ลลิตา ชัยสิทธิ์", "ทานที่ร้าน", "1", "นิด", "640.00", "ยกเลิก"],
            "",
        ),
        (
            ["B6707-0106", "21/07/2567 12:15", "C008", "อนันต์ ทองดี", "กลับบ้าน", "-", "นิด", "199.00", "ชำระแล้ว"],
            "",
        ),
    ],
)

CUSTOMERS_BAD, CUSTOMERS_BAD_NOTES = _annotated(
    ["id", "name", "phone", "email", "birthday", "gender"],
    [
        (["C101", "Pim Kaewta", "081 345 6789", "pim.k@gmail.com", "25/03/1990", "female"], ""),
        (["C102", "Anan Srisuk", "12345", "anan.s@gmail.com", "", "male"], "not a phone number"),
        (["C103", "Dao Meesuk", "082 456 7890", "dao.meesuk@gmail", "", "female"], "not an e-mail address"),
        (["C104", "Somporn Jaidee", "083 567 8901", "", "31/02/1988", ""], "no such date"),
        (["C105", "Kittipong Saelim", "", "", "14/05/92", "male"], "a two-digit year"),
        (["C106", "Araya Thongdee", "", "araya.t@hotmail.com", "", "unknown"], "not a gender"),
        (["C101", "Pim K.", "", "", "", ""], "an id already read on row 2"),
        (["", "", "", "", "01/01/1985", "female"], "neither a name nor an id"),
        (["C107", "Wanida Phromma", "089 123 4567", "wanida.p@gmail.com", "01/01/1985", "female"], ""),
    ],
)

_BAD_ORDER_COLUMNS = ["order_id", "customer_id", "name", "phone", "email", "date", "status", "channel"]
_BAD_ORDER_COLUMNS += ["currency", "sku", "quantity", "total"]


def _line(order_id, customer_id, placed_at, **cells):
    """A row of orders_bad_rows.csv: a line of one serum at 890 baht, unless ``cells`` say otherwise."""
    values = {"channel": "store", "sku": "SKN-001", "quantity": "1", "total": "890.00", **cells}
    values |= {"order_id": order_id, "customer_id": customer_id, "date": placed_at}
    return [values.get(column, "") for column in _BAD_ORDER_COLUMNS]


_AUG_1 = "2024-08-01 10:00"

ORDERS_BAD, ORDERS_BAD_NOTES = _annotated(
    _BAD_ORDER_COLUMNS,
    [
        (_line("B01", "C001", _AUG_1), ""),
        (_line("B01", "C001", _AUG_1, sku="SKN-014", quantity="2", total="900.00"), ""),
        (_line("B02", "C002", "2024-02-30 10:00"), "no such date"),
        (_line("B03", "C002", ""), "no date"),
        (_line("B04", "C002", "2099-01-01 10:00"), "a date in the future"),
        (_line("B05", "C003", _AUG_1, quantity="-1"), "a negative quantity on a row not marked as a return"),
        (_line("B06", "C003", _AUG_1, quantity="0"), "a zero quantity"),
        (_line("B07", "C004", _AUG_1, currency="XYZ"), "an unknown currency"),
        (_line("B08", "C004", _AUG_1, currency="SGD", total="35.00"), "no SGD exchange rate for that day"),
        (_line("B09", "C005", _AUG_1, total="$12.50"), "an amount in another currency"),
        (_line("B10", "C005", _AUG_1, total="N/A"), "not an amount"),
        (_line("B11", "C005", _AUG_1, total="10.505"), "three decimals in baht"),
        (_line("B12", "C006", _AUG_1, total="-120.00"), "a negative amount on a row not marked as a return"),
        (_line("B13", "C006", _AUG_1, status="pending"), "not a status"),
        (_line("B14", "C006", _AUG_1, channel="tv"), "not a sales channel"),
        (_line("B15", "", _AUG_1), "no customer id, e-mail or phone"),
        (_line("B16", "C999", _AUG_1), "an unknown customer id, with nothing to create the customer from"),
        (
            _line("B17", "", _AUG_1, name="Anan Srisuk", email="anan.srisuk@gmail"),
            "a new customer whose e-mail address is not one",
        ),
        (_line("B18", "", _AUG_1, name="Pim Kaewta", phone="12345"), "a new customer whose phone is not one"),
        (_line("B01", "C001", _AUG_1, sku="SKN-003", total="150.00"), "order B01 again, away from its lines"),
        (_line("B19", "C007", "2024-08-02 11:00"), ""),
        (_line("B19", "C008", "2024-08-02 11:00"), "a line of order B19 naming another customer"),
        (_line("B20", "C007", "2024-08-02 12:00", total=""), "no amount"),
        (_line("B21", "C008", "2024-08-02 13:00"), ""),
    ],
)

# --------------------------------------------------------------------------- Vietnam

CUSTOMERS_VN = [
    ["Mã KH", "Họ và tên", "Số điện thoại", "Email", "Ngày sinh", "Giới tính", "Thành phố"],
    ["KH001", "Nguyễn Văn An", "0901 234 567", "an.nguyen@gmail.com", "25/03/1990", "Nam", "Hà Nội"],
    [
        "KH002",
        "Trần Thị Bích Ngọc",
        "091-234-5678",
        "ngoc.tran@yahoo.com",
        "12/08/1995",
        "Nữ",
        "TP. Hồ Chí Minh",
    ],
    ["KH003", "Lê Hoàng Phúc", "0988 765 432", "phuc.le@gmail.com", "07/11/1987", "Nam", "Đà Nẵng"],
    ["KH004", "Phạm Thị Hương", "0357 111 222", "", "30/06/1992", "Nữ", "Hải Phòng"],
    ["KH005", "Võ Minh Đức", "+84 938 765 432", "duc.vo@outlook.com", "", "Nam", "Cần Thơ"],
    ["KH006", "Đặng Thu Trang", "0868 246 135", "trang.dang@gmail.com", "19/01/2000", "Nữ", "Hà Nội"],
]

_MILK_COFFEE, _BANH_MI = ("CF-01", "Cà phê sữa đá", "Đồ uống"), ("BM-02", "Bánh mì thịt", "Đồ ăn")
_BEANS, _PEACH_TEA = ("CF-05", "Cà phê hạt Robusta 1kg", "Cà phê hạt"), ("TR-03", "Trà đào cam sả", "Đồ uống")
_IN_STORE, _DONE = "Tại cửa hàng", "Hoàn thành"

ORDERS_VN_LINES = [
    ["Mã đơn hàng", "Mã KH", "Ngày đặt hàng", "Mã SP", "Tên sản phẩm", "Nhóm hàng", "Số lượng", "Đơn giá"]
    + ["Kênh bán hàng", "Trạng thái"],
    ["DH24-0001", "KH001", "05/03/2024 08:15", *_MILK_COFFEE, "2", "29.000", _IN_STORE, _DONE],
    ["DH24-0001", "KH001", "05/03/2024 08:15", *_BANH_MI, "1", "25.000 ₫", _IN_STORE, _DONE],
    ["DH24-0002", "KH002", "05/03/2024 09:40", *_BEANS, "1", "1.250.000", "Shopee", _DONE],
    ["DH24-0003", "KH003", "18/03/2024 14:05", *_PEACH_TEA, "3", "45.000đ", "Ứng dụng", _DONE],
    ["DH24-0004", "KH002", "20/03/2024 10:00", *_BEANS, "-1", "1.250.000", "Shopee", "Trả hàng"],
    ["DH24-0005", "KH004", "02/04/2024", *_MILK_COFFEE, "2", "29.000 VNĐ", _IN_STORE, _DONE],
    ["DH24-0005", "KH004", "02/04/2024", *_BANH_MI, "2", "25.000", _IN_STORE, _DONE],
    ["DH24-0006", "KH005", "15/04/2024 19:30", *_BEANS, "2", "1.180.000", "Tiki", _DONE],
    ["DH24-0007", "KH006", "30/04/2024 07:50", *_MILK_COFFEE, "1", "29.000", _IN_STORE, "Đã hủy"],
]

# --------------------------------------------------------------------------- Turkey

CUSTOMERS_TR = [
    ["Müşteri No", "Ad Soyad", "Cep Telefonu", "E-posta", "Doğum Tarihi", "Cinsiyet", "Şehir"],
    ["M1001", "Ayşe Yılmaz", "0532 123 45 67", "ayse.yilmaz@gmail.com", "05.03.1990", "Kadın", "İstanbul"],
    [
        "M1002",
        "Mehmet Öztürk",
        "0541 234 56 78",
        "mehmet.ozturk@hotmail.com",
        "17.11.1985",
        "Erkek",
        "Ankara",
    ],
    ["M1003", "Şükrü Çelik", "+90 505 345 67 89", "", "28.02.1978", "Erkek", "İzmir"],
    ["M1004", "Gülşen Doğan", "0533 456 78 90", "gulsen.dogan@yandex.com", "14.07.1993", "Kadın", "Bursa"],
    ["M1005", "İbrahim Şahin", "0555 567 89 01", "ibrahim.sahin@gmail.com", "", "Erkek", "Antalya"],
    ["M1006", "Elif Kaya", "0544 678 90 12", "elif.kaya@outlook.com", "23.09.2001", "Kadın", "İstanbul"],
    ["M1007", "Ayşe Yılmaz", "", "AYSE.YILMAZ@gmail.com", "", "", "İstanbul"],
]

ORDERS_TR = [
    ["Sipariş No", "Müşteri No", "Sipariş Tarihi", "Satış Kanalı", "Durum", "Tutar"],
    ["S-24001", "M1001", "05.03.2024 14:20", "Mağaza", "Tamamlandı", "1.234,56 TL"],
    ["S-24002", "M1002", "05.03.2024 16:45", "Trendyol", "Tamamlandı", "89,90 TL"],
    ["S-24003", "M1003", "12.03.2024 11:10", "Mağaza", "Tamamlandı", "2.499,00"],
    ["S-24004", "M1001", "18.03.2024 19:30", "Hepsiburada", "İptal Edildi", "349,99 TL"],
    ["S-24005", "M1004", "01.04.2024 10:00", "Mağaza", "Tamamlandı", "12.750,00 TL"],
    ["S-24006", "M1002", "03.04.2024 13:15", "Trendyol", "İade", "-89,90 TL"],
    ["S-24007", "M1005", "20.04.2024", "Telefon", "Tamamlandı", "560 TL"],
    ["S-24008", "M1006", "23.04.2024 15:00", "Uygulama", "Tamamlandı", "1.050,00"],
    ["S-24009", "M1003", "02.05.2024 09:45", "Mağaza", "Tamamlandı", "4.300 TL"],
]

# --------------------------------------------------------------------------- the Philippines

CUSTOMERS_PH = [
    ["Numero ng Customer", "Pangalan", "Telepono", "Email", "Kaarawan", "Kasarian"],
    ["PH-001", "Maria Santos", "0917 123 4567", "maria.santos@gmail.com", date(1991, 6, 12), "Babae"],
    ["PH-002", "Jose Dela Cruz", "+63 918 234 5678", "jose.delacruz@yahoo.com", date(1986, 1, 30), "Lalaki"],
    ["PH-003", "Ana Reyes", "0920 345 6789", "ana.reyes@gmail.com", None, "Babae"],
    ["PH-004", "Juan Bautista", "0998 456 7890", None, date(1979, 10, 5), "Lalaki"],
    ["PH-005", "Liza Peña", "0905 567 8901", "liza.pena@gmail.com", date(1995, 4, 22), "Babae"],
]

_MARIA = ["Maria Santos", "0917 123 4567", "maria.santos@gmail.com"]
_CARMELA = ["Carmela Muñoz", "0927 111 2233", "carmela.munoz@gmail.com"]
_RAMON = ["Ramon Nuñez", "0939 222 3344", ""]
_DONE_PH = "Kumpleto"

ORDERS_PH = [
    ["Pangalan", "Telepono", "Email", "Petsa", "Kabuuan", "Katayuan", "Channel"],
    [*_MARIA, "03/05/2024 2:20 PM", "PHP 1,250.00", _DONE_PH, "Tindahan"],
    ["Jose Dela Cruz", "09182345678", "", "03/07/2024 10:05 AM", "PHP 899.50", _DONE_PH, "Lazada"],
    [*_CARMELA, "03/09/2024 6:45 PM", "PHP 2,340.00", _DONE_PH, "Online"],
    [*_RAMON, "04/02/2024 11:30 AM", "PHP 450", _DONE_PH, "Tindahan"],
    [*_MARIA, "04/06/2024 3:00 PM", "PHP 675.25", _DONE_PH, "Zalora"],
    ["Liza Peña", "0905 567 8901", "liza.pena@gmail.com", "04/10/2024 1:15 PM", "-PHP 1,980.00", "Ibinalik"]
    + ["Online"],
    [*_CARMELA, "05/04/2024 9:00 AM", "PHP 3,150.00", _DONE_PH, "Zalora"],
    [*_RAMON, "05/11/2024 4:40 PM", "PHP 450", "Kanselado", "Tindahan"],
    ["Ana Reyes", "0920 345 6789", "ana.reyes@gmail.com", "05/12/2024 12:00 PM", "PHP 520.00", _DONE_PH]
    + ["Tindahan"],
]

# A point of sale whose check number is under a header no list knows.
ORDERS_PH_CHECKS = [
    ["Chk #", "Petsa", "Pangalan", "Telepono", "Server", "Kabuuan"],
    ["CHK-0603-0041", "2024-06-03 12:10", *_MARIA[:2], "Joy", "1,250.00"],
    ["CHK-0603-0042", "2024-06-03 12:25", "Jose Dela Cruz", "0918 234 5678", "Joy", "899.50"],
    ["CHK-0603-0043", "2024-06-03 13:05", *_CARMELA[:2], "Ben", "2,340.00"],
    ["CHK-0604-0044", "2024-06-04 18:40", *_MARIA[:2], "Ben", "450.00"],
    ["CHK-0604-0045", "2024-06-04 19:15", *_RAMON[:2], "Joy", "675.25"],
    ["CHK-0604-0046", "2024-06-04 20:00", "Liza Peña", "0905 567 8901", "Ben", "3,150.00"],
]

# --------------------------------------------------------------------------- the catalogue

SAMPLES = (
    Sample(
        "customers_th_cp874.csv",
        "TH",
        "customers",
        "--source pos-th",
        "Windows-874 (TIS-620) Thai, commas; Thai headers; Buddhist-era birthdays (2533 = 1990), "
        "Thai genders and tags; phones as people type them; an unknown column (สาขา, the branch) "
        "kept as a custom attribute",
        Counts(read=8, created=8, customers_created=8),
        lambda: _csv(CUSTOMERS_TH, encoding="cp874"),
    ),
    Sample(
        "orders_th_buddhist.csv",
        "TH",
        "orders",
        "--source pos-th",
        "UTF-8 with a BOM (Excel's CSV UTF-8); one row per order; Buddhist-era d/m/Y dates with and "
        "without a time; amounts 1,250.00, ฿350, 2,990 บาท; Thai channels and statuses; a return "
        "(คืนสินค้า, -450.00), a refund and a cancellation",
        Counts(read=12, created=12),
        lambda: _csv(ORDERS_TH_BUDDHIST, encoding="utf-8-sig"),
    ),
    Sample(
        "orders_th_lines.xlsx",
        "TH",
        "orders",
        "--source pos-th",
        "XLSX with date-time and number cells; one row per order line (product, category, quantity, "
        "unit price) making 5 orders and 5 products; a returned line with quantity -1",
        Counts(read=8, created=8),
        lambda: _xlsx(ORDERS_TH_LINES, "คำสั่งซื้อ"),
    ),
    Sample(
        "orders_th_pos_bills.csv",
        "TH",
        "orders",
        "--source pos-th",
        "a restaurant point of sale's bills: the bill number as เลขที่บิล, Buddhist-era dates, members "
        "by their customer id; a bill number exported twice with another day and amount (the later "
        "row rejected, its reason naming the date and amount columns); the sale type, table and "
        "cashier columns listed as not imported",
        Counts(read=7, created=6, rejected=1),
        lambda: _csv(ORDERS_TH_BILLS, encoding="utf-8-sig"),
        ORDERS_TH_BILLS_NOTES,
    ),
    Sample(
        "orders_en_currencies.csv",
        "TH",
        "orders",
        "--source web-th",
        "UTF-8 without a BOM, English headers; ISO dates with and without a time or UTC offset; "
        "orders in USD and EUR converted to THB at the day's rate (US$45.00, €120.50, 12.50 USD); "
        "customers named by e-mail: two found, two created; a return marked in a Return column",
        Counts(read=7, created=7, customers_created=2, customers_matched=2),
        lambda: _csv(ORDERS_EN_CURRENCIES),
    ),
    Sample(
        "customers_bad_rows.csv",
        "TH",
        "customers",
        "--source pos-th",
        "one customer row of each kind that is rejected (listed below), between good ones",
        Counts(read=9, created=2, rejected=7, customers_created=2),
        lambda: _csv(CUSTOMERS_BAD),
        CUSTOMERS_BAD_NOTES,
    ),
    Sample(
        "orders_bad_rows.csv",
        "TH",
        "orders",
        "--source pos-th",
        "one order row of each kind that is rejected (listed below), between good ones",
        Counts(read=24, created=4, rejected=20),
        lambda: _csv(ORDERS_BAD),
        ORDERS_BAD_NOTES,
    ),
    Sample(
        "customers_vn_cp1258.csv",
        "VN",
        "customers",
        "--source pos-vn",
        "Windows-1258 Vietnamese (tones written as combining marks), commas; Vietnamese headers; "
        "d/m/Y birthdays; Nam/Nữ; a city column kept as a custom attribute",
        Counts(read=6, created=6, customers_created=6),
        lambda: _csv(CUSTOMERS_VN, encoding="cp1258"),
    ),
    Sample(
        "orders_vn_lines_utf16.txt",
        "VN",
        "orders",
        "--source pos-vn",
        "UTF-16 with tabs (Excel's Unicode text; the name does not matter); one row per order line; "
        "VND amounts 29.000, 1.250.000, 25.000 ₫, 45.000đ, 29.000 VNĐ; d/m/Y dates; a return "
        "(Trả hàng, quantity -1) and a cancellation (Đã hủy)",
        Counts(read=9, created=9),
        lambda: _csv(ORDERS_VN_LINES, encoding="utf-16", delimiter="\t"),
    ),
    Sample(
        "customers_tr_cp1254.csv",
        "TR",
        "customers",
        "--source pos-tr",
        "Windows-1254 Turkish, semicolons; Turkish headers; d.m.Y birthdays; Kadın/Erkek; a second "
        "customer number whose e-mail is known (M1007): added to that customer, not a new one",
        Counts(read=7, created=6, updated=1, customers_created=6, customers_matched=1),
        lambda: _csv(CUSTOMERS_TR, encoding="cp1254", delimiter=";"),
    ),
    Sample(
        "orders_tr_cp1254.csv",
        "TR",
        "orders",
        "--country TR --source pos-tr",
        "Windows-1254, semicolons; one row per order; amounts 1.234,56 TL, 89,90 TL, 4.300 TL; "
        "d.m.Y dates with and without a time; Trendyol and Hepsiburada; a return (İade, -89,90 TL) "
        "and a cancellation",
        Counts(read=9, created=9),
        lambda: _csv(ORDERS_TR, encoding="cp1254", delimiter=";"),
    ),
    Sample(
        "customers_ph.xlsx",
        "PH",
        "customers",
        "--source shop-ph",
        "XLSX with date cells; Filipino headers; Babae/Lalaki",
        Counts(read=5, created=5, customers_created=5),
        lambda: _xlsx(CUSTOMERS_PH, "Mga Customer"),
    ),
    Sample(
        "orders_ph_mdy_cp1252.csv",
        "PH",
        "orders",
        "--date-order mdy --source chat-ph",
        "Windows-1252 (Peña, Muñoz), pipes; orders without order numbers (known by a fingerprint); "
        "m/d/Y dates with AM/PM, which need --date-order mdy; PHP 1,250.00; customers named by "
        "e-mail or phone: four found, two created; a return (Ibinalik) and a cancellation",
        Counts(read=9, created=9, customers_created=2, customers_matched=4),
        lambda: _csv(ORDERS_PH, encoding="cp1252", delimiter="|"),
    ),
    Sample(
        "orders_ph_pos_checks.csv",
        "PH",
        "orders",
        "--source pos-ph",
        "a point of sale whose check number is under a header no list knows (Chk #): its values, one "
        "document number per order, make it the order number, and the import says so; customers "
        "found by phone; the server column listed as not imported",
        Counts(read=6, created=6, customers_matched=5),
        lambda: _csv(ORDERS_PH_CHECKS),
    ),
)


# --------------------------------------------------------------------------- README and entry point


_COUNTS = ("read", "created", "updated", "rejected", "customers_created", "customers_matched")


def readme():
    """samples/README.md: per shop, each file, what it shows, how to import it and what that reports."""
    lines = [
        "# Sample import files",
        "",
        "Small exports of the kinds `patron import` reads, each showing some of its cases. They are",
        "made by `patron samples` (from `patron/imports/samples.py`): do not edit them by hand. A",
        "shop's files are imported in the order listed, customers before the orders that name them,",
        "into a workspace of that shop's country, currency and time zone. To try a shop in a fresh",
        "data folder:",
        "",
        "```sh",
        "export PATRON_DATA_DIR=var/samples-tr PATRON_COUNTRY=TR TIME_ZONE=Europe/Istanbul",
        ".venv/bin/patron migrate && .venv/bin/patron createsuperuser",
        "```",
        "",
        "then run its commands (`.venv/bin/patron` in a checkout). The numbers are what the first",
        "import reports (`--json` prints them); importing a file again creates nothing: its rows are",
        "unchanged, its bad rows rejected again. Rejected rows go to `samples/<file>.rejects.csv`.",
    ]
    for code, shop in SHOPS.items():
        lines += [
            "",
            f"## {shop.about} ({shop.country}, {shop.currency}, {shop.time_zone})",
            "",
            "| file | what it shows | command | " + " | ".join(c.replace("_", " ") for c in _COUNTS) + " |",
            "| --- | --- | --- |" + " ---: |" * len(_COUNTS),
        ]
        ours = [sample for sample in SAMPLES if sample.shop == code]
        for sample in ours:
            counts = " | ".join(str(getattr(sample.counts, name)) for name in _COUNTS)
            lines.append(f"| `{sample.name}` | {sample.shows} | `{sample.command}` | {counts} |")
        if shop.rates:
            currencies = " and ".join(sorted({currency for currency, _day in shop.rates}))
            lines += [
                "",
                f"Orders in {currencies} need these exchange rates into {shop.currency} first "
                "(Django's admin at `/admin/`, *Exchange rates*):",
                "",
                "| currency | date | rate |",
                "| --- | --- | ---: |",
                *(f"| {currency} | {day} | {rate} |" for (currency, day), rate in shop.rates.items()),
            ]
        for sample in ours:
            if sample.bad_rows:
                lines += ["", f"### The rejected rows of `{sample.name}`", ""]
                lines += [f"- row {number}: {note}" for number, note in sample.bad_rows]
    return "\n".join(lines) + "\n"


def sample_files():
    """{file name: bytes} of every file the samples folder holds."""
    files = {sample.name: sample.content() for sample in SAMPLES}
    files["README.md"] = readme().encode()
    files[".gitignore"] = b"*.rejects.csv\n"
    return files


def write_samples(folder):
    """Write every sample file into ``folder`` (made if missing); returns their paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in sample_files().items():
        path = folder / name
        path.write_bytes(content)
        written.append(path)
    return written
