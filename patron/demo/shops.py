"""What makes each demo shop local: money, phones, e-mail habits, channels and wording.

Shares are rough figures for a small retailer in that country: Thais and Vietnamese talk to
shops over LINE and Zalo, Filipinos over Facebook Messenger and Viber, Turks by phone and
WhatsApp; marketplaces (Shopee, Lazada, Trendyol) carry a large part of online sales.
"""

from dataclasses import dataclass, field
from decimal import Decimal

CHAT_APPS = ("line", "zalo", "viber", "whatsapp", "messenger")


@dataclass(frozen=True)
class ShopProfile:
    country: str
    shop_name: str
    currency: str
    locale: str
    time_zone: str
    # Mean order value in the currency, and the range one order's value is kept within.
    typical_order: Decimal
    order_range: tuple[Decimal, Decimal]
    genders: dict[str, float]
    email_share: float
    phone_share: float
    email_domains: dict[str, float]
    # Mobile prefixes as dialled at home (trunk 0 included) and the digits of a full number.
    phone_prefixes: dict[str, float]
    phone_digits: int
    # How people type their number: "#" a national digit, "@" a digit after the trunk 0.
    phone_formats: dict[str, float]
    sales_channels: dict[str, float]
    contact_channels: dict[str, float]
    regular_tag: str
    local_tags: tuple[str, ...]
    inbound_subjects: tuple[str, ...]
    outbound_subjects: tuple[str, ...]
    partner_subjects: tuple[str, ...]
    contact_roles: tuple[str, ...]
    # Kind -> (name, web domain or "" for people and families).
    organisations: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)

    @property
    def chat_app(self):
        """The chat app the shop's customers write on most (LINE in Thailand, Zalo in Vietnam)."""
        apps = [channel for channel in self.contact_channels if channel in CHAT_APPS]
        return max(apps, key=self.contact_channels.get) if apps else "chat"


def _prefixes(text, weight):
    return dict.fromkeys(text.split(), weight)


