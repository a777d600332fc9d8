"""A text encoding chosen for a file it does not fit refuses the file with a sentence saying to
choose another, in the reader's language, whatever the encodings: never a raw decoding error."""

import pytest
from django.urls import reverse
from django.utils import translation

from patron.customers.models import Customer
from patron.imports.messages import on_the_web
from patron.imports.models import ImportRun
from patron.imports.reading import FileRefused, open_table
from patron.imports.tests.test_upload_pages import upload

THAI = "รหัสลูกค้า,ชื่อ,เบอร์โทร\r\nC001,สมศรี ใจดี,081 234 5678\r\nC002,สมชาย รักดี,089 765 4321\r\n"
TURKISH = "Müşteri No;Adı Soyadı\r\nT1;Şükrü Işık\r\nT2;Ayşe Çelik\r\n"
ASCII = "name,phone\nMaria Santos,0917 123 4567\nJuan Dela Cruz,0918 765 4321\n"
WRONG = [
    # (the file as its program wrote it, the encoding chosen for it)
    (THAI.encode("utf-8"), "utf-16"),  # UTF-8 read as UTF-16: the bytes pair up into nonsense
    (ASCII.encode("utf-8"), "utf-16"),  # an odd number of bytes, which UTF-16 cannot end on
    (ASCII.encode("utf-8") + b"\n", "utf-16"),  # an even number, that decodes without an error
    (ASCII.encode("utf-8"), "utf-32"),
    (THAI.encode("utf-8"), "cp874"),  # bytes Windows-874 does not define
    (THAI.encode("cp874"), "utf-8"),
    (TURKISH.encode("cp1254"), "utf-8"),
    (ASCII.encode("utf-16-le"), "utf-8"),  # UTF-16 without a BOM read as UTF-8: a NUL every other byte
    (ASCII.encode("utf-16-be"), "cp1252"),
    (THAI.encode("utf-16"), "utf-8"),  # with its BOM, which is not UTF-8
]


def write(tmp_path, content):
    path = tmp_path / "export.csv"
    path.write_bytes(content)
    return path


@pytest.mark.parametrize(("content", "encoding"), WRONG)
def test_a_wrong_encoding_refuses_the_file_saying_to_choose_another(tmp_path, content, encoding):
    path = write(tmp_path, content)
    with translation.override("en"), pytest.raises(FileRefused) as refused:
        open_table(path, encoding=encoding)
    message = refused.value.message
    assert message.msgid.startswith("This file cannot be read as %(encoding)s text")
    assert message.params == {"encoding": encoding}
    assert f"read as {encoding} text" in message and "--encoding" in message  # the command's words
    with translation.override("en"), on_the_web(), pytest.raises(FileRefused) as refused:
        open_table(path, encoding=encoding)
    assert "“Text encoding”" in refused.value.message and "--encoding" not in refused.value.message


@pytest.mark.parametrize(
    ("content", "encoding", "first"),
    [
        (THAI.encode("utf-16"), "utf-16", ["C001", "สมศรี ใจดี", "081 234 5678"]),
        (ASCII.encode("utf-16-le"), "utf-16-le", ["Maria Santos", "0917 123 4567"]),
        (THAI.encode("cp874"), "cp874", ["C001", "สมศรี ใจดี", "081 234 5678"]),
        (TURKISH.encode("cp1254"), "cp1254", ["T1", "Şükrü Işık"]),
        (THAI.encode("utf-8-sig"), "utf-8", ["C001", "สมศรี ใจดี", "081 234 5678"]),
    ],
)
def test_the_right_encoding_reads_the_file(tmp_path, content, encoding, first):
    with open_table(write(tmp_path, content), encoding=encoding) as table:
        assert next(iter(table.rows())).values == first


def test_utf16_chosen_for_a_utf8_file_on_the_page_refuses_it_in_the_readers_language(signed_in, staff):
    client = signed_in("lan")  # reads Vietnamese
    upload(client, THAI, name="customers.csv", encoding="utf-16")
    run = ImportRun.objects.get()
    assert run.status == "refused", run.message  # refused by the preview's job, which did not fail
    assert run.said["msgid"].startswith("This file cannot be read as %(encoding)s text")
    page = client.get(reverse("imports:run", args=[run.pk])).content.decode()
    assert "UnicodeDecodeError" not in page and "“Bảng mã văn bản”" in page
    client.force_login(staff("somchai"))  # reads Thai
    with translation.override("th"):
        assert "“การเข้ารหัสข้อความ”" in run.shown_message
    assert run.file_deleted_at is not None and Customer.objects.count() == 0
