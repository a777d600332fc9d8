"""Personal names for the demo shops, with how common each surname is.

Each name is written in its own script. Thai names carry a Latin spelling (RTGS, as Thais
write them in e-mail addresses); for Latin-script names the spelling is the name itself and
e-mail addresses come from folding it. Surname weights are shares of the population in
per cent where published figures exist (Vietnam, Turkey, the Philippines: the top names);
the rest of each list is the long tail, and Thai surnames are nearly flat because almost
every Thai family name is unique to one lineage.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Name:
    local: str
    latin: str
    weight: float = 1.0


def _weighted(text):
    """'Nguyễn 38.4, Trần 12.1' -> Names with those weights."""
    names = []
    for item in text.split(","):
        name, weight = item.strip().rsplit(" ", 1)
        names.append(Name(name, name, float(weight)))
    return names


def _plain(text, decay=0.6):
    """Names separated by commas, most common first; weights fall off as rank**-decay."""
    items = [item.strip() for item in text.split(",") if item.strip()]
    return [Name(item, item, 1 / (rank + 1) ** decay) for rank, item in enumerate(items)]


def _thai(text, decay=0.6):
    """One 'ไทย Latin' pair per line, most common first."""
    pairs = [line.split() for line in text.strip().splitlines()]
    return [Name(thai, latin, 1 / (rank + 1) ** decay) for rank, (thai, latin) in enumerate(pairs)]


SURNAMES = {
    "VN": _weighted(
        "Nguyễn 38.4, Trần 12.1, Lê 9.5, Phạm 7.0, Hoàng 3.0, Huỳnh 2.1, Phan 4.5, Vũ 2.0, Võ 1.9, "
        "Đặng 2.1, Bùi 2.0, Đỗ 1.4, Hồ 1.3, Ngô 1.3, Dương 1.0, Lý 0.5, Trương 0.8, Đinh 0.7, "
        "Lâm 0.6, Mai 0.6, Trịnh 0.5, Đoàn 0.5, Cao 0.5, Lương 0.4, Hà 0.4, Tạ 0.3, Lưu 0.3, "
        "Châu 0.3, Tô 0.3, Quách 0.2, Phùng 0.2, Thái 0.2, Kiều 0.2, La 0.2, Triệu 0.2, Tăng 0.1, "
        "Mạc 0.1, Khúc 0.1, Chu 0.1, Ninh 0.1"
    ),
    "TR": _weighted(
        "Yılmaz 13.5, Kaya 9.7, Demir 9.4, Şahin 7.4, Çelik 7.1, Yıldız 6.9, Yıldırım 6.4, "
        "Öztürk 5.8, Aydın 5.7, Özdemir 5.5, Arslan 5.2, Doğan 5.1, Kılıç 4.6, Aslan 4.3, Çetin 4.1, "
        "Kara 4.0, Koç 3.9, Kurt 3.7, Özkan 3.6, Şimşek 3.5, Polat 3.3, Özcan 3.2, Korkmaz 3.1, "
        "Çakır 3.0, Erdoğan 2.9, Yavuz 2.8, Can 2.7, Acar 2.6, Şen 2.5, Aktaş 2.5, Güler 2.4, "
        "Yalçın 2.4, Güneş 2.3, Bozkurt 2.3, Bulut 2.2, Keskin 2.2, Ünal 2.1, Turan 2.1, Gül 2.0, "
        "Özer 2.0, Işık 1.9, Kaplan 1.9, Avcı 1.8, Sarı 1.8, Tekin 1.8, Taş 1.7, Köse 1.7, "
        "Yüksel 1.7, Ateş 1.6, Aksoy 1.6, Karataş 1.5, Uçar 1.5, Ekinci 1.4, Akın 1.4, Güven 1.3, "
        "Başaran 1.2, Erdem 1.2, Altun 1.1, Akbulut 1.1, Uysal 1.1, Karakaya 1.0, Sönmez 1.0, "
        "Duman 1.0, Tunç 1.0, Çiftçi 0.9, Bayram 0.9, Eren 0.9, Coşkun 0.9, Ergün 0.8, Şeker 0.8, "
        "Özgür 0.8, Gündoğdu 0.8, Akgül 0.7, Demirci 0.7, Ünlü 0.7, Türkmen 0.7, Oğuz 0.7, "
        "Kahraman 0.7, Durmaz 0.6, Uslu 0.6, İnce 0.6, Ilgaz 0.5, Öztekin 0.5, Kocaman 0.5"
    ),
    "PH": _weighted(
        "Santos 3.2, Reyes 2.9, Cruz 2.6, Bautista 2.2, Ocampo 1.9, Garcia 1.9, Mendoza 1.8, "
        "Torres 1.7, Tomas 1.6, Andrada 1.5, Castillo 1.5, Flores 1.4, Villanueva 1.4, Ramos 1.4, "
        "Castro 1.3, Rivera 1.3, Aquino 1.2, Navarro 1.2, Salazar 1.1, Mercado 1.1, Dela Cruz 1.0, "
        "Gonzales 1.0, Lopez 1.0, Hernandez 0.9, Perez 0.9, Del Rosario 0.9, De Guzman 0.9, "
        "Domingo 0.8, Pascual 0.8, Santiago 0.8, Fernandez 0.8, Aguilar 0.7, Soriano 0.7, "
        "Valdez 0.7, Gomez 0.7, Manalo 0.6, Dizon 0.6, Mariano 0.6, Francisco 0.6, Bernardo 0.6, "
        "Morales 0.5, Gutierrez 0.5, Rosales 0.5, Sarmiento 0.5, Tolentino 0.5, Panganiban 0.4, "
        "Dimaculangan 0.4, Magbanua 0.4, Macaraeg 0.4, Lacson 0.4, Evangelista 0.4, Alcantara 0.4, "
        "Agustin 0.4, Ferrer 0.4, Medina 0.4, Miranda 0.4, Padilla 0.4, Velasco 0.4, Vergara 0.4, "
        "Sison 0.3, Roxas 0.3, Lim 0.3, Tan 0.3, Sy 0.3, Chua 0.3, Yap 0.3, Ong 0.3, Go 0.2, "
        "Quiambao 0.2, Mangubat 0.2, Samonte 0.2, Evangelio 0.2"
    ),
    "TH": _thai(
        """
        แสงทอง Saengthong
        ทองดี Thongdee
        ศรีสุข Srisuk
        บุญมา Boonma
        สุขสวัสดิ์ Suksawat
        วงศ์สวัสดิ์ Wongsawat
        จันทร์แก้ว Chankaew
        ศรีวงศ์ Sriwong
        พรหมมา Phromma
        แก้วมณี Kaewmanee
        ทองคำ Thongkham
        บุญเรือง Boonruang
        สมบูรณ์ Somboon
        รุ่งเรือง Rungruang
        เจริญสุข Charoensuk
        ศรีสวัสดิ์ Srisawat
        มีสุข Meesuk
        อินทร์แก้ว Inkaew
        ชัยมงคล Chaimongkol
        ปัญญาดี Panyadee
        พึ่งบุญ Phungboon
        คงสมบูรณ์ Khongsomboon
        ทองมา Thongma
        สายทอง Saithong
        แก้วประเสริฐ Kaewprasert
        ศรีประเสริฐ Sriprasert
        วงศ์ใหญ่ Wongyai
        จันทร์หอม Chanhom
        บุญประเสริฐ Boonprasert
        เพชรรัตน์ Phetcharat
        สุวรรณรัตน์ Suwannarat
        อ่อนศรี Onsri
        นาคสุข Naksuk
        ทองประเสริฐ Thongprasert
        เรืองศรี Ruangsri
        สุขเจริญ Sukcharoen
        ชัยประเสริฐ Chaiprasert
        ศรีทอง Srithong
        บุญยืน Boonyuen
        ภักดี Phakdee
        สมใจ Somjai
        ใจดี Jaidee
        รักไทย Rakthai
        พานทอง Phanthong
        จันทร์ดี Chandee
        มณีวงศ์ Maneewong
        เกษมสุข Kasemsuk
        ประเสริฐศรี Prasertsri
        ทรัพย์สมบูรณ์ Sapsomboon
        วิเศษศักดิ์ Wisetsak
        อุดมสุข Udomsuk
        กิตติศักดิ์ Kittisak
        ศิริวัฒน์ Siriwat
        สุวรรณศรี Suwannasri
        พงษ์พันธ์ Phongphan
        ธนสาร Thanasan
        นิลสุวรรณ Ninsuwan
        แสงอรุณ Saengarun
        ทองสุข Thongsuk
        ศรีสมบูรณ์ Srisomboon
        บุญส่ง Boonsong
        แซ่ตั้ง Saetang
        แซ่ลิ้ม Saelim
        แซ่เฮ้ง Saeheng
        แซ่อึ้ง Saeung
        แซ่ลี้ Saelee
        แซ่จิว Saechiu
        ตันติวงศ์ Tantiwong
        ลิ้มประเสริฐ Limprasert
        ชาญวิทย์ Chanwit
        วัฒนา Watthana
        วัฒนสุข Watthanasuk
        จิตรภักดี Chitphakdee
        โพธิ์ทอง Phothong
        โพธิ์ศรี Phosri
        ขุนทอง Khunthong
        ดวงแก้ว Duangkaew
        ดวงจันทร์ Duangchan
        หอมจันทร์ Homchan
        คำแก้ว Khamkaew
        คำมา Khamma
        คำภา Khampha
        บุญทา Boontha
        สีดา Sida
        นามวงศ์ Namwong
        ศรีบุญเรือง Sriboonruang
        พิมพ์ทอง Phimthong
        กาญจนวงศ์ Kanchanawong
        ทองเจริญ Thongcharoen
        เจริญผล Charoenphon
        เจริญศรี Charoensri
        อินทรประเสริฐ Intharaprasert
        ประทุมทอง Prathumthong
        ปัญญาวงศ์ Panyawong
        ศรีเมือง Srimuang
        สุขประเสริฐ Sukprasert
        แก้วสว่าง Kaewsawang
        บุญมี Boonmee
        มั่นคง Mankhong
        ยอดดี Yoddee
        ยิ่งยง Yingyong
        รัตนพันธ์ Rattanaphan
        รัตนวงศ์ Rattanawong
        สว่างวงศ์ Sawangwong
        สิทธิชัย Sitthichai
        หาญกล้า Hankla
        ชูศรี Chusri
        ชื่นใจ Chuenjai
        บุญช่วย Boonchuay
        เพ็ชรสุวรรณ Phetsuwan
        มหาวงศ์ Mahawong
        วิเศษสุวรรณ Wisetsuwan
        ศรีสุวรรณ Srisuwan
        สายสุวรรณ Saisuwan
        อินทร์ทอง Inthong
        จันทร์ศรี Chansri
        """,
        decay=0.15,
    ),
}

GIVEN_NAMES = {
    "VN": {
        "male": _plain(
            "Minh, Hùng, Dũng, Tuấn, Nam, Hải, Huy, Đức, Long, Quân, Thành, Sơn, Phong, Khoa, An, "
            "Bình, Cường, Duy, Hiếu, Hoàng, Khang, Khánh, Nghĩa, Phúc, Quang, Tài, Thắng, Thịnh, "
            "Toàn, Trung, Việt, Vinh, Bảo, Đạt, Hưng, Kiên, Lâm, Lộc, Tâm, Tùng"
        ),
        "female": _plain(
            "Linh, Trang, Hương, Lan, Anh, Ngọc, Thảo, Hà, Mai, Phương, Hoa, Hằng, Hạnh, Hiền, Huyền, "
            "Nhung, Thủy, Yến, Vy, Nhi, Châu, Chi, Diệp, Dung, Giang, Hồng, Loan, My, Nga, Ngân, "
            "Oanh, Quyên, Quỳnh, Thu, Trâm, Tuyết, Uyên, Vân, Hân, Thư"
        ),
    },
    "TR": {
        "male": _plain(
            "Mehmet, Mustafa, Ahmet, Ali, Hüseyin, Hasan, İbrahim, İsmail, Osman, Yusuf, Murat, "
            "Ömer, Ramazan, Halil, Süleyman, Abdullah, Mahmut, Recep, Salih, Fatih, Kadir, Emre, "
            "Burak, Serkan, Onur, Yasin, Kemal, Can, Eren, Barış, Oğuz, Çağlar, Gökhan, Ümit, "
            "Şükrü, Erkan, Tolga, Uğur, Hakan, Berk"
        ),
        "female": _plain(
            "Fatma, Ayşe, Emine, Hatice, Zeynep, Elif, Meryem, Şerife, Zehra, Sultan, Hanife, Merve, "
            "Özlem, Yasemin, Hülya, Esra, Büşra, Derya, Gül, Songül, Tuğba, Gülşen, Şeyma, Sevgi, "
            "Ebru, Dilek, Çiğdem, Gökçe, Ece, İrem, Özge, Şule, Yağmur, Nazlı, Ümran, Aslı, Buse, "
            "Kübra, Cansu, Nur"
        ),
    },
    "PH": {
        "male": _plain(
            "Jose, Juan, Mark, John Paul, Michael, Christian, Jerome, Ramon, Antonio, Eduardo, "
            "Rodrigo, Ronaldo, Angelo, Carlo, Paolo, Miguel, Gabriel, Joshua, Rafael, Jericho, "
            "Ariel, Romeo, Danilo, Ferdinand, Noel, Renato, Jomar, Reynaldo, Benjie, Jayson, "
            "Kristoffer, Emmanuel"
        ),
        "female": _plain(
            "Maria, Ana, Kristine, Jennifer, Mary Grace, Rowena, Marites, Maricel, Jocelyn, Rosalie, "
            "Angelica, Princess, Nicole, Camille, Patricia, Andrea, Erlinda, Teresita, Lourdes, "
            "Rosario, Divina, Luzviminda, Jasmine, Kimberly, Bea, Czarina, Joy, Liza, Marilou, "
            "Cherry, Mylene, Rhea"
        ),
    },
    "TH": {
        "male": _thai(
            """
            สมชาย Somchai
            สมศักดิ์ Somsak
            ประเสริฐ Prasert
            สุรชัย Surachai
            วิชัย Wichai
            ธนากร Thanakorn
            ณัฐพล Nattaphon
            กิตติพงษ์ Kittiphong
            อนุชา Anucha
            ชัยวัฒน์ Chaiwat
            ธีรวัฒน์ Theerawat
            ปิยะพงษ์ Piyaphong
            วรวุฒิ Worawut
            สุทธิพงษ์ Sutthiphong
            พงศกร Phongsakorn
            อภิชาติ Aphichat
            ศุภชัย Supachai
            ธนวัฒน์ Thanawat
            ภานุวัฒน์ Phanuwat
            จิรายุ Jirayu
            ณัฐวุฒิ Nattawut
            กฤษดา Kritsada
            เอกชัย Ekkachai
            บุญชัย Boonchai
            วีระพงษ์ Weeraphong
            สมพงษ์ Somphong
            ธนพล Thanaphon
            ภูมิ Phum
            ปกรณ์ Pakorn
            อาทิตย์ Athit
            """
        ),
        "female": _thai(
            """
            สมหญิง Somying
            สุนีย์ Sunee
            มาลี Malee
            วันเพ็ญ Wanphen
            กัลยา Kanlaya
            ศิริพร Siriporn
            สุภาพร Supaporn
            นภา Napha
            พรทิพย์ Pornthip
            รัตนา Rattana
            อรุณี Arunee
            จันทร์เพ็ญ Chanphen
            ปิยะนุช Piyanut
            วราภรณ์ Waraporn
            กนกวรรณ Kanokwan
            ณัฐธิดา Natthida
            พิมพ์ชนก Pimchanok
            ชนิดา Chanida
            อัญชลี Anchalee
            สุดารัตน์ Sudarat
            ธิดารัตน์ Thidarat
            เบญจวรรณ Benjawan
            ปวีณา Paweena
            ศศิธร Sasithorn
            ลัดดา Ladda
            อรทัย Orathai
            จิราพร Jiraporn
            กมลชนก Kamonchanok
            ธัญญารัตน์ Thanyarat
            พัชรี Patcharee
            """
        ),
    },
}

# Vietnamese middle names (tên đệm): Văn and Thị are the traditional ones, still the most common.
MIDDLE_NAMES = {
    "VN": {
        "male": _weighted(
            "Văn 30, Minh 12, Đức 9, Quốc 7, Thanh 6, Hữu 6, Công 5, Ngọc 4, Hoàng 4, Tuấn 3, "
            "Xuân 3, Gia 3, Thành 3, Quang 3, Anh 2"
        ),
        "female": _weighted(
            "Thị 35, Ngọc 10, Thu 7, Thanh 7, Minh 5, Phương 5, Kim 5, Bảo 4, Hồng 4, Mai 3, "
            "Thùy 3, Khánh 3, Hoài 2, Diệu 2, Quỳnh 2"
        ),
    },
}
