from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings

from patron.imports.headers import (
    AMBIGUOUS,
    FIELDS,
    OTHER_NUMBERS,
    MappingProblem,
    ambiguous_columns,
    apply_overrides,
    guess_mapping,
    header_key,
    header_table,
    name_key,
    names_another_number,
    unmapped_columns,
)

CUSTOMER_HEADERS = {
    "external_id": [
        "id",
        "customer id",
        "รหัสลูกค้า",
        "Mã KH",
        "Mã khách hàng",
        "Müşteri No",
        "Müşteri Kodu",
        "Customer No.",
    ],
    "display_name": [
        "name",
        "ชื่อ",
        "ชื่อ-นามสกุล",
        "Họ tên",
        "Họ và tên",
        "Ad Soyad",
        "Adı Soyadı",
        "Pangalan",
        "Buong Pangalan",
    ],
    "given_name": ["first name", "ชื่อจริง", "Tên", "Ad", "Unang Pangalan"],
    "family_name": ["last name", "นามสกุล", "Họ", "Soyad", "Apelyido"],
    "email": ["email", "e-mail", "อีเมล", "Thư điện tử", "E-posta"],
    "phone": [
        "phone",
        "mobile",
        "tel",
        "เบอร์โทร",
        "โทรศัพท์",
        "Số điện thoại",
        "SĐT",
        "Telefon",
        "Cep Tel",
        "Telepono",
        "Cellphone",
    ],
    "country": ["country", "ประเทศ", "Quốc gia", "Ülke", "Bansa"],
    "birthday": ["birthday", "วันเกิด", "Ngày sinh", "Doğum Tarihi", "Kaarawan"],
    "gender": ["gender", "เพศ", "Giới tính", "Cinsiyet", "Kasarian"],
    "tags": ["tags", "แท็ก", "Nhãn", "Etiket"],
    "locale": ["locale", "language", "ภาษา", "Ngôn ngữ", "Dil", "Wika"],
}

ORDER_HEADERS = {
    "order_id": ["order id", "order no", "เลขที่ใบเสร็จ", "Mã đơn", "Mã đơn hàng", "Sipariş No", "Receipt No"],
    "customer_external_id": [
        "customer id",
        "รหัสลูกค้า",
        "Mã KH",
        "Mã khách hàng",
        "Müşteri No",
        "Customer No.",
    ],
    "customer_name": ["name", "ชื่อ", "Họ tên", "Ad Soyad", "Pangalan"],
    "customer_phone": ["phone", "เบอร์โทร", "SĐT", "Telefon", "Cellphone"],
    "customer_email": ["email", "อีเมล", "Thư điện tử", "E-posta"],
    "placed_at": ["date", "order date", "วันที่", "Ngày", "Ngày mua", "Tarih", "Sipariş Tarihi", "Petsa"],
    "status": ["status", "สถานะ", "Trạng thái", "Durum", "Katayuan"],
    "channel": ["channel", "ช่องทาง", "Kênh bán hàng", "Kanal", "Satış Kanalı"],
    "currency": ["currency", "สกุลเงิน", "Tiền tệ", "Para Birimi"],
    "total": [
        "total",
        "amount",
        "ยอดรวม",
        "จำนวนเงิน",
        "Tổng tiền",
        "Thành tiền",
        "Tutar",
        "Toplam",
        "Kabuuan",
        "Halaga",
    ],
    "sku": ["sku", "รหัสสินค้า", "Mã SP", "Mã hàng", "Stok Kodu", "Ürün Kodu"],
    "product_name": ["product name", "ชื่อสินค้า", "Tên sản phẩm", "Ürün Adı", "Produkto"],
    "category": ["category", "หมวดหมู่", "Danh mục", "Kategori"],
    "quantity": ["qty", "quantity", "จำนวน", "Số lượng", "Adet", "Miktar", "Dami"],
    "unit_price": [
        "price",
        "unit price",
        "ราคา",
        "ราคาต่อหน่วย",
        "Đơn giá",
        "Birim Fiyat",
        "Fiyat",
        "Presyo",
    ],
    "is_return": ["return", "คืนสินค้า", "Trả hàng", "İade"],
}


def _cases(table):
    return [(header, field) for field, headers in table.items() for header in headers]


@pytest.mark.parametrize(("header", "field"), _cases(CUSTOMER_HEADERS))
def test_customer_header_is_recognised(header, field):
    assert guess_mapping("customers", [header]) == {header: field}


