"""Small sample files for `patron import`, one per case an export brings: made here, kept in samples/.

    patron samples                # (re)writes samples/ and samples/README.md
    patron samples --out /tmp/s

Every file is written from the rows below, deterministically, so the copies in the
repository can be checked against this generator (patron/imports/tests/test_samples.py),
and every sample states what importing it gives, which that test checks too.
"""

import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import openpyxl

FIXED_TIME = datetime(2024, 1, 1)  # for the XLSX file's own dates, so that it does not change


@dataclass(frozen=True)
class Sample:
    name: str
    kind: str  # "customers" or "orders"
    shows: str
    header: list[str]
    rows: list[list[str]]
    encoding: str = "utf-8"
    delimiter: str = ","
    options: list[str] = field(default_factory=list)
    workspace: str = "TH"  # the workspace country the counts are for (its currency and zone)
    expect: dict = field(default_factory=dict)  # the summary's counts on a first import

    @property
    def command(self):
        return " ".join(["patron import", self.kind, f"samples/{self.name}", *self.options])


THAI_CUSTOMERS = Sample(
    name="customers_th.csv",
    kind="customers",
    shows="UTF-8 with BOM, Thai headers, local phones, Buddhist-era birthdays (detected), gender words",
    header=["รหัสลูกค้า", "ชื่อ", "เบอร์โทร", "อีเมล", "วันเกิด", "เพศ", "สาขา"],
    rows=[
        ["TH001", "สมศรี ใจดี", "081 234 5678", "somsri@example.co.th", "14/02/2528", "หญิง", "สยาม"],
        ["TH002", "สมชาย รักดี", "089-765-4321", "somchai.r@example.co.th", "01/12/2530", "ชาย", "ลาดพร้าว"],
        ["TH003", "มาลี ศรีสุข", "02 123 4567", "", "30/06/2535", "", "สยาม"],
        ["TH004", "วิชัย มั่นคง", "0812345", "wichai@example", "31/02/2533", "ชาย", "บางนา"],
    ],
    encoding="utf-8-sig",
    options=["--source", "pos-th", "--country", "TH"],
    expect={"read": 4, "created": 3, "rejected": 1},
)
VIETNAMESE_CUSTOMERS = Sample(
    name="customers_vn_cp1258.csv",
    kind="customers",
    shows="Windows-1258 (tones as combining marks), semicolons, Vietnamese headers, day-first dates",
    header=["Mã KH", "Họ tên", "SĐT", "Email", "Ngày sinh"],
    rows=[
        ["VN001", "Nguyễn Văn An", "0901 234 567", "an.nguyen@example.vn", "25/03/1990"],
        ["VN002", "Trần Thị Bích", "0912 345 678", "bich.tran@example.vn", "05/11/1988"],
        ["VN003", "Lê Hoàng Nam", "+84 93 456 7890", "", "17/07/1995"],
    ],
    encoding="cp1258",
    delimiter=";",
    options=["--source", "pos-vn", "--country", "VN"],
    workspace="VN",
    expect={"read": 3, "created": 3, "rejected": 0},
)
TURKISH_CUSTOMERS = Sample(
    name="customers_tr_cp1254.csv",
    kind="customers",
    shows="Windows-1254, semicolons, Turkish headers, dotted dates, one e-mail twice (matched)",
    header=["Müşteri No", "Ad Soyad", "Cep Telefonu", "E-posta", "Doğum Tarihi"],
    rows=[
        ["TR001", "Şükrü Işık", "0532 123 45 67", "sukru@example.com.tr", "23.04.1985"],
        ["TR002", "Ayşe Çelik", "0533 987 65 43", "ayse@example.com.tr", "19.05.1992"],
        ["TR003", "Ayşe Çelik", "", "AYSE@example.com.tr", ""],
    ],
    encoding="cp1254",
    delimiter=";",
    options=["--source", "pos-tr", "--country", "TR"],
    workspace="TR",
    expect={"read": 3, "created": 2, "updated": 1, "rejected": 0, "customers_matched": 1},
)
FILIPINO_CUSTOMERS = Sample(
    name="customers_ph.xlsx",
    kind="customers",
    shows="XLSX, Filipino headers, month-first dates (needs --date-order mdy), tags",
    header=["Numero ng Customer", "Pangalan", "Telepono", "Email", "Kaarawan", "Tags"],
    rows=[
        ["PH001", "Juan dela Cruz", "0917 123 4567", "juan@example.ph", "03/05/1990", "suki"],
        ["PH002", "Maria Santos", "0918 765 4321", "maria@example.ph", "12/11/1987", "suki; vip"],
        ["PH003", "Jose Rizal", "0919 555 0000", "", "06/19/1991", ""],
    ],
    options=["--source", "pos-ph", "--country", "PH", "--date-order", "mdy"],
    workspace="PH",
    expect={"read": 3, "created": 3, "rejected": 0},
)
ENGLISH_CUSTOMERS = Sample(
    name="customers_utf16.tsv",
    kind="customers",
    shows="UTF-16 with tabs, English headers, an unmapped column kept as a typed attribute",
    header=["Customer ID", "First name", "Last name", "Mobile", "Email", "Points"],
    rows=[
        ["EN001", "Anan", "Kittisak", "+66 81 111 2222", "anan@example.com", "1200"],
        ["EN002", "Ploy", "Wongsa", "+66 82 333 4444", "ploy@example.com", "35"],
    ],
    encoding="utf-16",
    delimiter="\t",
    options=["--source", "web"],
    expect={"read": 2, "created": 2, "rejected": 0},
)
WESTERN_CUSTOMERS = Sample(
    name="customers_cp1252_pipe.csv",
    kind="customers",
    shows="Windows-1252 with | between fields, accented Latin names",
    header=["external id", "name", "email", "country"],
    rows=[
        ["EU001", "Zoë Müller", "zoe@example.de", "DE"],
        ["EU002", "François Lefèvre", "francois@example.fr", "FR"],
    ],
    encoding="cp1252",
    delimiter="|",
    options=["--source", "eu-shop"],
    expect={"read": 2, "created": 2, "rejected": 0},
)
THAI_ORDERS = Sample(
    name="orders_th.csv",
    kind="orders",
    shows="One row per order, Thai headers, Buddhist-era dates with times, ฿ and thousands commas",
    header=["เลขที่ใบเสร็จ", "รหัสลูกค้า", "วันที่", "ยอดรวม", "ช่องทาง"],
    rows=[
        ["R0001", "TH001", "05/03/2567 14:20", "฿1,250.00", "หน้าร้าน"],
        ["R0002", "TH001", "20/03/2567 09:05", "฿99.50", "Shopee"],
        ["R0003", "TH002", "01/04/2567 18:30", "420", "ออนไลน์"],
    ],
    options=["--source", "pos-th", "--country", "TH"],
    expect={"read": 3, "created": 3, "rejected": 0},
)
VIETNAMESE_LINES = Sample(
    name="orders_vn_lines.csv",
    kind="orders",
    shows="One row per order line, Vietnamese headers, VND with dots for thousands, products",
    header=["Mã đơn", "Mã KH", "Ngày", "Mã SP", "Sản phẩm", "Số lượng", "Đơn giá"],
    rows=[
        ["D001", "VN001", "05/03/2024 08:15", "CF-01", "Cà phê sữa đá", "2", "35.000"],
        ["D001", "VN001", "05/03/2024 08:15", "BM-01", "Bánh mì thịt", "1", "25.000"],
        ["D002", "VN002", "06/03/2024 12:40", "CF-01", "Cà phê sữa đá", "1", "35.000"],
        ["D003", "VN003", "07/03/2024 07:55", "TR-01", "Trà đá", "3", "5.000"],
    ],
    options=["--source", "pos-vn", "--country", "VN", "--date-order", "dmy"],
    workspace="VN",
    expect={"read": 4, "created": 4, "rejected": 0},
)
TURKISH_ORDERS = Sample(
    name="orders_tr.csv",
    kind="orders",
    shows="Turkish amounts (1.234,56 TL), dotted dates, Turkish status words, a return",
    header=["Sipariş No", "Müşteri No", "Sipariş Tarihi", "Tutar", "Durum"],
    rows=[
        ["T-1001", "TR001", "05.03.2024 14:20", "1.234,56 TL", "Tamamlandı"],
        ["T-1002", "TR002", "06.03.2024 10:00", "89,90 TL", "Tamamlandı"],
        ["T-1003", "TR002", "08.03.2024 16:45", "-89,90 TL", "İade"],
    ],
    options=["--source", "pos-tr", "--country", "TR", "--date-order", "dmy"],
    workspace="TR",
    expect={"read": 3, "created": 3, "rejected": 0},
)
ORDERS_WITH_CUSTOMERS = Sample(
    name="orders_web_customers.csv",
    kind="orders",
    shows="Orders carrying the customer's own columns (found by e-mail/phone or created), no order numbers",
    header=["Customer name", "Phone", "Email", "Order date", "Amount", "Channel"],
    rows=[
        ["Somsri Jaidee", "", "somsri@example.co.th", "2024-03-10T10:00:00+07:00", "350.00", "web"],
        ["Nok Chaiyo", "081 999 8888", "", "2024-03-11 11:30", "120.00", "app"],
        ["Nok C.", "+66819998888", "", "2024-03-12 19:00", "80.00", "app"],
    ],
    options=["--source", "web", "--country", "TH"],
    expect={"read": 3, "created": 3, "rejected": 0, "customers_created": 1, "customers_matched": 2},
)
BAD_ORDERS = Sample(
    name="orders_bad_rows.csv",
    kind="orders",
    shows="One row of each kind an import rejects, with the reason in orders_bad_rows.rejects.csv",
    header=["order_id", "customer_id", "date", "total", "currency", "quantity", "sku"],
    rows=[
        ["B1", "TH001", "2024-03-05", "100.00", "THB", "1", "X-1"],  # fine
        ["B2", "TH001", "2024-02-30", "100.00", "THB", "1", "X-1"],  # not a date
        ["B3", "TH001", "2024-03-05", "100.00", "THB", "-1", "X-1"],  # negative quantity
        ["B4", "TH001", "2024-03-05", "100.00", "XYZ", "1", "X-1"],  # unknown currency
        ["B5", "", "2024-03-05", "100.00", "THB", "1", "X-1"],  # no customer
        ["B1", "TH002", "2024-03-06", "100.00", "THB", "1", "X-1"],  # order number read before
        ["B6", "TH001", "2024-03-05", "-100.00", "THB", "1", "X-1"],  # negative, not a return
        ["B7", "NOBODY", "2024-03-05", "100.00", "THB", "1", "X-1"],  # unknown customer id
        ["B8", "TH001", "2024-03-05", "100.00", "USD", "1", "X-1"],  # no USD rate that day
        ["B9", "TH001", "2099-03-05", "100.00", "THB", "1", "X-1"],  # in the future
    ],
    options=["--source", "pos-th"],
    expect={"read": 10, "created": 1, "rejected": 9},
)

