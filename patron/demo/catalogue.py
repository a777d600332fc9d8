"""Each demo shop's products, with shelf prices in the local currency.

Thailand: a beauty shop; Vietnam: coffee and tea; Turkey: home textiles and kitchen;
the Philippines: a pasalubong (delicacies and crafts) store.
"""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class CatalogueItem:
    sku: str
    name: str
    category: str
    price: Decimal


def _catalogue(country, text):
    """One 'code | name | category | price' per line."""
    items = []
    for line in text.strip().splitlines():
        code, name, category, price = (part.strip() for part in line.split("|"))
        items.append(CatalogueItem(f"{country}-{code}", name, category, Decimal(price)))
    return items


CATALOGUES = {
    "TH": _catalogue(
        "TH",
        """
        SK01 | เซรั่มวิตามินซี 30 มล. | สกินแคร์ | 590
        SK02 | โฟมล้างหน้าสูตรอ่อนโยน 150 มล. | สกินแคร์ | 189
        SK03 | ครีมกันแดด SPF50+ PA++++ 50 มล. | สกินแคร์ | 390
        SK04 | มอยส์เจอไรเซอร์ไฮยาลูรอน 50 มล. | สกินแคร์ | 450
        SK05 | โทนเนอร์ชาเขียว 200 มล. | สกินแคร์ | 259
        SK06 | มาสก์หน้าว่านหางจระเข้ (แพ็ก 10 แผ่น) | สกินแคร์ | 199
        SK07 | ไนท์ครีมบำรุงผิว 50 กรัม | สกินแคร์ | 690
        SK08 | อายครีมลดรอยคล้ำ 15 มล. | สกินแคร์ | 520
        SK09 | คลีนซิ่งวอเตอร์ 400 มล. | สกินแคร์ | 290
        SK10 | เจลแต้มสิว 10 กรัม | สกินแคร์ | 159
        MU01 | ลิปสติกเนื้อแมตต์ | เมคอัพ | 299
        MU02 | ลิปบาล์มน้ำผึ้ง | เมคอัพ | 89
        MU03 | คุชชั่นฟาวน์เดชัน 15 กรัม | เมคอัพ | 490
        MU04 | แป้งพัฟคุมมัน 12 กรัม | เมคอัพ | 259
        MU05 | มาสคาร่ากันน้ำ | เมคอัพ | 229
        MU06 | อายไลเนอร์แบบปากกา | เมคอัพ | 179
        MU07 | บลัชออนเนื้อครีม | เมคอัพ | 249
        MU08 | พาเลทอายแชโดว์ 9 สี | เมคอัพ | 459
        MU09 | ดินสอเขียนคิ้ว 2 หัว | เมคอัพ | 129
        BD01 | สบู่สมุนไพรขมิ้น 100 กรัม | ดูแลผิวกาย | 59
        BD02 | สบู่น้ำนมข้าว 100 กรัม | ดูแลผิวกาย | 65
        BD03 | โลชั่นบำรุงผิวกายมะหาด 400 มล. | ดูแลผิวกาย | 279
        BD04 | สครับขัดผิวมะขาม 250 กรัม | ดูแลผิวกาย | 199
        BD05 | ครีมอาบน้ำกลิ่นมะลิ 500 มล. | ดูแลผิวกาย | 229
        BD06 | น้ำมันมะพร้าวสกัดเย็น 100 มล. | ดูแลผิวกาย | 149
        HR01 | แชมพูอัญชัน 300 มล. | ดูแลเส้นผม | 189
        HR02 | ครีมนวดผมมะกรูด 300 มล. | ดูแลเส้นผม | 189
        HR03 | ทรีตเมนต์บำรุงผมเสีย 250 กรัม | ดูแลเส้นผม | 320
        HR04 | เซรั่มบำรุงผม 50 มล. | ดูแลเส้นผม | 350
        FR01 | น้ำหอมกลิ่นดอกลีลาวดี 30 มล. | น้ำหอม | 890
        FR02 | น้ำหอมกลิ่นมะลิ 50 มล. | น้ำหอม | 1290
        HB01 | ยาดมสมุนไพร | สมุนไพรไทย | 39
        HB02 | ยาหม่องสมุนไพร 50 กรัม | สมุนไพรไทย | 79
        HB03 | ลูกประคบสมุนไพร | สมุนไพรไทย | 120
        GF01 | ชุดของขวัญสปาไทย | ชุดของขวัญ | 1590
        GF02 | ชุดของขวัญสกินแคร์ 3 ชิ้น | ชุดของขวัญ | 1890
        GF03 | ชุดบำรุงผิวขนาดพกพา | ชุดของขวัญ | 399
        TL01 | แปรงแต่งหน้า ชุด 8 ชิ้น | อุปกรณ์ความงาม | 690
        TL02 | ฟองน้ำแต่งหน้า | อุปกรณ์ความงาม | 99
        TL03 | เครื่องล้างหน้าไฟฟ้า | อุปกรณ์ความงาม | 2490
        """,
    ),
    "VN": _catalogue(
        "VN",
        """
        CF01 | Cà phê Robusta Buôn Ma Thuột rang mộc 500g | Cà phê hạt | 165000
        CF02 | Cà phê Arabica Cầu Đất 250g | Cà phê hạt | 185000
        CF03 | Cà phê Culi nguyên chất 500g | Cà phê hạt | 190000
        CF04 | Cà phê Moka Cầu Đất 250g | Cà phê hạt | 240000
        CF05 | Cà phê Espresso phối trộn 1kg | Cà phê hạt | 420000
        CF06 | Cà phê chồn Đắk Lắk 250g | Cà phê hạt | 1250000
        CB01 | Cà phê bột pha phin truyền thống 500g | Cà phê bột | 140000
        CB02 | Cà phê phin giấy (hộp 10 gói) | Cà phê bột | 89000
        CI01 | Cà phê hòa tan 3 trong 1 (hộp 20 gói) | Cà phê hòa tan | 75000
        CI02 | Cà phê sữa đá hòa tan (hộp 10 gói) | Cà phê hòa tan | 55000
        CI03 | Cà phê Cold Brew chai 250ml | Cà phê hòa tan | 45000
        CI04 | Cà phê sữa đóng lon (lốc 6 lon) | Cà phê hòa tan | 78000
        TR01 | Trà sen Tây Hồ hộp 100g | Trà | 650000
        TR02 | Trà Shan tuyết Hà Giang 200g | Trà | 320000
        TR03 | Trà Thái Nguyên Tân Cương 500g | Trà | 280000
        TR04 | Trà ô long Bảo Lộc 250g | Trà | 230000
        TR05 | Trà lài 200g | Trà | 120000
        TR06 | Trà atiso Đà Lạt (hộp 50 túi lọc) | Trà | 95000
        TR07 | Trà gừng mật ong (hộp 20 gói) | Trà | 65000
        TR08 | Trà cúc La Phù 100g | Trà | 150000
        DC01 | Phin cà phê nhôm | Dụng cụ pha chế | 35000
        DC02 | Phin cà phê inox cao cấp | Dụng cụ pha chế | 120000
        DC03 | Bình pha cà phê kiểu Pháp 600ml | Dụng cụ pha chế | 350000
        DC04 | Cối xay cà phê cầm tay | Dụng cụ pha chế | 490000
        DC05 | Ấm pha trà gốm Bát Tràng | Dụng cụ pha chế | 450000
        DC06 | Bộ ấm chén men lam 6 chén | Dụng cụ pha chế | 1150000
        DC07 | Ly thủy tinh hai lớp 300ml | Dụng cụ pha chế | 95000
        DC08 | Ca đánh sữa inox 350ml | Dụng cụ pha chế | 180000
        DC09 | Giấy lọc cà phê (100 tờ) | Dụng cụ pha chế | 60000
        DC10 | Máy pha cà phê espresso mini | Dụng cụ pha chế | 3450000
        QT01 | Hộp quà Tết cà phê và trà | Quà tặng | 890000
        QT02 | Giỏ quà Trung thu trà sen | Quà tặng | 1450000
        QT03 | Hộp quà cà phê đặc sản ba vị | Quà tặng | 560000
        DS01 | Bánh pía sầu riêng Sóc Trăng (hộp 4 cái) | Đặc sản | 85000
        DS02 | Mứt gừng 250g | Đặc sản | 70000
        DS03 | Hạt điều rang muối Bình Phước 500g | Đặc sản | 210000
        DS04 | Hạt mắc ca Đắk Lắk 500g | Đặc sản | 280000
        DS05 | Kẹo dừa Bến Tre 400g | Đặc sản | 55000
        DS06 | Sô-cô-la đen Tiền Giang 80g | Đặc sản | 115000
        """,
    ),
    "TR": _catalogue(
        "TR",
        """
        BT01 | Pamuklu havlu seti (4'lü) | Banyo tekstili | 899.90
        BT02 | Peştemal, el dokuması | Banyo tekstili | 349.90
        BT03 | Pamuklu bornoz | Banyo tekstili | 1299.90
        BT04 | Banyo paspası seti | Banyo tekstili | 399.90
        YT01 | Çift kişilik saten nevresim takımı | Yatak odası | 1899.90
        YT02 | Tek kişilik nevresim takımı | Yatak odası | 1149.90
        YT03 | Çift kişilik pike takımı | Yatak odası | 1599.90
        YT04 | Elyaf yastık (2'li) | Yatak odası | 599.90
        YT05 | Yün yorgan, çift kişilik | Yatak odası | 2999.90
        MT01 | Çelik çaydanlık takımı | Mutfak | 1249.90
        MT02 | Döküm tencere 24 cm | Mutfak | 2499.90
        MT03 | Granit tava 28 cm | Mutfak | 899.90
        MT04 | Düdüklü tencere 6 L | Mutfak | 1999.90
        MT05 | Bıçak seti (5 parça) | Mutfak | 1099.90
        MT06 | Ahşap kesme tahtası | Mutfak | 279.90
        MT07 | Cam saklama kabı seti (5'li) | Mutfak | 399.90
        MT08 | Baharatlık seti | Mutfak | 349.90
        MT09 | Mutfak önlüğü | Mutfak | 169.90
        MT10 | Türk kahvesi makinesi | Mutfak | 2799.90
        MT11 | Elektrikli semaver | Mutfak | 3299.90
        SF01 | İnce belli çay bardağı seti (6'lı) | Sofra | 299.90
        SF02 | Çay tabağı seti (6'lı) | Sofra | 199.90
        SF03 | Türk kahvesi fincan takımı (6'lı) | Sofra | 749.90
        SF04 | Porselen yemek takımı (24 parça) | Sofra | 3499.90
        SF05 | Dantel masa örtüsü | Sofra | 449.90
        SF06 | Çini desenli kase | Sofra | 249.90
        KC01 | Bakır cezve | Kahve ve çay | 449.90
        KC02 | Türk kahvesi 250 g | Kahve ve çay | 189.90
        KC03 | Rize çayı 1 kg | Kahve ve çay | 259.90
        KC04 | Çifte kavrulmuş lokum 500 g | Kahve ve çay | 249.90
        DK01 | Kilim desenli yastık kılıfı | Dekorasyon | 189.90
        DK02 | El yapımı seramik vazo | Dekorasyon | 599.90
        DK03 | Nazar boncuklu duvar süsü | Dekorasyon | 149.90
        DK04 | Sandal ağacı kokulu mum | Dekorasyon | 229.90
        DK05 | Lavanta oda kokusu | Dekorasyon | 199.90
        HD01 | Zeytinyağlı hamam sabunu seti (3'lü) | Hediyelik | 159.90
        HD02 | Limon kolonyası 400 ml | Hediyelik | 129.90
        HD03 | Fincan hediye kutusu | Hediyelik | 549.90
        HD04 | Çeyiz paketi | Hediyelik | 5999.90
        """,
    ),
    "PH": _catalogue(
        "PH",
        """
        MT01 | Pinatuyong Mangga ng Cebu 200g | Matatamis | 185
        MT02 | Ube Halaya sa garapon 340g | Matatamis | 260
        MT03 | Yema Spread 250g | Matatamis | 180
        MT04 | Polvoron (kahon ng 12) | Matatamis | 150
        MT05 | Otap ng Cebu | Matatamis | 95
        MT06 | Piaya ng Bacolod (10 piraso) | Matatamis | 140
        MT07 | Barquillos (lata) | Matatamis | 220
        MT08 | Pastillas de Leche (24 piraso) | Matatamis | 160
        KK01 | Buko Pie | Kakanin at tinapay | 350
        KK02 | Hopia Ube (kahon ng 6) | Kakanin at tinapay | 120
        KK03 | Espasol | Kakanin at tinapay | 110
        KK04 | Ensaymada (kahon ng 6) | Kakanin at tinapay | 390
        KK05 | Leche Flan sa llanera | Kakanin at tinapay | 280
        IN01 | Tablea de Cacao 250g | Kape at tsokolate | 175
        IN02 | Kapeng Barako ng Batangas 500g | Kape at tsokolate | 320
        IN03 | Kapeng Arabica ng Benguet 250g | Kape at tsokolate | 380
        IN04 | Salabat instant (20 sachet) | Kape at tsokolate | 150
        IN05 | Tsokolate de Batirol set | Kape at tsokolate | 480
        IN06 | Calamansi concentrate 1L | Kape at tsokolate | 210
        IN07 | Lambanog 750ml | Kape at tsokolate | 450
        SW01 | Bagoong Alamang 500g | Sawsawan at pampalasa | 190
        SW02 | Sukang Iloko 1L | Sawsawan at pampalasa | 95
        SW03 | Sukang Pinakurat 375ml | Sawsawan at pampalasa | 120
        SW04 | Patis 750ml | Sawsawan at pampalasa | 85
        PG01 | Chicharon ng Carcar 250g | Pangmeryenda | 230
        PG02 | Gourmet Tuyo sa bote 230g | Pangmeryenda | 280
        PG03 | Danggit ng Cebu 250g | Pangmeryenda | 420
        PG04 | Adobo Flakes 200g | Pangmeryenda | 260
        PG05 | Banana Chips 250g | Pangmeryenda | 90
        PG06 | Butong Pakwan 200g | Pangmeryenda | 85
        PG07 | Adobong Mani 250g | Pangmeryenda | 95
        GK01 | Banig na hinabi | Gawang-kamay | 1200
        GK02 | Abaniko | Gawang-kamay | 150
        GK03 | Bayong na buri | Gawang-kamay | 650
        GK04 | Parol na capiz (katamtaman) | Gawang-kamay | 1450
        GK05 | Bag na sinamay | Gawang-kamay | 580
        GK06 | Sandok at tinidor na kahoy | Gawang-kamay | 320
        RG01 | Pasalubong gift box (maliit) | Pang-regalo | 850
        RG02 | Pasalubong gift box (malaki) | Pang-regalo | 1950
        RG03 | Noche Buena basket | Pang-regalo | 3500
        """,
    ),
}