@pytest.mark.parametrize(("header", "field"), _cases(ORDER_HEADERS))
def test_order_header_is_recognised(header, field):
    assert guess_mapping("orders", [header]) == {header: field}


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("CUSTOMER ID", "external_id"),
        ("customer_id", "external_id"),
        ("Customer-Id", "external_id"),
        ("MA KH", "external_id"),
        ("ma_khach_hang", "external_id"),
        ("MÜŞTERİ NO", "external_id"),
        ("musteri no", "external_id"),
        ("  E-Mail  ", "email"),
        ("sdt", "phone"),
        ("Ho va ten", "display_name"),
        ("Phone (mobile)", "phone"),
    ],
)
def test_headers_match_whatever_their_case_accents_and_punctuation(header, field):
    assert guess_mapping("customers", [header]) == {header: field}


def test_bracketed_currency_note_is_ignored():
    assert guess_mapping("orders", ["Total (THB)"]) == {"Total (THB)": "total"}


def test_header_key_folds_case_accents_and_punctuation():
    assert header_key("Mã KH") == header_key("ma_kh") == header_key("MÃ-KH") == "makh"


def test_header_key_keeps_thai_marks():
    assert header_key("ชื่อ") != header_key("ชอ")


def test_each_field_is_mapped_once_and_the_first_column_wins():
    mapping = guess_mapping("customers", ["Phone", "Mobile", "Name"])
    assert mapping == {"Phone": "phone", "Name": "display_name"}


def test_unrecognised_columns_are_unmapped():
    header = ["Mã KH", "Họ tên", "Ghi chú", "Loyalty Tier"]
    mapping = guess_mapping("customers", header)
    assert unmapped_columns(header, mapping) == ["Ghi chú", "Loyalty Tier"]


def test_the_same_name_maps_to_a_kinds_own_field():
    assert guess_mapping("orders", ["id", "name"]) == {"id": "order_id", "name": "customer_name"}
    assert guess_mapping("customers", ["id", "name"]) == {"id": "external_id", "name": "display_name"}


def test_a_full_vietnamese_order_header():
    header = [
        "Mã đơn hàng",
        "Ngày mua",
        "Mã KH",
        "SĐT",
        "Mã SP",
        "Tên sản phẩm",
        "Số lượng",
        "Đơn giá",
        "Thành tiền",
    ]
    assert guess_mapping("orders", header) == {
        "Mã đơn hàng": "order_id",
        "Ngày mua": "placed_at",
        "Mã KH": "customer_external_id",
        "SĐT": "customer_phone",
        "Mã SP": "sku",
        "Tên sản phẩm": "product_name",
        "Số lượng": "quantity",
        "Đơn giá": "unit_price",
        "Thành tiền": "total",
    }


@pytest.mark.parametrize("kind", sorted(FIELDS))
def test_no_header_name_belongs_to_two_fields_of_a_kind(kind):
    keys = Counter(key for names in FIELDS[kind].values() for key in set(map(name_key, names)))
    assert [key for key, count in keys.items() if count > 1] == []


def test_unknown_kind_is_refused():
    with pytest.raises(MappingProblem, match="Unknown import kind"):
        guess_mapping("products", ["sku"])


def test_override_maps_an_unrecognised_column():
    header = ["Mã KH", "Ghi chú"]
    mapping = apply_overrides(guess_mapping("customers", header), ["Ghi chú=tags"], header, kind="customers")
    assert mapping == {"Mã KH": "external_id", "Ghi chú": "tags"}


def test_override_moves_a_field_from_the_guessed_column():
    header = ["Phone", "Mobile"]
    mapping = apply_overrides(guess_mapping("customers", header), ["Mobile=phone"], header, kind="customers")
    assert mapping == {"Mobile": "phone"}


def test_override_with_no_field_unmaps_the_column():
    header = ["id", "name"]
    mapping = apply_overrides(guess_mapping("customers", header), ["id="], header, kind="customers")
    assert mapping == {"name": "display_name"}


def test_override_column_may_be_written_folded():
    header = ["Mã KH", "Ghi chú"]
    assert apply_overrides({}, ["ghi chu=tags"], header) == {"Ghi chú": "tags"}


def test_override_does_not_change_the_given_mapping():
    mapping = {"id": "external_id"}
    apply_overrides(mapping, ["id="], ["id"])
    assert mapping == {"id": "external_id"}


def test_override_for_an_unknown_column_is_refused():
    with pytest.raises(MappingProblem, match="no column 'Notes'; its columns are: id, name"):
        apply_overrides({}, ["Notes=tags"], ["id", "name"], kind="customers")