SAMPLES = [
    THAI_CUSTOMERS,
    VIETNAMESE_CUSTOMERS,
    TURKISH_CUSTOMERS,
    FILIPINO_CUSTOMERS,
    ENGLISH_CUSTOMERS,
    WESTERN_CUSTOMERS,
    THAI_ORDERS,
    VIETNAMESE_LINES,
    TURKISH_ORDERS,
    ORDERS_WITH_CUSTOMERS,
    BAD_ORDERS,
]


def write_sample(sample: Sample, directory: Path) -> Path:
    path = directory / sample.name
    if path.suffix == ".xlsx":
        book = openpyxl.Workbook()
        book.properties.created = book.properties.modified = FIXED_TIME
        sheet = book.active
        sheet.title = "Customers" if sample.kind == "customers" else "Orders"
        sheet.append(sample.header)
        for row in sample.rows:
            sheet.append(row)
        book.save(path)
        return path
    lines = [sample.header, *sample.rows]
    text = "".join(
        sample.delimiter.join(_quoted(cell, sample.delimiter) for cell in line) + "\r\n" for line in lines
    )
    path.write_bytes(_cp1258(text) if sample.encoding == "cp1258" else text.encode(sample.encoding))
    return path


_TONES = "\u0300\u0301\u0303\u0309\u0323"


