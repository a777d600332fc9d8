"""`patron import customers FILE`: rows become customers, bad rows are rejected, nothing twice."""

import csv
import json
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from patron.customers.models import Customer, ExternalId
from patron.customers.services import CustomerData, customer_create
from patron.imports.customers import ImportRefused, import_customers
from patron.imports.models import SourceMapping
from patron.imports.values import AmbiguousDates

THAI = (
    "รหัสลูกค้า,ชื่อ,เบอร์โทร,อีเมล\n"
    "C001,สมศรี ใจดี,081 234 5678,somsri@example.co.th\n"
    "C002,สมชาย รักดี,089-765-4321,somchai.r@example.co.th\n"
)


def write(tmp_path, text, name="customers.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(path, by, **options):
    options.setdefault("source", "pos")
    return import_customers(path, by=by, **options)


def customer(source_id, source="pos"):
    return ExternalId.objects.get(source=source, value=source_id).customer


def read_rejects(summary):
    with open(summary.reject_file, encoding="utf-8-sig", newline="") as file:
        return list(csv.reader(file))


def test_creates_customers_with_normalised_phones(somchai, thai_shop, tmp_path):
    summary = run(write(tmp_path, "id,name,phone\nA1,Somsak,081 234 5678\n"), somchai)
    assert summary.created == summary.customers_created == 1
    assert [p.normalised for p in customer("A1").phone_points] == ["+66812345678"]


def test_thai_headers_are_mapped(somchai, thai_shop, tmp_path):
    run(write(tmp_path, THAI), somchai)
    somsri = customer("C001")
    assert somsri.display_name == "สมศรี ใจดี"
    assert [e.value for e in somsri.email_points] == ["somsri@example.co.th"]
    assert [p.normalised for p in somsri.phone_points] == ["+66812345678"]


def test_importing_the_same_file_twice_changes_nothing(somchai, thai_shop, tmp_path):
    path = write(tmp_path, THAI)
    run(path, somchai)
    again = run(path, somchai)
    assert (again.read, again.unchanged, again.created, again.updated) == (2, 2, 0, 0)
    assert Customer.objects.count() == 2


def test_a_changed_row_updates_its_customer(somchai, thai_shop, tmp_path):
    run(write(tmp_path, THAI), somchai)
    changed = run(write(tmp_path, THAI.replace("สมศรี ใจดี", "สมศรี ใจงาม")), somchai)
    assert (changed.updated, changed.unchanged) == (1, 1)
    assert customer("C001").display_name == "สมศรี ใจงาม"
    assert Customer.objects.count() == 2


def test_several_emails_in_one_cell(somchai, thai_shop, tmp_path):
    run(write(tmp_path, 'id,name,email\nA1,An,"an@example.vn; an.work@example.vn"\n'), somchai)
    assert [e.value for e in customer("A1").email_points] == ["an@example.vn", "an.work@example.vn"]


BAD_ROWS = (
    "Mã KH,Họ tên,Số điện thoại,Email,Ngày sinh\n"
    "V1,Nguyễn Văn An,0901234567,an@example.vn,25/03/1990\n"
    "V2,Trần Thị Bình,12,binh@example.vn,\n"
    "V3,Lê Văn Cường,0912345678,not-an-email,\n"
    "V4,Phạm Thị Dung,0923456789,dung@example.vn,31/02/1990\n"
    "V1,Nguyễn Văn An lần hai,0934567890,,\n"
    "V5,Hoàng Văn Em,0945678901,em@example.vn,\n"
)


def test_bad_rows_are_rejected_with_row_and_column_and_the_others_land(somchai, thai_shop, tmp_path):
    summary = run(write(tmp_path, BAD_ROWS), somchai, country="VN")
    rejects = {(r.row, r.column) for r in summary.rejects}
    assert rejects == {(3, "Số điện thoại"), (4, "Email"), (5, "Ngày sinh"), (6, "Mã KH")}
    assert sorted(ExternalId.objects.values_list("value", flat=True)) == ["V1", "V5"]
    assert "first on row 2" in summary.rejects[-1].reason


def test_every_problem_of_a_row_is_in_its_reason(somchai, thai_shop, tmp_path):
    summary = run(write(tmp_path, "id,name,phone,email\nA1,Somsak,12,nope\n"), somchai)
    (reject,) = summary.rejects
    assert reject.column == "phone"
    assert "phone:" in reject.reason and "email:" in reject.reason
    assert Customer.objects.count() == 0


def test_counts_add_up(somchai, thai_shop, tmp_path):
    summary = run(write(tmp_path, BAD_ROWS), somchai, country="VN")
    assert (summary.read, summary.created, summary.rejected) == (6, 2, 4)
    assert summary.read == summary.created + summary.updated + summary.unchanged + summary.rejected


def test_reject_file_has_header_row_and_reason(somchai, thai_shop, tmp_path):
    summary = run(write(tmp_path, BAD_ROWS), somchai, country="VN")
    rows = read_rejects(summary)
    assert summary.reject_file == str(tmp_path / "customers.rejects.csv")
    assert rows[0] == ["Mã KH", "Họ tên", "Số điện thoại", "Email", "Ngày sinh", "row", "reason"]
    assert rows[1][:3] == ["V2", "Trần Thị Bình", "12"]
    assert rows[1][5] == "3"
    assert rows[1][6].startswith("Số điện thoại:")
    assert Path(summary.reject_file).read_bytes()[:3] == b"\xef\xbb\xbf"


def test_fixed_reject_file_can_be_imported_again(somchai, thai_shop, tmp_path):
    summary = run(write(tmp_path, BAD_ROWS), somchai, country="VN")
    fixed = tmp_path / "fixed.csv"
    text = Path(summary.reject_file).read_text(encoding="utf-8-sig")
    text = text.replace(",12,", ",0987654321,").replace("not-an-email", "cuong@example.vn")
    fixed.write_text(text.replace("31/02/1990", "28/02/1990").replace("V1,", "V6,"), encoding="utf-8")
    again = run(fixed, somchai, country="VN")
    assert (again.created, again.rejected) == (4, 0)
    assert customer("V4").birthday == date(1990, 2, 28)
    assert "row" not in customer("V2").attributes


def test_no_reject_file_without_rejects(somchai, thai_shop, tmp_path):
    summary = run(write(tmp_path, THAI), somchai)
    assert summary.reject_file is None
    assert not (tmp_path / "customers.rejects.csv").exists()


def test_phone_of_an_existing_customer_attaches(somchai, thai_shop, tmp_path):
    existing = customer_create(
        data=CustomerData(display_name="Emre Yılmaz", phones=["0532 123 45 67"], country="TR"), by=somchai
    )
    summary = run(write(tmp_path, "Müşteri No,Ad Soyad,Telefon\nT1,Emre Yılmaz,+90 532 123 45 67\n"), somchai)
    assert (summary.customers_matched, summary.updated, summary.customers_created) == (1, 1, 0)
    assert customer("T1") == existing


def test_unmapped_columns_are_kept_as_typed_attributes(somchai, thai_shop, tmp_path):
    text = "id,name,Sadakat Puanı,Bakiye,Üyelik,Şube\nT1,Ayşe,120,12.50,2024-01-15,Kadıköy\n"
    run(write(tmp_path, text), somchai)
    assert customer("T1").attributes == {
        "Sadakat Puanı": 120,
        "Bakiye": 12.5,
        "Üyelik": "2024-01-15",
        "Şube": "Kadıköy",
    }


def test_gender_words_are_mapped(somchai, thai_shop, tmp_path):
    run(write(tmp_path, "id,name,เพศ\nA,สมศรี,หญิง\nB,Emre,erkek\nC,Lan,nữ\n"), somchai)
    assert [customer(x).gender for x in "ABC"] == ["female", "male", "female"]


def test_buddhist_birthdays_with_calendar_option(somchai, thai_shop, tmp_path):
    run(write(tmp_path, "id,name,วันเกิด\nA,สมศรี,15/06/2530\n"), somchai, calendar="buddhist")
    assert customer("A").birthday == date(1987, 6, 15)


def test_buddhist_birthdays_are_detected(somchai, thai_shop, tmp_path):
    run(write(tmp_path, "id,name,วันเกิด\nA,สมศรี,15/06/2530\nB,สมชาย,01/12/2525\n"), somchai)
    assert customer("A").birthday == date(1987, 6, 15)
    assert customer("B").birthday == date(1982, 12, 1)


def test_ambiguous_birthdays_refuse_the_file_and_write_nothing(somchai, thai_shop, tmp_path):
    with pytest.raises(AmbiguousDates):
        run(write(tmp_path, "id,name,birthday\nA,An,03/04/1990\nB,Binh,05/06/1991\n"), somchai)
    assert Customer.objects.count() == 0
    assert not SourceMapping.objects.exists()


def test_date_order_option_settles_ambiguous_birthdays(somchai, thai_shop, tmp_path):
    run(write(tmp_path, "id,name,birthday\nA,An,03/04/1990\n"), somchai, date_order="mdy")
    assert customer("A").birthday == date(1990, 3, 4)


def test_file_without_name_or_id_is_refused(somchai, thai_shop, tmp_path):
    with pytest.raises(ImportRefused):
        run(write(tmp_path, "phone,email\n0812345678,a@example.com\n"), somchai)
    assert Customer.objects.count() == 0


def test_remembered_mapping_is_used_next_time(somchai, thai_shop, tmp_path):
    text = "kod,isim\nT1,Ayşe\n"
    run(write(tmp_path, text), somchai, source="kasa", overrides=["kod=external_id", "isim=display_name"])
    run(write(tmp_path, "kod,isim\nT2,Fatma\n", "next.csv"), somchai, source="kasa")
    assert customer("T2", source="kasa").display_name == "Fatma"


def test_analyst_cannot_import(maria, thai_shop, tmp_path):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        run(write(tmp_path, THAI), maria)
    assert Customer.objects.count() == 0


# --------------------------------------------------------------------------- the command


def command(*args):
    out = StringIO()
    call_command("import", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_command_prints_one_json_object(somchai, thai_shop, tmp_path):
    out = command("customers", str(write(tmp_path, THAI)), "--as", "somchai", "--json")
    assert json.loads(out) == {
        "read": 2,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "rejected": 0,
        "customers_created": 2,
        "customers_matched": 0,
        "reject_file": None,
    }


def test_command_with_rejects_still_succeeds(somchai, thai_shop, tmp_path):
    path = write(tmp_path, BAD_ROWS)
    out = command("customers", str(path), "--as", "somchai", "--country", "VN", "--json")
    assert json.loads(out)["rejected"] == 4


def test_command_refuses_a_pdf_and_writes_nothing(somchai, thai_shop, tmp_path):
    pdf = tmp_path / "customers.pdf"
    pdf.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n" + bytes(range(256)))
    with pytest.raises(CommandError, match="File refused"):
        command("customers", str(pdf), "--as", "somchai", "--json")
    assert Customer.objects.count() == 0
    assert not SourceMapping.objects.exists()


def test_command_map_option(somchai, thai_shop, tmp_path):
    path = write(tmp_path, "kod,isim\nT1,Ayşe\n")
    command(
        "customers", str(path), "--as", "somchai", "--map", "kod=external_id", "--map", "isim=display_name"
    )
    assert customer("T1", source="file").display_name == "Ayşe"


def test_command_refuses_an_analyst_clearly(maria, thai_shop, tmp_path):
    with pytest.raises(CommandError, match="maria may not import"):
        command("customers", str(write(tmp_path, THAI)), "--as", "maria")


def test_command_needs_a_superuser_when_no_user_is_named(somchai, thai_shop, tmp_path):
    with pytest.raises(CommandError, match="no active superuser"):
        command("customers", str(write(tmp_path, THAI)))


def test_command_runs_as_the_first_superuser(thai_shop, tmp_path):
    get_user_model().objects.create_superuser("owner", password="owner-pass-2024")
    out = command("customers", str(write(tmp_path, THAI)), "--json")
    assert json.loads(out)["created"] == 2


def test_a_bad_birthday_is_told_with_the_rows_other_problems(somchai, thai_shop, tmp_path):
    text = "id,name,phone,email,birthday\nA1,Somsak,12,nope,31/02/1990\nA2,Malee,,,05/03/1990\n"
    summary = run(write(tmp_path, text), somchai, date_order="dmy")
    (reject,) = summary.rejects
    assert reject.column == "phone"
    assert all(f"{column}:" in reject.reason for column in ("phone", "email", "birthday"))


def test_command_exits_1_on_a_refused_file(somchai, thai_shop, tmp_path):
    pdf = tmp_path / "scan.pdf"
    pdf.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 4)
    with pytest.raises(SystemExit) as exited:
        call_command_from_cli("import", "customers", str(pdf), "--as", "somchai")
    assert exited.value.code == 1


def call_command_from_cli(*argv):
    from django.core.management import load_command_class

    command_object = load_command_class("patron.imports", argv[0])
    command_object.run_from_argv(["patron", *argv])


def test_a_file_without_ids_imported_again_is_unchanged(somchai, thai_shop, tmp_path):
    path = write(tmp_path, "name,phone,email\nSomsak,081 234 5678,somsak@gmail.com\nMalee,089 111 2222,\n")
    assert run(path, somchai).created == 2
    again = run(path, somchai)
    assert (again.created, again.updated, again.unchanged, again.customers_matched) == (0, 0, 2, 2)
    changed = write(tmp_path, "name,phone,email\nSomsak,081 234 5678,somsak.k@example.co.th\n", "more.csv")
    assert run(changed, somchai).updated == 1
    assert Customer.objects.count() == 2
