"""Detecting the text encoding of CSV files: BOMs, UTF-8/16 and the legacy code pages of our markets."""

import unicodedata

import pytest

from patron.imports.reading import FileRefused, open_table

THAI = "สมชาย ใจดี"
TURKISH = "Şükrü Işık, İstanbul"
VIETNAMESE = "Nguyễn Văn An"


def write(tmp_path, content, name="export.csv"):
    path = tmp_path / name
    path.write_bytes(content)
    return path


def read_all(path, **options):
    with open_table(path, **options) as table:
        return table, list(table.rows())


def nfc(text):
    return unicodedata.normalize("NFC", text)


def cp1258_bytes(text):
    """Encode as Vietnamese Windows does: precomposed letters where cp1258 has them, tones combining."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    result = bytearray()
    for char in unicodedata.normalize("NFC", text):
        try:
            result += char.encode("cp1258")
        except UnicodeEncodeError:
            decomposed = unicodedata.normalize("NFD", char)
            letter = "".join(mark for mark in decomposed if mark not in tones)
            tone = "".join(mark for mark in decomposed if mark in tones)
            result += unicodedata.normalize("NFC", letter).encode("cp1258") + tone.encode("cp1258")
    return bytes(result)


def test_thai_cp874_is_detected_and_decoded(tmp_path):
    content = f"ชื่อ,โทรศัพท์\n{THAI},0812345678\nวิไลวรรณ ศรีสุข,0898765432\n"
    table, rows = read_all(write(tmp_path, content.encode("cp874")))
    assert table.encoding == "cp874"
    assert table.header == ["ชื่อ", "โทรศัพท์"]
    assert rows[0].values == [THAI, "0812345678"]


def test_turkish_cp1254_is_detected_and_decoded(tmp_path):
    content = f'Ad,Adres\nŞükrü Işık,"{TURKISH}"\nAyşe Gül Çağlar,Ankara\n'
    table, rows = read_all(write(tmp_path, content.encode("cp1254")))
    assert table.encoding == "cp1254"
    assert rows[0].values == ["Şükrü Işık", TURKISH]


def test_vietnamese_cp1258_is_detected_and_returned_nfc(tmp_path):
    content = cp1258_bytes(f"Họ tên,Thành phố\n{VIETNAMESE},Hà Nội\nTrần Thị Bích,Đà Nẵng\n")
    table, rows = read_all(write(tmp_path, content))
    assert table.encoding == "cp1258"
    assert table.header == ["Họ tên", "Thành phố"]
    assert rows[0].values == [VIETNAMESE, "Hà Nội"]
    assert rows[1].values == [nfc("Trần Thị Bích"), nfc("Đà Nẵng")]
    assert all(unicodedata.is_normalized("NFC", value) for row in rows for value in row.values)


def test_thai_mixed_with_latin_product_names_is_cp874(tmp_path):
    content = "สินค้า,ราคา\niPhone 15 สีดำ,35900\nเคสมือถือ Samsung,199\n"
    table, rows = read_all(write(tmp_path, content.encode("cp874")))
    assert table.encoding == "cp874"
    assert rows[0].values == ["iPhone 15 สีดำ", "35900"]


def test_turkish_capitals_are_cp1254_not_vietnamese(tmp_path):
    content = "Firma,Şehir\nİŞ BANKASI A.Ş.,İSTANBUL\nGÜLŞEN ÇAKIR,İzmir\n"
    table, rows = read_all(write(tmp_path, content.encode("cp1254")))
    assert table.encoding == "cp1254"
    assert rows[0].values == ["İŞ BANKASI A.Ş.", "İSTANBUL"]


def test_chinese_gb18030_is_not_mistaken_for_thai(tmp_path):
    content = "姓名,城市\n张伟,北京市朝阳区\n李娜,上海\n" * 3
    table, rows = read_all(write(tmp_path, content.encode("gb18030")))
    assert table.encoding != "cp874"
    assert rows[0].values == ["张伟", "北京市朝阳区"]


def test_windows_1252_is_detected(tmp_path):
    table, rows = read_all(write(tmp_path, "name,city\nJosé Peña,Cebu\n".encode("cp1252")))
    assert table.encoding == "cp1252"
    assert rows[0].values == ["José Peña", "Cebu"]


def test_utf8_without_bom(tmp_path):
    table, rows = read_all(write(tmp_path, f"name\n{THAI}\n{VIETNAMESE}\n".encode()))
    assert table.encoding == "utf-8"
    assert [row.values for row in rows] == [[THAI], [VIETNAMESE]]


def test_utf8_bom_is_not_part_of_the_first_column_name(tmp_path):
    table, rows = read_all(write(tmp_path, f"name,city\n{TURKISH}\n".encode("utf-8-sig")))
    assert table.encoding == "utf-8-sig"
    assert table.header == ["name", "city"]
    assert rows[0].values == ["Şükrü Işık", " İstanbul"]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom(tmp_path, codec):
    bom = "\ufeff".encode(codec)
    table, rows = read_all(write(tmp_path, bom + f"name\tphone\r\n{THAI}\t081\r\n".encode(codec)))
    assert table.encoding == "utf-16"
    assert table.delimiter == "\t"
    assert rows[0].values == [THAI, "081"]


def test_utf16_without_bom_is_recognised_by_its_nuls(tmp_path):
    table, rows = read_all(write(tmp_path, "name,phone\r\nMaria Santos,0917\r\n".encode("utf-16-le")))
    assert table.encoding == "utf-16-le"
    assert rows[0].values == ["Maria Santos", "0917"]


def test_explicit_encoding_wins_over_detection(tmp_path):
    # Valid UTF-8 bytes, but the caller knows it is Windows-1252.
    path = write(tmp_path, "name\nJosé\n".encode())
    table, rows = read_all(path, encoding="cp1252")
    assert table.encoding == "cp1252"
    assert rows[0].values == ["JosÃ©"]


def test_windows_874_alias_is_accepted(tmp_path):
    table, rows = read_all(write(tmp_path, f"name\n{THAI}\n".encode("cp874")), encoding="Windows-874")
    assert table.encoding == "cp874"
    assert rows[0].values == [THAI]


def test_unknown_encoding_name_is_refused(tmp_path):
    with pytest.raises(FileRefused, match="Unknown text encoding"):
        open_table(write(tmp_path, b"a,b\n1,2\n"), encoding="klingon-8")


def test_bytes_to_bytes_codec_is_refused_as_encoding(tmp_path):
    with pytest.raises(FileRefused, match="Unknown text encoding"):
        open_table(write(tmp_path, b"a,b\n1,2\n"), encoding="base64")
