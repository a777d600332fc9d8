"""Matching the header row of an export to the fields Patron imports.

Headers are compared after folding: case, Latin accents, spaces, underscores, dots, dashes and
other punctuation are ignored, so "Mã KH", "ma_kh" and "MÃ-KH" are the same header. A bracketed
note such as "(THB)" is dropped unless the header with its note is itself a known name
("Username (Buyer)" is the buyer's id; "Username" alone is nobody's). Matching is exact on the
folded form: a header that is not recognised stays unmapped and ``--map`` can name its field.

The names come from the exports of the systems shops in Thailand, Vietnam, Türkiye and the
Philippines use: point-of-sale systems (Loyverse, Ocha, Wongnai POS, FoodStory, Qashier, Utak,
Mosaic, KiotViet, Sapo POS), marketplaces and shop builders (Shopee, Lazada and TikTok Shop in
Thai, Vietnamese and English; Tiki, Haravan, Nhanh.vn, Trendyol, Hepsiburada, ikas, Ticimax,
ZORT, Page365, BigSeller), and accounting packages (PEAK, FlowAccount, Express, MISA, Logo,
Mikro, Paraşüt, QuickBooks, Xero), with the words for bill, receipt, invoice and document
number in each language. A field's names are listed most specific first: when two columns
name the same field, the column with the more specific name takes it ("Order Number" before
"Invoice Number" in a Lazada export, "LineAmount" before "Total" in Xero's), and between
equally specific names the first column does.

Some headers mean different fields in different exports; they are not guessed but listed in
``AMBIGUOUS`` with the fields they could be, so that the importer asks instead. Others are known
to be some other document's number (a parcel's tracking number, a tax id); ``OTHER_NUMBERS``
keeps them from being proposed as the order number.
"""

import re
import unicodedata

from django.utils.translation import gettext_noop

from patron.customers.folding import fold
from patron.imports.messages import said


class MappingProblem(ValueError):
    """A --map override that names an unknown column or field, or is badly written."""


# Header names by meaning, most specific first; a kind picks the meanings it imports and names
# their fields.
_EXTERNAL_ID = (
    "customer id",
    "customer no",
    "customer no.",
    "customer number",
    "customer code",
    "customer ref",
    "client id",
    "member id",
    "member no",
    "member number",
    "member code",
    "membership no",
    "membership number",
    "loyalty id",
    "external id",
    "รหัสลูกค้า",
    "เลขที่ลูกค้า",
    "รหัสสมาชิก",
    "เลขสมาชิก",
    "หมายเลขสมาชิก",
    "รหัสผู้ติดต่อ",
    "Mã KH",
    "Mã khách hàng",
    "Mã khách",
    "Mã thành viên",
    "Mã hội viên",
    "Müşteri No",
    "Müşteri Numarası",
    "Müşteri Kodu",
    "Cari Kod",
    "Cari Kodu",
    "Cari Hesap Kodu",
    "Üye No",
    "Üye Numarası",
    "Numero ng Customer",
    "Numero ng Miyembro",
)
_NAME = (
    "customer name",
    "full name",
    "display name",
    "client name",
    "contact name",
    "member name",
    "ชื่อลูกค้า",
    "ชื่อ-นามสกุล",
    "ชื่อสมาชิก",
    "ชื่อผู้ติดต่อ",
    "Tên khách hàng",
    "Tên KH",
    "Họ và tên",
    "Họ tên",
    "Müşteri Adı Soyadı",
    "Müşteri Adı",
    "Müşteri Ünvanı",
    "Cari Ünvanı",
    "Cari Adı",
    "Ad Soyad",
    "Adı Soyadı",
    "Pangalan ng Customer",
    "Buong Pangalan",
)
# Names that say less: a column naming the buyer or recipient outright comes first.
_NAME_GENERIC = ("name", "customer", "ชื่อ", "ลูกค้า", "Khách hàng", "Müşteri", "Pangalan")
_GIVEN_NAME = ("first name", "given name", "ชื่อจริง", "Tên", "Ad", "Adı", "İsim", "Unang Pangalan")
_FAMILY_NAME = ("last name", "surname", "family name", "นามสกุล", "Họ", "Soyad", "Soyadı", "Apelyido")
_EMAIL = (
    "customer email",
    "customer e-mail",
    "email address",
    "e-mail address",
    "email",
    "e-mail",
    "mail",
    "อีเมลลูกค้า",
    "อีเมล",
    "อีเมล์",
    "Email khách hàng",
    "Thư điện tử",
    "E-posta Adresi",
    "E-mail Adresi",
    "E-posta",
    "Email ng Customer",
)
_PHONE = (
    "customer phone",
    "phone number",
    "phone no",
    "mobile number",
    "mobile no",
    "mobile phone",
    "contact number",
    "contact no",
    "telephone",
    "phone",
    "mobile",
    "tel",
    "เบอร์โทรลูกค้า",
    "เบอร์โทรศัพท์",
    "หมายเลขโทรศัพท์",
    "เบอร์มือถือ",
    "เบอร์ติดต่อ",
    "เบอร์โทร",
    "โทรศัพท์",
    "มือถือ",
    "Số điện thoại",
    "SĐT khách hàng",
    "Số ĐT",
    "SĐT",
    "Điện thoại",
    "Di động",
    "Telefon Numarası",
    "Cep Telefonu",
    "Telefon No",
    "GSM No",
    "Cep Tel",
    "Telefon",
    "Cep",
    "GSM",
    "Numero ng Telepono",
    "Cellphone No",
    "Telepono",
    "Cellphone",
)

