from collections import Counter

import pytest

from patron.imports.headers import (
    FIELDS,
    MappingProblem,
    apply_overrides,
    guess_mapping,
    header_key,
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
    keys = Counter(
        header_key(name) for names in FIELDS[kind].values() for name in set(map(header_key, names))
    )
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