def test_override_to_an_unknown_field_is_refused():
    with pytest.raises(MappingProblem, match="unknown field 'nickname'"):
        apply_overrides({}, ["name=nickname"], ["id", "name"], kind="customers")


def test_override_to_another_kinds_field_is_refused():
    with pytest.raises(MappingProblem, match="unknown field 'sku'"):
        apply_overrides({}, ["name=sku"], ["id", "name"], kind="customers")


def test_override_without_equals_is_refused():
    with pytest.raises(MappingProblem, match="column=field"):
        apply_overrides({}, ["name"], ["name"], kind="customers")


def test_override_without_a_column_is_refused():
    with pytest.raises(MappingProblem, match="column name is missing"):
        apply_overrides({}, ["=tags"], ["name"], kind="customers")


def test_override_naming_two_folded_columns_is_refused():
    with pytest.raises(MappingProblem, match="several columns"):
        apply_overrides({}, ["ma kh=external_id"], ["Mã KH", "MA-KH"], kind="customers")


# Header rows of real exports, as each system writes them, and what their columns are read as.
EXPORTS = {
    "Shopee, Thai": (
        ["หมายเลขคำสั่งซื้อ", "สถานะการสั่งซื้อ", "ชื่อผู้ใช้ (ผู้ซื้อ)", "วันที่ทำการสั่งซื้อ", "*หมายเลขติดตามพัสดุ"]
        + ["เลขอ้างอิง SKU (SKU Reference No.)", "ชื่อสินค้า", "ราคาตั้งต้น", "ราคาขาย", "จำนวน"]
        + ["จำนวนเงินทั้งหมด", "ชื่อผู้รับ", "หมายเลขโทรศัพท์", "ชื่อ"],
        {
            "หมายเลขคำสั่งซื้อ": "order_id",
            "สถานะการสั่งซื้อ": "status",
            "ชื่อผู้ใช้ (ผู้ซื้อ)": "customer_external_id",
            "วันที่ทำการสั่งซื้อ": "placed_at",
            "เลขอ้างอิง SKU (SKU Reference No.)": "sku",
            "ชื่อสินค้า": "product_name",
            "ราคาขาย": "unit_price",
            "จำนวน": "quantity",
            "จำนวนเงินทั้งหมด": "order_total",
            "ชื่อผู้รับ": "customer_name",
            "หมายเลขโทรศัพท์": "customer_phone",
        },
    ),
    "Shopee, English": (
        [
            "Order ID",
            "Order Status",
            "Order Creation Date",
            "Username (Buyer)",
            "Receiver Name",
            "Phone Number",
        ]
        + ["Product Name", "SKU Reference No.", "Original Price", "Deal Price", "Quantity", "Grand Total"],
        {
            "Order ID": "order_id",
            "Order Status": "status",
            "Order Creation Date": "placed_at",
            "Username (Buyer)": "customer_external_id",
            "Receiver Name": "customer_name",
            "Phone Number": "customer_phone",
            "Product Name": "product_name",
            "SKU Reference No.": "sku",
            "Deal Price": "unit_price",
            "Quantity": "quantity",
            "Grand Total": "order_total",
        },
    ),
    "Shopee, Vietnamese": (
        ["Mã đơn hàng", "Ngày đặt hàng", "Trạng Thái Đơn Hàng", "Mã vận đơn", "SKU phân loại hàng"]
        + ["Tên sản phẩm", "Giá gốc", "Giá ưu đãi", "Số lượng", "Tổng giá bán (sản phẩm)"]
        + ["Tổng giá trị đơn hàng (VND)", "Người Mua", "Tên Người nhận", "Số điện thoại"],
        {
            "Mã đơn hàng": "order_id",
            "Ngày đặt hàng": "placed_at",
            "Trạng Thái Đơn Hàng": "status",
            "SKU phân loại hàng": "sku",
            "Tên sản phẩm": "product_name",
            "Giá ưu đãi": "unit_price",
            "Số lượng": "quantity",
            "Tổng giá bán (sản phẩm)": "total",
            "Tổng giá trị đơn hàng (VND)": "order_total",
            "Tên Người nhận": "customer_name",
            "Số điện thoại": "customer_phone",
        },
    ),
    "Lazada": (
        ["orderItemId", "lazadaId", "sellerSku", "createTime", "orderNumber", "invoiceNumber"]
        + ["customerName", "customerEmail", "shippingName", "shippingPhone", "paidPrice", "unitPrice"]
        + ["itemName", "trackingCode", "status"],
        {
            "sellerSku": "sku",
            "createTime": "placed_at",
            "orderNumber": "order_id",
            "customerName": "customer_name",
            "customerEmail": "customer_email",
            "shippingPhone": "customer_phone",
            "paidPrice": "total",
            "unitPrice": "unit_price",
            "itemName": "product_name",
            "status": "status",
        },
    ),
    "TikTok Shop": (
        ["Order ID", "Order Status", "SKU ID", "Seller SKU", "Product Name", "Quantity"]
        + ["SKU Unit Original Price", "SKU Subtotal After Discount", "Order Amount", "Created Time"]
        + ["Tracking ID", "Buyer Username", "Recipient", "Phone #"],
        {
            "Order ID": "order_id",
            "Order Status": "status",
            "Seller SKU": "sku",
            "Product Name": "product_name",
            "Quantity": "quantity",
            "SKU Subtotal After Discount": "total",
            "Order Amount": "order_total",
            "Created Time": "placed_at",
            "Buyer Username": "customer_external_id",
            "Recipient": "customer_name",
            "Phone #": "customer_phone",
        },
    ),
    "KiotViet": (
        ["Mã hóa đơn", "Thời gian", "Mã khách hàng", "Khách hàng", "Điện thoại", "Tổng tiền hàng"]
        + [
            "Khách cần trả",
            "Mã hàng",
            "Tên hàng",
            "Số lượng",
            "Đơn giá",
            "Thành tiền",
            "Trạng thái",
            "Kênh bán",
        ],
        {
            "Mã hóa đơn": "order_id",
            "Thời gian": "placed_at",
            "Mã khách hàng": "customer_external_id",
            "Khách hàng": "customer_name",
            "Điện thoại": "customer_phone",
            "Khách cần trả": "order_total",
            "Mã hàng": "sku",
            "Tên hàng": "product_name",
            "Số lượng": "quantity",
            "Đơn giá": "unit_price",
            "Thành tiền": "total",
            "Trạng thái": "status",
            "Kênh bán": "channel",
        },
    ),
    "MISA": (
        ["Ngày chứng từ", "Số chứng từ", "Mã khách hàng", "Tên khách hàng", "Mã hàng", "Tên hàng"]
        + ["Số lượng", "Đơn giá", "Thành tiền"],
        {
            "Ngày chứng từ": "placed_at",
            "Số chứng từ": "order_id",
            "Mã khách hàng": "customer_external_id",
            "Tên khách hàng": "customer_name",
            "Mã hàng": "sku",
            "Tên hàng": "product_name",
            "Số lượng": "quantity",
            "Đơn giá": "unit_price",
            "Thành tiền": "total",
        },
    ),
    "Trendyol": (
        ["Sipariş Numarası", "Sipariş Tarihi", "Sipariş Statüsü", "Alıcı", "E-Posta", "Barkod", "Stok Kodu"]
        + ["Ürün Adı", "Adet", "Birim Fiyatı", "Satış Tutarı", "Faturalanacak Tutar", "Paket No"],
        {
            "Sipariş Numarası": "order_id",
            "Sipariş Tarihi": "placed_at",
            "Sipariş Statüsü": "status",
            "Alıcı": "customer_name",
            "E-Posta": "customer_email",
            "Stok Kodu": "sku",
            "Ürün Adı": "product_name",
            "Adet": "quantity",
            "Birim Fiyatı": "unit_price",
            "Faturalanacak Tutar": "total",
        },
    ),
    "Logo": (
        ["Fiş No", "Tarih", "Cari Kodu", "Cari Ünvanı", "Malzeme Kodu", "Malzeme Adı", "Miktar"]
        + ["Birim Fiyat", "Tutar", "Genel Toplam", "Döviz Cinsi"],
        {
            "Fiş No": "order_id",
            "Tarih": "placed_at",
            "Cari Kodu": "customer_external_id",
            "Cari Ünvanı": "customer_name",
            "Malzeme Kodu": "sku",
            "Malzeme Adı": "product_name",
            "Miktar": "quantity",
            "Birim Fiyat": "unit_price",
            "Tutar": "total",
            "Genel Toplam": "order_total",
            "Döviz Cinsi": "currency",
        },
    ),
    "Loyverse": (
        ["Date", "Receipt number", "Receipt type", "Gross sales", "Discounts", "Net sales", "Total collected"]
        + ["Payment type", "POS", "Store", "Cashier name", "Customer name", "Customer contacts", "Status"],
        {
            "Date": "placed_at",
            "Receipt number": "order_id",
            "Net sales": "total",
            "Total collected": "order_total",
            "Customer name": "customer_name",
            "Status": "status",
        },
    ),
    "Xero": (
        ["*ContactName", "EmailAddress", "*InvoiceNumber", "Reference", "*InvoiceDate", "Total"]
        + ["InventoryItemCode", "*Description", "*Quantity", "*UnitAmount", "LineAmount", "Currency"],
        {
            "*ContactName": "customer_name",
            "EmailAddress": "customer_email",
            "*InvoiceNumber": "order_id",
            "*InvoiceDate": "placed_at",
            "InventoryItemCode": "sku",
            "*Quantity": "quantity",
            "*UnitAmount": "unit_price",
            "LineAmount": "total",
            "Currency": "currency",
        },
    ),
    "FlowAccount": (
        ["เลขที่เอกสาร", "วันที่", "ชื่อลูกค้า", "เลขประจำตัวผู้เสียภาษี", "ยอดรวมสุทธิ", "สถานะ"],
        {"เลขที่เอกสาร": "order_id", "วันที่": "placed_at", "ชื่อลูกค้า": "customer_name"}
        | {"ยอดรวมสุทธิ": "order_total", "สถานะ": "status"},
    ),
    "a Philippine point of sale": (
        ["OR No.", "Transaction Date", "Customer", "Contact No.", "Amount", "Payment Ref No."],
        {
            "OR No.": "order_id",
            "Transaction Date": "placed_at",
            "Customer": "customer_name",
            "Contact No.": "customer_phone",
            "Amount": "total",
        },
    ),
}