# Chat ids. A "LINE ID" column holds the name people search for on LINE, not the user id the
# LINE platform gives (U and 32 hexadecimal digits), so it is not taken as one; nor is a "Zalo"
# column alone, which shops fill with the phone number Zalo runs on.
_LINE_ID = ("line user id", "line userid", "line uid", "ไอดีผู้ใช้ LINE", "รหัสผู้ใช้ LINE")
_ZALO_ID = ("zalo user id", "zalo uid", "zalo id", "ID Zalo", "Mã người dùng Zalo")
_VIBER_ID = ("viber user id", "viber uid", "viber id", "ID Viber")
_WHATSAPP = (
    "whatsapp number",
    "whatsapp no",
    "whatsapp phone",
    "whatsapp",
    "เบอร์ WhatsApp",
    "Số WhatsApp",
    "WhatsApp Numarası",
    "WhatsApp No",
    "WhatsApp Telefonu",
    "Numero ng WhatsApp",
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

# Orders only: the buyer as a marketplace names them, and the person an order is delivered to.
_BUYER_ID = (
    "Username (Buyer)",
    "buyer username",
    "buyer id",
    "buyer user id",
    "ชื่อผู้ใช้ (ผู้ซื้อ)",
    "Tên đăng nhập người mua",
    "Mã người mua",
    "Alıcı Kullanıcı Adı",
)
_BUYER_NAME = (
    "buyer name",
    "billing name",
    "bill to",
    "sold to",
    "ชื่อผู้ซื้อ",
    "Tên người mua",
    "Alıcı Adı",
    "Alıcı",
    "Pangalan ng Mamimili",
    "recipient name",
    "receiver name",
    "shipping name",
    "recipient",
    "receiver",
    "ship to",
    "ชื่อผู้รับ",
    "Tên người nhận",
    "Người nhận",
    "Alıcı Adı Soyadı",
    "Teslim Alacak Kişi",
    "Pangalan ng Tatanggap",
)
_BUYER_PHONE = (
    "buyer phone",
    "recipient phone",
    "receiver phone",
    "shipping phone",
    "billing phone",
    "เบอร์โทรผู้ซื้อ",
    "เบอร์โทรผู้รับ",
    "Số điện thoại người nhận",
    "SĐT người nhận",
    "Alıcı Telefon",
    "Alıcı Telefonu",
)
_BUYER_EMAIL = ("buyer email", "billing email", "อีเมลผู้ซื้อ", "Email người mua", "Alıcı E-posta")

# The document's number: bill, receipt, invoice, sales document, marketplace order.
_ORDER_ID = (
    "order id",
    "order no",
    "order number",
    "order code",
    "order sn",
    "sales order no",
    "sales order number",
    "receipt no",
    "receipt number",
    "receipt id",
    "official receipt no",
    "official receipt number",
    "OR no",
    "OR number",
    "sales invoice no",
    "sales invoice number",
    "SI no",
    "SI number",
    "invoice no",
    "invoice number",
    "bill no",
    "bill number",
    "transaction id",
    "transaction no",
    "transaction number",
    "document no",
    "document number",
    "doc no",
    "order",
    "receipt",
    "invoice",
    "bill",
    "หมายเลขคำสั่งซื้อ",
    "เลขที่คำสั่งซื้อ",
    "รหัสคำสั่งซื้อ",
    "เลขคำสั่งซื้อ",
    "เลขที่ออเดอร์",
    "หมายเลขออเดอร์",
    "เลขออเดอร์",
    "รหัสออเดอร์",
    "เลขที่ใบสั่งขาย",
    "เลขที่ใบเสร็จรับเงิน",
    "เลขที่ใบเสร็จ",
    "หมายเลขใบเสร็จ",
    "เลขใบเสร็จ",
    "เลขที่ใบกำกับภาษี",
    "เลขที่ใบกำกับภาษีอย่างย่อ",
    "เลขที่ใบกำกับ",
    "เลขที่ใบแจ้งหนี้",
    "เลขที่ใบขาย",
    "เลขที่บิล",
    "บิลเลขที่",
    "หมายเลขบิล",
    "เลขบิล",
    "เลขที่เอกสาร",
    "เลขที่รายการ",
    "Mã đơn hàng",
    "Số đơn hàng",
    "Mã đơn",
    "Mã hóa đơn",
    "Số hóa đơn",
    "Mã HĐ",
    "Số HĐ",
    "Số chứng từ",
    "Mã chứng từ",
    "Số CT",
    "Số phiếu",
    "Mã giao dịch",
    "Sipariş Numarası",
    "Sipariş No",
    "Sipariş Kodu",
    "Fatura Numarası",
    "Fatura No",
    "Fiş Numarası",
    "Fiş No",
    "Belge Numarası",
    "Belge No",
    "Evrak Numarası",
    "Evrak No",
    "Numero ng Order",
    "Numero ng Resibo",
    "Resibo",
)
_PLACED_AT = (
    "order date",
    "order creation date",
    "order created at",
    "order time",
    "purchase date",
    "sale date",
    "sales date",
    "transaction date",
    "receipt date",
    "invoice date",
    "bill date",
    "document date",
    "created time",
    "create time",
    "created date",
    "date created",
    "placed at",
    "created at",
    "date time",
    "date",
    "วันที่สั่งซื้อ",
    "วันที่ทำการสั่งซื้อ",
    "เวลาสั่งซื้อ",
    "วันที่ขาย",
    "วันที่ออกใบเสร็จ",
    "วันที่ออกใบกำกับ",
    "วันที่ออกบิล",
    "วันที่เปิดบิล",
    "วันที่เอกสาร",
    "วันที่ออก",
    "วันเวลา",
    "วันที่และเวลา",
    "วันที่",
    "Ngày đặt hàng",
    "Thời gian đặt hàng",
    "Ngày mua",
    "Ngày bán",
    "Ngày hóa đơn",
    "Ngày chứng từ",
    "Ngày lập",
    "Ngày",
    "Thời gian",
    "Ngày tạo",
    "Thời gian tạo",
    "Sipariş Tarihi",
    "Fatura Tarihi",
    "Satış Tarihi",
    "Fiş Tarihi",
    "Belge Tarihi",
    "Evrak Tarihi",
    "İşlem Tarihi",
    "Tarih",
    "Petsa ng Order",
    "Petsa ng Pagbili",
    "Petsa",
)
_STATUS = (
    "order status",
    "financial status",
    "status",
    "สถานะการสั่งซื้อ",
    "สถานะคำสั่งซื้อ",
    "สถานะของคำสั่งซื้อ",
    "สถานะออเดอร์",
    "สถานะบิล",
    "สถานะเอกสาร",
    "สถานะ",
    "Trạng thái đơn hàng",
    "Trạng thái hóa đơn",
    "Trạng thái",
    "Tình trạng",
    "Sipariş Durumu",
    "Sipariş Statüsü",
    "Fatura Durumu",
    "Durum",
    "Statü",
    "Katayuan",
)
_CHANNEL = (
    "sales channel",
    "order source",
    "channel",
    "source",
    "platform",
    "ช่องทางการขาย",
    "ช่องทางการสั่งซื้อ",
    "ช่องทาง",
    "แพลตฟอร์ม",
    "Kênh bán hàng",
    "Kênh bán",
    "Nguồn đơn hàng",
    "Nguồn đơn",
    "Kênh",
    "Satış Kanalı",
    "Pazaryeri",
    "Kanal",
)
_CURRENCY = (
    "currency",
    "currency code",
    "ccy",
    "สกุลเงิน",
    "Tiền tệ",
    "Loại tiền",
    "Đơn vị tiền tệ",
    "Para Birimi",
    "Döviz Cinsi",
    "Döviz Türü",
    "Döviz",
    "Salapi",
)
# An amount that is the order's on a row per order and the line's on a row per line.
_TOTAL = (
    "line total",
    "line amount",
    "item total",
    "SKU Subtotal After Discount",
    "paid price",
    "net sales",
    "net amount",
    "total",
    "amount",
    "ยอดขายสุทธิ",
    "ยอดสุทธิ",
    "ยอดขาย",
    "ยอดรวม",
    "จำนวนเงิน",
    "ยอดเงิน",
    "Tổng giá bán (sản phẩm)",
    "Thành tiền",
    "Tổng tiền",
    "Tổng cộng",
    "Faturalanacak Tutar",
    "Satır Tutarı",
    "Net Tutar",
    "Satış Tutarı",
    "Toplam Tutar",
    "Tutar",
    "Toplam",
    "Kabuuan",
    "Halaga",
)
# An amount that is always the whole order's, repeated on each of its lines.
_ORDER_TOTAL = (
    "order total",
    "order amount",
    "grand total",
    "total amount",
    "total collected",
    "invoice total",
    "bill total",
    "receipt total",
    "ยอดรวมทั้งสิ้น",
    "ยอดรวมสุทธิ",
    "จำนวนเงินรวมทั้งสิ้น",
    "จำนวนเงินทั้งหมด",
    "ยอดคำสั่งซื้อ",
    "ยอดรวมคำสั่งซื้อ",
    "Tổng giá trị đơn hàng",
    "Tổng tiền đơn hàng",
    "Tổng số tiền người mua thanh toán",
    "Tổng tiền thanh toán",
    "Tổng thanh toán",
    "Khách cần trả",
    "Genel Toplam",
    "Sipariş Tutarı",
    "Sipariş Toplamı",
    "Fatura Tutarı",
    "Fatura Toplamı",
    "Kabuuang Halaga",
)
_SKU = (
    "seller sku",
    "sku reference no",
    "variation sku",
    "sku",
    "product code",
    "item code",
    "inventory item code",
    "product id",
    "เลขอ้างอิง SKU",
    "รหัส SKU",
    "รหัสสินค้า",
    "SKU phân loại hàng",
    "Mã SP",
    "Mã sản phẩm",
    "Mã hàng",
    "Mã hàng hóa",
    "Satıcı Stok Kodu",
    "Stok Kodu",
    "Ürün Kodu",
    "Malzeme Kodu",
    "Code ng Produkto",
    "barcode",
    "บาร์โค้ด",
    "Mã vạch",
    "Barkod",
)
_PRODUCT_NAME = (
    "product name",
    "item name",
    "product",
    "item",
    "ชื่อสินค้า",
    "สินค้า",
    "Tên sản phẩm",
    "Tên hàng hóa",
    "Tên hàng",
    "Sản phẩm",
    "Mặt hàng",
    "Ürün Adı",
    "Stok Adı",
    "Malzeme Adı",
    "Ürün",
    "Pangalan ng Produkto",
    "Produkto",
)
_CATEGORY = (
    "product category",
    "item category",
    "category",
    "หมวดหมู่สินค้า",
    "ประเภทสินค้า",
    "กลุ่มสินค้า",
    "หมวดหมู่",
    "Danh mục",
    "Nhóm hàng",
    "Nhóm hàng hóa",
    "Loại hàng",
    "Ürün Kategorisi",
    "Kategori",
    "Kategorya",
)
_QUANTITY = (
    "quantity",
    "qty",
    "จำนวนชิ้น",
    "จำนวน",
    "Số lượng",
    "SL",
    "Ürün Adedi",
    "Adet",
    "Miktar",
    "Dami",
    "Bilang",
)
_UNIT_PRICE = (
    "unit price",
    "deal price",
    "sale price",
    "selling price",
    "sales price",
    "unit amount",
    "item price",
    "price",
    "ราคาต่อหน่วย",
    "ราคาขายต่อหน่วย",
    "ราคาขาย",
    "ราคา",
    "Đơn giá",
    "Giá ưu đãi",
    "Giá bán",
    "Giá",
    "Birim Fiyatı",
    "Birim Fiyat",
    "Satış Fiyatı",
    "Fiyat",
    "Presyo",
)
_IS_RETURN = ("is return", "return", "returned", "refund", "คืนสินค้า", "Trả hàng", "İade", "Ibinalik")

# Fields each kind imports, in the order the importer lists them, with their header names.
FIELDS = {
    "customers": {
        "external_id": (*_EXTERNAL_ID, "id"),
        "display_name": (*_NAME, *_NAME_GENERIC),
        "given_name": _GIVEN_NAME,
        "family_name": _FAMILY_NAME,
        "email": _EMAIL,
        "phone": _PHONE,
        "line_id": _LINE_ID,
        "zalo_id": _ZALO_ID,
        "viber_id": _VIBER_ID,
        "whatsapp": _WHATSAPP,
        "country": _COUNTRY,
        "birthday": _BIRTHDAY,
        "gender": _GENDER,
        "tags": _TAGS,
        "locale": _LOCALE,
    },
    "orders": {
        "order_id": (*_ORDER_ID, "id"),
        "customer_external_id": (*_EXTERNAL_ID, *_BUYER_ID),
        "customer_name": (*_NAME, *_BUYER_NAME, *_NAME_GENERIC),
        "customer_phone": (*_PHONE, *_BUYER_PHONE),
        "customer_email": (*_EMAIL, *_BUYER_EMAIL),
        "placed_at": _PLACED_AT,
        "status": _STATUS,
        "channel": _CHANNEL,
        "currency": _CURRENCY,
        "total": _TOTAL,
        "order_total": _ORDER_TOTAL,
        "sku": _SKU,
        "product_name": _PRODUCT_NAME,
        "category": _CATEGORY,
        "quantity": _QUANTITY,
        "unit_price": _UNIT_PRICE,
        "is_return": _IS_RETURN,
    },
}

# Headers that name different fields in different exports: never guessed, but told, with the
# fields they could be, so that the person importing chooses.
AMBIGUOUS = {
    "orders": {
        # A marketplace's buyer is their user name; an invoice's is their name.
        ("customer_external_id", "customer_name"): (
            "buyer",
            "member",
            "สมาชิก",
            "ผู้ซื้อ",
            "Người mua",
            "Thành viên",
            "Üye",
            "Mamimili",
        ),
        # The product on a line, or a note about the order.
        ("product_name",): ("description", "memo/description", "รายละเอียด", "Mô tả", "Diễn giải", "Açıklama"),
        # When the order was paid is not when it was placed.
        ("placed_at",): (
            "paid time",
            "paid at",
            "payment date",
            "payment time",
            "เวลาการชำระสินค้า",
            "เวลาที่ชำระเงิน",
            "วันที่ชำระเงิน",
            "Thời gian thanh toán",
            "Ngày thanh toán",
            "Ödeme Tarihi",
        ),
        # The shop's own number, or the payment's, or the supplier's.
        ("order_id",): (
            "reference",
            "ref",
            "ref no",
            "reference no",
            "reference number",
            "เลขที่อ้างอิง",
            "หมายเลขอ้างอิง",
            "Mã tham chiếu",
            "Số tham chiếu",
            "Referans",
            "Referans No",
        ),
        # Before or after discounts, shipping and tax: which one the order's value is, only the
        # shop knows.
        ("total", "order_total"): (
            "subtotal",
            "product subtotal",
            "gross sales",
            "ยอดก่อนส่วนลด",
            "ยอดรวมก่อนภาษี",
            "Tạm tính",
            "Tổng tiền hàng",
            "Ara Toplam",
        ),
    },
}

# Numbers of other documents, never proposed as the order number however they look.
OTHER_NUMBERS = (
    "tracking number",
    "tracking no",
    "tracking id",
    "tracking code",
    "tracking",
    "waybill",
    "waybill no",
    "awb",
    "package id",
    "package no",
    "parcel no",
    "order item id",
    "item id",
    "line id",
    "sku id",
    "lazada id",
    "refund id",
    "return id",
    "payment id",
    "payment reference",
    "tax id",
    "tax number",
    "tin",
    "หมายเลขติดตามพัสดุ",
    "หมายเลขพัสดุ",
    "เลขพัสดุ",
    "หมายเลขแทรคกิ้ง",
    "รหัสคืนสินค้า",
    "หมายเลขประจำตัวผู้เสียภาษี",
    "เลขประจำตัวผู้เสียภาษี",
    "Mã vận đơn",
    "Mã kiện hàng",
    "Mã trả hàng",
    "Mã số thuế",
    "MST",
    "Kargo Kodu",
    "Kargo Takip No",
    "Kargo Takip Numarası",
    "Takip No",
    "Paket No",
    "Vergi No",
    "Vergi Numarası",
    "VKN",
    "TCKN",
)

_BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]")


