"""Matching the header row of an export to the fields Patron imports.

Headers are compared after folding: case, Latin accents, spaces, underscores, dots, dashes and
other punctuation are ignored, and a bracketed note such as "(THB)" is dropped, so "Mã KH",
"ma_kh" and "MÃ-KH" are the same header. Matching is exact on the folded form: a header that
is not recognised stays unmapped (the importer keeps it as a custom attribute) and `--map`
can name its field.
"""

import re
import unicodedata

from patron.customers.folding import fold


class MappingProblem(ValueError):
    """A --map override that names an unknown column or field, or is badly written."""


# Header names by meaning; a kind picks the meanings it imports and names their fields.
_EXTERNAL_ID = (
    "customer id",
    "customer no",
    "customer no.",
    "customer number",
    "customer code",
    "customer ref",
    "external id",
    "รหัสลูกค้า",
    "Mã KH",
    "Mã khách hàng",
    "Müşteri No",
    "Müşteri Numarası",
    "Müşteri Kodu",
    "Cari Kod",
    "Numero ng Customer",
)
_NAME = (
    "name",
    "full name",
    "customer name",
    "customer",
    "display name",
    "ชื่อ",
    "ชื่อ-นามสกุล",
    "ชื่อลูกค้า",
    "Họ tên",
    "Họ và tên",
    "Tên khách hàng",
    "Khách hàng",
    "Ad Soyad",
    "Adı Soyadı",
    "Müşteri Adı",
    "Müşteri",
    "Pangalan",
    "Buong Pangalan",
    "Pangalan ng Customer",
)
_GIVEN_NAME = ("first name", "given name", "ชื่อจริง", "Tên", "Ad", "Adı", "İsim", "Unang Pangalan")
_FAMILY_NAME = ("last name", "surname", "family name", "นามสกุล", "Họ", "Soyad", "Soyadı", "Apelyido")
_EMAIL = (
    "email",
    "e-mail",
    "email address",
    "customer email",
    "mail",
    "อีเมล",
    "อีเมล์",
    "Thư điện tử",
    "E-posta",
    "E-posta Adresi",
    "E-mail Adresi",
)
_PHONE = (
    "phone",
    "phone number",
    "customer phone",
    "mobile",
    "mobile number",
    "mobile no",
    "tel",
    "telephone",
    "contact no",
    "contact number",
    "เบอร์โทร",
    "เบอร์โทรศัพท์",
    "โทรศัพท์",
    "มือถือ",
    "เบอร์มือถือ",
    "Số điện thoại",
    "SĐT",
    "Điện thoại",
    "Di động",
    "Telefon",
    "Telefon No",
    "Cep Tel",
    "Cep Telefonu",
    "Cep",
    "GSM",
    "Telepono",
    "Numero ng Telepono",
    "Cellphone",
    "Cellphone No",
)
_COUNTRY = ("country", "ประเทศ", "Quốc gia", "Ülke", "Bansa")
_BIRTHDAY = (
    "birthday",
    "birth date",
    "date of birth",
    "dob",
    "วันเกิด",
    "Ngày sinh",
    "Doğum Tarihi",
    "Kaarawan",
    "Petsa ng Kapanganakan",
)
_GENDER = ("gender", "sex", "เพศ", "Giới tính", "Cinsiyet", "Kasarian")
_TAGS = ("tags", "tag", "labels", "แท็ก", "ป้ายกำกับ", "Nhãn", "Thẻ", "Etiket", "Etiketler", "Mga Tag")
_LOCALE = ("locale", "language", "lang", "ภาษา", "Ngôn ngữ", "Dil", "Wika")
_ORDER_ID = (
    "order id",
    "order no",
    "order number",
    "order",
    "receipt no",
    "receipt number",
    "invoice no",
    "invoice number",
    "เลขที่ใบเสร็จ",
    "เลขที่คำสั่งซื้อ",
    "หมายเลขคำสั่งซื้อ",
    "Mã đơn",
    "Mã đơn hàng",
    "Số hóa đơn",
    "Sipariş No",
    "Sipariş Numarası",
    "Fiş No",
    "Fatura No",
    "Numero ng Order",
    "Resibo",
)
_PLACED_AT = (
    "date",
    "order date",
    "purchase date",
    "placed at",
    "created at",
    "วันที่",
    "วันที่สั่งซื้อ",
    "Ngày",
    "Ngày mua",
    "Ngày đặt hàng",
    "Tarih",
    "Sipariş Tarihi",
    "Petsa",
    "Petsa ng Order",
)
_STATUS = ("status", "order status", "สถานะ", "Trạng thái", "Durum", "Sipariş Durumu", "Katayuan")
_CHANNEL = (
    "channel",
    "sales channel",
    "source",
    "platform",
    "ช่องทาง",
    "ช่องทางการขาย",
    "Kênh",
    "Kênh bán",
    "Kênh bán hàng",
    "Kanal",
    "Satış Kanalı",
)
_CURRENCY = ("currency", "ccy", "สกุลเงิน", "Tiền tệ", "Loại tiền", "Para Birimi", "Döviz", "Salapi")
_TOTAL = (
    "total",
    "amount",
    "order total",
    "grand total",
    "ยอดรวม",
    "จำนวนเงิน",
    "ยอดเงิน",
    "Tổng tiền",
    "Thành tiền",
    "Tổng cộng",
    "Tutar",
    "Toplam",
    "Toplam Tutar",
    "Kabuuan",
    "Halaga",
)
_SKU = (
    "sku",
    "product code",
    "item code",
    "product id",
    "รหัสสินค้า",
    "Mã SP",
    "Mã sản phẩm",
    "Mã hàng",
    "Stok Kodu",
    "Ürün Kodu",
)
_PRODUCT_NAME = (
    "product",
    "product name",
    "item",
    "item name",
    "สินค้า",
    "ชื่อสินค้า",
    "Sản phẩm",
    "Tên sản phẩm",
    "Tên hàng",
    "Ürün",
    "Ürün Adı",
    "Produkto",
    "Pangalan ng Produkto",
)
_CATEGORY = (
    "category",
    "product category",
    "หมวดหมู่",
    "หมวดหมู่สินค้า",
    "ประเภทสินค้า",
    "Danh mục",
    "Nhóm hàng",
    "Loại hàng",
    "Kategori",
    "Kategorya",
)
_QUANTITY = ("qty", "quantity", "จำนวน", "Số lượng", "SL", "Adet", "Miktar", "Dami", "Bilang")
_UNIT_PRICE = (
    "price",
    "unit price",
    "ราคา",
    "ราคาต่อหน่วย",
    "Đơn giá",
    "Giá",
    "Birim Fiyat",
    "Birim Fiyatı",
    "Fiyat",
    "Presyo",
)
_IS_RETURN = ("is return", "return", "returned", "refund", "คืนสินค้า", "Trả hàng", "İade", "Ibinalik")