@pytest.mark.parametrize("system", EXPORTS)
def test_the_headers_of_real_exports_are_read_as_their_fields(system):
    header, expected = EXPORTS[system]
    assert guess_mapping("orders", header) == expected


def test_a_more_specific_name_wins_over_an_earlier_column():
    # Lazada: the order number, not the invoice number; Xero: the line's amount, not the invoice's.
    assert guess_mapping("orders", ["invoiceNumber", "orderNumber"]) == {"orderNumber": "order_id"}
    assert guess_mapping("orders", ["Total", "LineAmount"]) == {"LineAmount": "total"}
    # Shopee's Thai export: the recipient, not the name on the tax invoice further on.
    assert guess_mapping("orders", ["ชื่อ", "ชื่อผู้รับ"]) == {"ชื่อผู้รับ": "customer_name"}


def test_a_bracketed_note_is_kept_when_the_header_with_it_is_known():
    assert guess_mapping("orders", ["Username (Buyer)"]) == {"Username (Buyer)": "customer_external_id"}
    assert guess_mapping("orders", ["Username"]) == {}
    assert guess_mapping("orders", ["Tổng giá trị đơn hàng (VND)"]) == {
        "Tổng giá trị đơn hàng (VND)": "order_total"
    }


def test_headers_that_could_mean_two_fields_are_asked_about_not_guessed():
    header = ["Mã HĐ", "Người mua", "Subtotal", "Description", "Paid Time", "Ref No."]
    mapping = guess_mapping("orders", header)
    assert mapping == {"Mã HĐ": "order_id"}
    assert ambiguous_columns("orders", header, mapping) == {
        "Người mua": ["customer_external_id", "customer_name"],
        "Subtotal": ["total", "order_total"],
        "Description": ["product_name"],
        "Paid Time": ["placed_at"],
        "Ref No.": ["order_id"],
    }


@pytest.mark.parametrize(
    "header",
    ["*หมายเลขติดตามพัสดุ", "Tracking ID", "trackingCode", "Mã vận đơn", "Kargo Kodu", "Paket No", "VKN"],
)
def test_headers_of_other_documents_numbers_are_known(header):
    assert names_another_number(header)
    assert guess_mapping("orders", [header]) == {}


@pytest.mark.parametrize("kind", sorted(AMBIGUOUS))
def test_no_ambiguous_or_other_number_header_is_also_a_field_name(kind):
    fields = {name_key(name) for names in FIELDS[kind].values() for name in names}
    unclear = {name_key(name) for names in AMBIGUOUS[kind].values() for name in names}
    others = {name_key(name) for name in OTHER_NUMBERS}
    assert fields & unclear == set() and fields & others == set()


def test_the_readme_lists_the_header_names_of_every_field():
    readme = (Path(settings.BASE_DIR).parent / "README.md").read_text(encoding="utf-8")
    for kind in FIELDS:
        assert "\n".join(header_table(kind)) in readme, kind