def _folded(text):
    folded = fold(text or "")
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] not in "PZS" and not ch.isspace())


def header_key(text):
    """The folded form headers are compared in: "Mã KH" -> "makh", "Customer No." -> "customerno".

    A bracketed note is dropped ("Total (THB)" -> "total"), unless it is all the header has.
    """
    text = text or ""
    without_notes = _BRACKETED.sub(" ", text)
    return _folded(without_notes if without_notes.strip() else text)


def name_key(name):
    """The key a listed header name is known by: folded with its bracketed note, if it has one."""
    return _folded(name)


def _keys(column):
    """The keys a file's header is looked up by: with its bracketed note first, then without."""
    return list(dict.fromkeys((_folded(column), header_key(column))))


def _index(kind):
    """{name key: (field, rank)}; rank 0 is a field's most specific name."""
    if kind not in FIELDS:
        raise MappingProblem(f"Unknown import kind {kind!r}: use {' or '.join(FIELDS)}.")
    index = {}
    for field, names in FIELDS[kind].items():
        for rank, name in enumerate(names):
            index.setdefault(name_key(name), (field, rank))
    return index


def _look_up(index, column):
    return next((index[key] for key in _keys(column) if key in index), None)


def guess_mapping(kind, header):
    """{column name: field} for the columns whose header names a field of `kind`.

    Each field is mapped at most once: to the column with its most specific name, the first
    such column when several have it. Columns that are not in the result are the unmapped ones
    (see `unmapped_columns`).
    """
    index = _index(kind)
    best = {}  # field -> (rank, position, column)
    for position, column in enumerate(header):
        found = _look_up(index, column)
        if found is None:
            continue
        field, rank = found
        if field not in best or (rank, position) < best[field][:2]:
            best[field] = (rank, position, column)
    chosen = sorted(best.items(), key=lambda item: item[1][1])
    return {column: field for field, (_rank, _position, column) in chosen}