def _cp1258(text):
    """Windows-1258 as Vietnamese tools write it: the letter (â, ơ...) and then its tone mark."""
    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            tone = "".join(c for c in parts if c in _TONES)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
            out += (base + tone).encode("cp1258")
    return bytes(out)


def _quoted(cell, delimiter):
    if delimiter in cell or '"' in cell or "\n" in cell:
        return '"' + cell.replace('"', '""') + '"'
    return cell


def readme() -> str:
    lines = [
        "# Sample import files",
        "",
        "Made by `patron samples` (patron/imports/samples.py); do not edit them by hand. Each shows",
        "a case real exports bring. The counts are what a first import gives in a workspace of the",
        "country named (its currency and time zone); import the customers of a country before its",
        "orders, which refer to them. A second import of any of them creates nothing.",
        "",
        "| file | shows | command | workspace | first import |",
        "| --- | --- | --- | --- | --- |",
    ]
    for sample in SAMPLES:
        counts = ", ".join(f"{key.replace('_', ' ')} {value}" for key, value in sample.expect.items())
        lines.append(
            f"| `{sample.name}` | {sample.shows} | `{sample.command}` | {sample.workspace} | {counts} |"
        )
    return "\n".join(lines) + "\n"


def write_samples(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = [write_sample(sample, directory) for sample in SAMPLES]
    (directory / "README.md").write_text(readme(), encoding="utf-8")
    return paths