# Fields each kind imports, in the order the importer lists them, with their header names.
FIELDS = {
    "customers": {
        "external_id": ("id", *_EXTERNAL_ID),
        "display_name": _NAME,
        "given_name": _GIVEN_NAME,
        "family_name": _FAMILY_NAME,
        "email": _EMAIL,
        "phone": _PHONE,
        "country": _COUNTRY,
        "birthday": _BIRTHDAY,
        "gender": _GENDER,
        "tags": _TAGS,
        "locale": _LOCALE,
    },
    "orders": {
        "order_id": ("id", *_ORDER_ID),
        "customer_external_id": _EXTERNAL_ID,
        "customer_name": _NAME,
        "customer_phone": _PHONE,
        "customer_email": _EMAIL,
        "placed_at": _PLACED_AT,
        "status": _STATUS,
        "channel": _CHANNEL,
        "currency": _CURRENCY,
        "total": _TOTAL,
        "sku": _SKU,
        "product_name": _PRODUCT_NAME,
        "category": _CATEGORY,
        "quantity": _QUANTITY,
        "unit_price": _UNIT_PRICE,
        "is_return": _IS_RETURN,
    },
}

_BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]")


def header_key(text):
    """The folded form headers are compared in: "Mã KH" -> "makh", "Customer No." -> "customerno"."""
    text = text or ""
    without_notes = _BRACKETED.sub(" ", text)
    if without_notes.strip():
        text = without_notes
    folded = fold(text)
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] not in "PZS" and not ch.isspace())


def _index(kind):
    if kind not in FIELDS:
        raise MappingProblem(f"Unknown import kind {kind!r}: use {' or '.join(FIELDS)}.")
    index = {}
    for field, names in FIELDS[kind].items():
        for name in names:
            index.setdefault(header_key(name), field)
    return index


def guess_mapping(kind, header):
    """{column name: field} for the columns whose header names a field of `kind`.

    Each field is mapped at most once: the first column naming it wins, later ones stay
    unmapped. Columns that are not in the result are the unmapped ones (see `unmapped_columns`).
    """
    index = _index(kind)
    mapping = {}
    taken = set()
    for column in header:
        if column in mapping:
            continue
        field = index.get(header_key(column))
        if field is None or field in taken:
            continue
        mapping[column] = field
        taken.add(field)
    return mapping


def unmapped_columns(header, mapping):
    """The header's columns that no field takes, in file order (kept as custom attributes)."""
    return [column for column in header if column not in mapping]


def _find_column(name, header):
    if name in header:
        return name
    key = header_key(name)
    matches = [column for column in header if header_key(column) == key]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise MappingProblem(
            f"--map: {name!r} matches several columns ({', '.join(matches)}): spell it exactly."
        )
    raise MappingProblem(f"--map: this file has no column {name!r}; its columns are: {', '.join(header)}.")


def apply_overrides(mapping, overrides, header, kind=None):
    """A new mapping with `--map column=field` overrides applied.

    "column=" (no field) unmaps a column so it is kept as a custom attribute. A field given to a
    column is taken away from any column it was guessed for. Columns are matched exactly, or
    folded like headers when that is unambiguous. `kind` ("customers" or "orders") limits the
    fields that may be named; without it, a field of any kind is accepted.
    Raises MappingProblem for a malformed override, an unknown column or an unknown field.
    """
    if kind is not None:
        _index(kind)
        known = list(FIELDS[kind])
    else:
        known = list(dict.fromkeys(field for fields in FIELDS.values() for field in fields))
    result = dict(mapping)
    for override in overrides:
        if "=" not in override:
            raise MappingProblem(f"--map {override!r}: write it as column=field, e.g. 'Mã KH=external_id'.")
        name, field = (part.strip() for part in override.rsplit("=", 1))
        if not name:
            raise MappingProblem(f"--map {override!r}: the column name is missing.")
        column = _find_column(name, header)
        if not field:
            result.pop(column, None)
            continue
        if field not in known:
            raise MappingProblem(
                f"--map {override!r}: unknown field {field!r}; the fields are: {', '.join(known)}."
            )
        for other, other_field in list(result.items()):
            if other_field == field and other != column:
                del result[other]
        result[column] = field
    return result