def unmapped_columns(header, mapping):
    """The header's columns that no field takes, in file order."""
    return [column for column in header if column not in mapping]


def ambiguous_columns(kind, header, mapping):
    """{column: the fields it could be} for the unmapped columns whose header is in AMBIGUOUS."""
    known = {name_key(name): fields for fields, names in AMBIGUOUS.get(kind, {}).items() for name in names}
    found = {}
    for column in unmapped_columns(header, mapping):
        fields = next((known[key] for key in _keys(column) if key in known), None)
        if fields is not None:
            found[column] = list(fields)
    return found


_OTHER_NUMBERS = frozenset(name_key(name) for name in OTHER_NUMBERS)


def names_another_number(column):
    """Whether the header says the column holds some other document's number (see OTHER_NUMBERS)."""
    return any(key in _OTHER_NUMBERS for key in _keys(column))


def _find_column(name, header):
    if name in header:
        return name
    key = header_key(name)
    matches = [column for column in header if header_key(column) == key]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        message = gettext_noop("--map: %(name)s matches several columns (%(columns)s): spell it exactly.")
        raise MappingProblem(said(message, name=repr(name), columns=", ".join(matches)))
    message = gettext_noop("--map: this file has no column %(name)s; its columns are: %(columns)s.")
    raise MappingProblem(said(message, name=repr(name), columns=", ".join(header)))