SHOPS = {
    "TH": ShopProfile(
        country="TH",
        shop_name="ใบเตย บิวตี้ (Baitoey Beauty)",
        currency="THB",
        locale="th",
        time_zone="Asia/Bangkok",
        typical_order=Decimal(750),
        order_range=(Decimal(59), Decimal(30000)),
        genders={"female": 0.72, "male": 0.26, "other": 0.02},
        email_share=0.7,
        phone_share=0.95,
        email_domains={
            "gmail.com": 0.6,
            "hotmail.com": 0.18,
            "icloud.com": 0.08,
            "yahoo.com": 0.05,
            "outlook.co.th": 0.05,
            "hotmail.co.th": 0.04,
        },
        phone_prefixes={
            **_prefixes("080 081 082 083 084 085 086 087 088 089", 4.5),
            **_prefixes("090 091 092 093 094 095 096 097 098 099", 4.0),
            **_prefixes("061 062 063 064 065 066", 2.5),
        },
        phone_digits=10,
        phone_formats={"###-###-####": 4, "##########": 3, "### ### ####": 2, "+66 @@ @@@ @@@@": 1},
        sales_channels={"store": 0.4, "marketplace": 0.3, "web": 0.12, "app": 0.1, "phone": 0.08},
        contact_channels={
            "line": 0.35,
            "social": 0.15,
            "phone": 0.15,
            "email": 0.1,
            "sms": 0.1,
            "in_person": 0.1,
            "web": 0.05,
        },
        regular_tag="ลูกค้าประจำ",
        local_tags=("ผิวแพ้ง่าย", "สมาชิกบัตรทอง", "ชอบสินค้าสมุนไพร"),
        inbound_subjects=(
            "สอบถามสถานะการจัดส่ง",
            "สอบถามสินค้าสำหรับผิวแพ้ง่าย",
            "ขอเปลี่ยนสินค้า",
            "แจ้งสินค้าชำรุด",
            "ชมการบริการของพนักงาน",
            "สอบถามโปรโมชั่นประจำเดือน",
            "ขอใบกำกับภาษีเต็มรูป",
        ),
        outbound_subjects=(
            "ขอบคุณที่สั่งซื้อสินค้า",
            "สุขสันต์วันเกิด รับส่วนลดพิเศษ",
            "ติดตามความพึงพอใจหลังการขาย",
            "แจ้งสินค้ามาใหม่",
            "เชิญร่วมกิจกรรมสมาชิก",
            "แจ้งคะแนนสะสมใกล้หมดอายุ",
        ),
        partner_subjects=(
            "เจรจาราคาสั่งซื้อล็อตใหม่",
            "ประชุมทบทวนยอดขายรายไตรมาส",
            "ส่งรายงานผลประกอบการ",
            "วางแผนแคมเปญการตลาด",
            "ติดตามการจัดส่งล่าช้า",
            "นำเสนอสินค้าใหม่",
        ),
        contact_roles=("ผู้จัดการฝ่ายขาย", "เจ้าของกิจการ", "ฝ่ายจัดซื้อ", "ผู้ประสานงานโครงการ", "นักวิเคราะห์"),
        organisations={
            "supplier": (
                ("บริษัท สยามเฮอร์บัล แล็บ จำกัด", "siamherballab.co.th"),
                ("ห้างหุ้นส่วนจำกัด ทองไทย คอสเมติกส์", "thongthaicosmetics.com"),
                ("บริษัท เชียงใหม่ ออร์แกนิค ฟาร์ม จำกัด", "cmorganicfarm.co.th"),
            ),
            "distributor": (
                ("บริษัท ไทยบิวตี้ ดิสทริบิวชั่น จำกัด", "thaibeautydist.co.th"),
                ("บริษัท อีสาน เทรดดิ้ง จำกัด", "isantrading.co.th"),
                ("บริษัท อันดามัน ซัพพลาย จำกัด", "andamansupply.co.th"),
            ),
            "channel_partner": (
                ("ช้อปดี มาร์เก็ตเพลส", "shopdee.co.th"),
                ("ร้านขายยาสุขภาพดี (ตัวแทนขาย)", "sukhaphapdee.com"),
                ("สปาบ้านสวน (ตัวแทนขาย)", "baansuanspa.com"),
            ),
            "agency": (
                ("บริษัท ครีเอทีฟ บางกอก จำกัด", "creativebangkok.co.th"),
                ("บริษัท ดิจิทัล ไทยแลนด์ มาร์เก็ตติ้ง จำกัด", "digitalthaimarketing.com"),
                ("อินฟลูเอนเซอร์ ฮับ", "influencerhub.in.th"),
            ),
            "intermediary": (
                ("บริษัท ไทยด่วน เอ็กซ์เพรส จำกัด", "thaiduanexpress.co.th"),
                ("บริษัท เพย์สยาม เกตเวย์ จำกัด", "paysiam.co.th"),
                ("บริษัท ชิปปิ้งสุวรรณภูมิ จำกัด", "suvarnabhumishipping.co.th"),
            ),
            "shareholder": (
                ("บริษัท ใบเตย โฮลดิ้ง จำกัด", "baitoeyholding.co.th"),
                ("ครอบครัวแสงทอง", ""),
                ("คุณวันเพ็ญ ศรีสุข (ผู้ก่อตั้ง)", ""),
            ),
            "investor": (
                ("กองทุนเอสเอ็มอี เติบโต", "smegrowthfund.or.th"),
                ("บริษัท สยาม เวนเจอร์ส จำกัด", "siamventures.co.th"),
                ("เครือข่ายนักลงทุนเทวดาเชียงใหม่", "cmangels.org"),
            ),
            "analyst": (
                ("บริษัท ไทยรีเทล รีเสิร์ช จำกัด", "thairetailresearch.co.th"),
                ("ศูนย์วิจัยตลาดความงาม", "beautymarketresearch.or.th"),
                ("บริษัท อินไซต์ เอเชีย จำกัด", "insightasia.co.th"),
            ),
        },
    ),
    "VN": ShopProfile(
        country="VN",
        shop_name="Hạt Mộc – Cà phê & Trà",
        currency="VND",
        locale="vi",
        time_zone="Asia/Ho_Chi_Minh",
        typical_order=Decimal(550000),
        order_range=(Decimal(35000), Decimal(15000000)),
        genders={"female": 0.5, "male": 0.48, "other": 0.02},
        email_share=0.65,
        phone_share=0.96,
        email_domains={
            "gmail.com": 0.76,
            "yahoo.com": 0.07,
            "icloud.com": 0.06,
            "outlook.com": 0.05,
            "yahoo.com.vn": 0.03,
            "hotmail.com": 0.03,
        },
        phone_prefixes={
            **_prefixes("090 091 093 094 096 097 098", 6.4),
            **_prefixes("032 033 034 035 036 037 038 039", 4.4),
            **_prefixes("081 082 083 084 085 086 088", 1.7),
            **_prefixes("070 076 077 078 079", 1.6),
        },
        phone_digits=10,
        phone_formats={"#### ### ###": 4, "##########": 3, "###.###.####": 1, "+84 @@@ @@@ @@@": 1},
        sales_channels={"store": 0.35, "marketplace": 0.3, "web": 0.15, "phone": 0.15, "app": 0.05},
        contact_channels={
            "zalo": 0.3,
            "social": 0.2,
            "phone": 0.2,
            "sms": 0.1,
            "in_person": 0.1,
            "email": 0.05,
            "web": 0.05,
        },
        regular_tag="khách quen",
        local_tags=("mê trà", "khách sỉ Đà Lạt", "quà biếu Tết"),
        inbound_subjects=(
            "Hỏi tình trạng giao hàng",
            "Hỏi cách pha cà phê phin",
            "Đổi trả sản phẩm",
            "Phản ánh hộp quà bị móp",
            "Khen ngợi nhân viên tư vấn",
            "Hỏi giá sỉ",
            "Yêu cầu xuất hóa đơn VAT",
        ),
        outbound_subjects=(
            "Cảm ơn quý khách đã mua hàng",
            "Chúc mừng sinh nhật – tặng mã giảm giá",
            "Khảo sát mức độ hài lòng",
            "Giới thiệu cà phê vụ mới",
            "Ưu đãi quà Tết cho khách quen",
            "Nhắc điểm tích lũy sắp hết hạn",
        ),
        partner_subjects=(
            "Đàm phán giá nhập vụ mùa mới",
            "Họp đánh giá doanh số quý",
            "Gửi báo cáo kết quả kinh doanh",
            "Lên kế hoạch chiến dịch Tết",
            "Theo dõi lô hàng giao chậm",
            "Giới thiệu sản phẩm mới",
        ),
        contact_roles=(
            "Giám đốc kinh doanh",
            "Chủ cơ sở",
            "Trưởng phòng thu mua",
            "Điều phối viên",
            "Chuyên viên phân tích",
        ),
        organisations={
            "supplier": (
                ("Công ty TNHH Cà phê Buôn Ma Thuột Xanh", "bmtxanh.vn"),
                ("HTX Chè Shan Tuyết Hà Giang", "shantuyethagiang.vn"),
                ("Công ty CP Gốm Bát Tràng Việt", "gombattrangviet.vn"),
            ),
            "distributor": (
                ("Công ty TNHH Phân phối Sài Gòn Xanh", "saigonxanh.com.vn"),
                ("Công ty CP Thương mại Miền Trung", "thuongmaimientrung.vn"),
                ("Nhà phân phối Hà Nội Phố", "hanoipho.vn"),
            ),
            "channel_partner": (
                ("Sàn TMĐT Chợ Việt Online", "chovietonline.vn"),
                ("Chuỗi cửa hàng tiện lợi Nhà Mình", "nhaminhmart.vn"),
                ("Đại lý quà tặng Đà Lạt Xưa", "dalatxua.vn"),
            ),
            "agency": (
                ("Công ty Quảng cáo Sáng Tạo Việt", "sangtaoviet.vn"),
                ("Agency Tiếp thị số Mặt Trời", "mattroidigital.vn"),
                ("Công ty Truyền thông Hoa Sen", "hoasenmedia.vn"),
            ),
            "intermediary": (
                ("Công ty Giao hàng Nhanh Phương Nam", "giaohangphuongnam.vn"),
                ("Ví điện tử Thanh Toán Việt", "thanhtoanviet.vn"),
                ("Đại lý Xuất khẩu Cửu Long", "cuulongexport.vn"),
            ),
            "shareholder": (
                ("Công ty CP Đầu tư Hạt Mộc", "hatmocinvest.vn"),
                ("Gia đình ông Trần Văn Hùng", ""),
                ("Bà Lê Thị Thu Hà (sáng lập)", ""),
            ),
            "investor": (
                ("Quỹ Khởi nghiệp Sông Hồng", "songhongventures.vn"),
                ("Quỹ Đầu tư Cửu Long Tăng Trưởng", "cuulongfund.vn"),
                ("Mạng lưới Nhà đầu tư Thiên thần Sài Gòn", "saigonangels.vn"),
            ),
            "analyst": (
                ("Công ty Nghiên cứu Thị trường Việt Insight", "vietinsight.vn"),
                ("Viện Nghiên cứu Bán lẻ Việt Nam", "vienbanle.vn"),
                ("Công ty Phân tích Dữ liệu Sao Việt", "saovietdata.vn"),
            ),
        },
    ),
    "TR": ShopProfile(
        country="TR",
        shop_name="Çınar Ev & Mutfak",
        currency="TRY",
        locale="tr",
        time_zone="Europe/Istanbul",
        typical_order=Decimal(1400),
        order_range=(Decimal(99), Decimal(60000)),
        genders={"female": 0.62, "male": 0.37, "other": 0.01},
        email_share=0.8,
        phone_share=0.94,
        email_domains={
            "gmail.com": 0.55,
            "hotmail.com": 0.25,
            "outlook.com": 0.08,
            "icloud.com": 0.05,
            "yahoo.com": 0.04,
            "yandex.com": 0.03,
        },
        phone_prefixes={
            **_prefixes("0530 0531 0532 0533 0534 0535 0536 0537 0538 0539", 4.0),
            **_prefixes("0540 0541 0542 0543 0544 0545 0546 0547 0548 0549", 3.0),
            **_prefixes("0501 0505 0506 0507 0551 0552 0553 0554 0555", 3.3),
        },
        phone_digits=11,
        phone_formats={
            "#### ### ## ##": 4,
            "###########": 3,
            "+90 @@@ @@@ @@ @@": 2,
            "(####) ### ## ##": 1,
        },
        sales_channels={"store": 0.45, "web": 0.25, "marketplace": 0.15, "app": 0.1, "phone": 0.05},
        contact_channels={
            "phone": 0.25,
            "whatsapp": 0.25,
            "email": 0.2,
            "sms": 0.15,
            "in_person": 0.1,
            "social": 0.03,
            "web": 0.02,
        },
        regular_tag="sadık müşteri",
        local_tags=("çeyiz alışverişi", "düğün hediyesi", "kurumsal hediye"),
        inbound_subjects=(
            "Kargo durumu sorgusu",
            "Ürün değişim talebi",
            "Hasarlı ürün şikâyeti",
            "Fatura talebi",
            "Teşekkür mesajı",
            "Toptan fiyat sorusu",
            "Stok sorgusu",
        ),
        outbound_subjects=(
            "Siparişiniz için teşekkürler",
            "Doğum gününüz kutlu olsun – size özel indirim",
            "Memnuniyet anketi",
            "Yeni sezon ürünleri geldi",
            "Bayram kampanyası",
            "Puanlarınızın süresi doluyor",
        ),
        partner_subjects=(
            "Yeni sezon fiyat görüşmesi",
            "Çeyrek dönem satış değerlendirmesi",
            "Faaliyet raporu gönderimi",
            "Kampanya planlama toplantısı",
            "Geciken sevkiyat takibi",
            "Yeni ürün sunumu",
        ),
        contact_roles=(
            "Satış müdürü",
            "Firma sahibi",
            "Satın alma sorumlusu",
            "Proje koordinatörü",
            "Analist",
        ),
        organisations={
            "supplier": (
                ("Denizli Pamuklu Tekstil A.Ş.", "denizlipamuklu.com.tr"),
                ("Kütahya Çini Atölyesi Ltd. Şti.", "kutahyacini.com.tr"),
                ("Rize Yeşil Çay Kooperatifi", "rizeyesilcay.org.tr"),
            ),
            "distributor": (
                ("Anadolu Dağıtım ve Lojistik A.Ş.", "anadoludagitim.com.tr"),
                ("Ege Ev Ürünleri Dağıtım Ltd. Şti.", "egeevurunleri.com.tr"),
                ("Marmara Toptan Ticaret A.Ş.", "marmaratoptan.com.tr"),
            ),
            "channel_partner": (
                ("Çarşı Online Pazaryeri", "carsionline.com.tr"),
                ("Boğaziçi Mağazalar Zinciri", "bogazicimagazalar.com.tr"),
                ("Kapadokya Hediyelik Bayi", "kapadokyabayi.com.tr"),
            ),
            "agency": (
                ("Lale Reklam Ajansı", "lalereklam.com.tr"),
                ("Dijital Pusula Pazarlama", "dijitalpusula.com.tr"),
                ("Sosyal Medya Atölyesi", "sosyalmedyaatolyesi.com"),
            ),
            "intermediary": (
                ("Hızlı Kargo A.Ş.", "hizlikargo.com.tr"),
                ("Güven Ödeme Hizmetleri A.Ş.", "guvenodeme.com.tr"),
                ("İstanbul Gümrük Müşavirliği Ltd. Şti.", "istanbulgumruk.com.tr"),
            ),
            "shareholder": (
                ("Çınar Holding A.Ş.", "cinarholding.com.tr"),
                ("Yıldırım Aile Ortaklığı", ""),
                ("Ayşe Öztürk (kurucu ortak)", ""),
            ),
            "investor": (
                ("Boğaz Girişim Sermayesi", "bogazgirisim.com"),
                ("Anadolu Melek Yatırımcılar Ağı", "anadolumelek.org"),
                ("KOBİ Büyüme Fonu", "kobibuyumefonu.com.tr"),
            ),
            "analyst": (
                ("Perakende Araştırmaları Merkezi", "perakendearastirma.org.tr"),
                ("Pazar Analiz Danışmanlık", "pazaranaliz.com.tr"),
                ("Veri Kulesi Araştırma", "verikulesi.com"),
            ),
        },
    ),
    "PH": ShopProfile(
        country="PH",
        shop_name="Tindahan ni Aling Rosa – Pasalubong Center",
        currency="PHP",
        locale="fil",
        time_zone="Asia/Manila",
        typical_order=Decimal(1100),
        order_range=(Decimal(85), Decimal(40000)),
        genders={"female": 0.58, "male": 0.41, "other": 0.01},
        email_share=0.75,
        phone_share=0.95,
        email_domains={
            "gmail.com": 0.7,
            "yahoo.com": 0.12,
            "icloud.com": 0.08,
            "outlook.com": 0.06,
            "yahoo.com.ph": 0.04,
        },
        phone_prefixes={
            # Globe and TM
            **_prefixes(
                "0905 0906 0915 0916 0917 0926 0927 0935 0936 0945 0955 0956 0965 0966 0967 0975 "
                "0977 0995 0996 0997",
                2.3,
            ),
            # Smart and TNT
            **_prefixes(
                "0907 0908 0909 0910 0912 0918 0919 0920 0921 0928 0929 0930 0938 0939 0946 0947 "
                "0948 0949 0950 0951 0961 0998 0999",
                2.2,
            ),
            # DITO
            **_prefixes("0991 0992 0993 0994", 1.5),
        },
        phone_digits=11,
        phone_formats={"#### ### ####": 4, "###########": 3, "####-###-####": 2, "+63 @@@ @@@ @@@@": 2},
        sales_channels={"store": 0.45, "marketplace": 0.3, "phone": 0.1, "web": 0.1, "app": 0.05},
        contact_channels={
            "messenger": 0.35,
            "sms": 0.2,
            "phone": 0.15,
            "viber": 0.1,
            "email": 0.1,
            "in_person": 0.07,
            "web": 0.03,
        },
        regular_tag="suki",
        local_tags=("balikbayan", "pang-regalo", "taga-probinsya"),
        inbound_subjects=(
            "Tanong tungkol sa delivery",
            "Pagpapalit ng produkto",
            "Reklamo: sira ang dumating na kahon",
            "Papuri sa serbisyo",
            "Tanong sa presyo ng pakyawan",
            "Humihingi ng opisyal na resibo",
            "Tanong kung may stock pa",
        ),
        outbound_subjects=(
            "Salamat sa inyong pagbili!",
            "Maligayang kaarawan – may regalo kami sa inyo",
            "Survey tungkol sa inyong karanasan",
            "Bagong dating na pasalubong",
            "Promo ngayong Pasko",
            "Paalala: malapit nang mag-expire ang inyong points",
        ),
        partner_subjects=(
            "Usapan sa presyo ng bagong order",
            "Quarterly na pagsusuri ng benta",
            "Pagpapadala ng ulat pampinansyal",
            "Pagpaplano ng kampanya para sa Pasko",
            "Follow-up sa naantalang delivery",
            "Pagpapakilala ng bagong produkto",
        ),
        contact_roles=("Sales manager", "May-ari", "Purchasing officer", "Project coordinator", "Analyst"),
        organisations={
            "supplier": (
                ("Cebu Mango Growers Cooperative", "cebumango.ph"),
                ("Samahan ng Magsasaka ng Barako sa Batangas", "barakofarmers.ph"),
                ("Pampanga Kakanin Makers Inc.", "pampangakakanin.ph"),
            ),
            "distributor": (
                ("Luzon Pasalubong Distributors Corp.", "luzonpasalubong.com.ph"),
                ("Visayas Food Trading", "visayasfood.com.ph"),
                ("Mindanao Delicacies Supply", "mindanaodelicacies.ph"),
            ),
            "channel_partner": (
                ("Tiangge Online Marketplace", "tianggeonline.ph"),
                ("Bahay Kubo Souvenir Shops", "bahaykubo.ph"),
                ("Pinoy Mall Kiosks Inc.", "pinoymallkiosks.ph"),
            ),
            "agency": (
                ("Bayanihan Creative Agency", "bayanihancreative.ph"),
                ("Sampaguita Digital Marketing", "sampaguitadigital.ph"),
                ("Jeepney Media Group", "jeepneymedia.ph"),
            ),
            "intermediary": (
                ("Mabilis Padala Logistics", "mabilispadala.ph"),
                ("Barangay Pay Remittance", "barangaypay.ph"),
                ("Maynila Customs Brokerage", "maynilabrokerage.ph"),
            ),
            "shareholder": (
                ("Reyes Family Holdings", "reyesholdings.ph"),
                ("Rosa Santos (tagapagtatag)", ""),
                ("Bautista & Cruz Partners", ""),
            ),
            "investor": (
                ("Kalayaan Ventures", "kalayaanventures.ph"),
                ("Perlas Angel Investors Network", "perlasangels.ph"),
                ("MSME Growth Fund Philippines", "msmegrowthfund.ph"),
            ),
            "analyst": (
                ("Philippine Retail Insights", "retailinsights.ph"),
                ("Pulso ng Merkado Research", "pulsongmerkado.ph"),
                ("Archipelago Market Analytics", "archipelagoanalytics.ph"),
            ),
        },
    ),
}