def overrides_left_blank(overrides, header):
    """The columns that ``column=`` overrides leave unmapped on purpose."""
    blank = set()
    for override in overrides:
        name, _sep, field = override.rpartition("=")
        if _sep and name.strip() and not field.strip():
            blank.add(_find_column(name.strip(), header))
    return blank


def apply_overrides(mapping, overrides, header, kind=None):
    """A new mapping with `--map column=field` overrides applied.

    "column=" (no field) unmaps a column: a customer file keeps it as a custom attribute, an
    order file lists it as not imported. A field given to a column is taken away from any
    column it was guessed for. Columns are matched exactly, or folded like headers when that is
    unambiguous. `kind` ("customers" or "orders") limits the fields that may be named; without
    it, a field of any kind is accepted.
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
            message = gettext_noop("--map %(override)s: write it as column=field, e.g. 'Mã KH=external_id'.")
            raise MappingProblem(said(message, override=repr(override)))
        name, field = (part.strip() for part in override.rsplit("=", 1))
        if not name:
            message = gettext_noop("--map %(override)s: the column name is missing.")
            raise MappingProblem(said(message, override=repr(override)))
        column = _find_column(name, header)
        if not field:
            result.pop(column, None)
            continue
        if field not in known:
            message = gettext_noop("--map %(override)s: unknown field %(field)s; the fields are: %(fields)s.")
            raise MappingProblem(
                said(message, override=repr(override), field=repr(field), fields=", ".join(known))
            )
        for other, other_field in list(result.items()):
            if other_field == field and other != column:
                del result[other]
        result[column] = field
    return result


def header_table(kind):
    """The README's table of the header names of ``kind``, as Markdown lines."""
    lines = [
        "| field | header names recognised (case, accents, spaces and punctuation ignored) |",
        "| --- | --- |",
    ]
    lines += [f"| `{field}` | {', '.join(names)} |" for field, names in FIELDS[kind].items()]
    return lines
