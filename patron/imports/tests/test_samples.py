"""samples/ holds what the generator writes, and each file imports as samples/README.md says.

The README's tables are read here as a person would: its command is run (with --json, and
the reject file kept out of the repository), and the counts it states are compared.
"""

import csv
import json
import shlex
from decimal import Decimal
from io import StringIO

import openpyxl
import pytest
from django.core.management import call_command
from django.db.models import Sum

from patron.customers.models import AuditEvent, ContactPoint, Customer, ExternalId
from patron.imports.samples import SAMPLES, SAMPLES_DIR, SHOPS, sample_files, write_samples
from patron.sales.models import Order, OrderLine, Product
from patron.workspace.models import ExchangeRate, Workspace

COUNTS = ("read", "created", "updated", "rejected", "customers_created", "customers_matched")
SHOP_OF = {sample.name: sample.shop for sample in SAMPLES}


def cells(path):
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return [list(row) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def readme():
    return (SAMPLES_DIR / "README.md").read_text(encoding="utf-8").splitlines()


def documented_imports(shop):
    """[(command, {count: number})] of ``shop``'s samples, in the README's order."""
    found, columns = [], None
    for line in readme():
        values = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("| file |"):
            columns = values
        elif line.startswith("| `") and columns and SHOP_OF[values[0].strip("`")] == shop:
            row = dict(zip(columns, values, strict=True))
            expected = {name: int(row[name.replace("_", " ")]) for name in COUNTS}
            found.append((row["command"].strip("`"), expected))
    return found


def documented_rejects():
    """{file name: the row numbers the README lists as rejected}."""
    rejects, name = {}, None
    for line in readme():
        if line.startswith("### The rejected rows of "):
            name = line.split("`")[1]
            rejects[name] = []
        elif line.startswith("- row ") and name:
            rejects[name].append(int(line.removeprefix("- row ").split(":")[0]))
    return rejects


def run(command, tmp_path):
    """Run a README command as somchai; the JSON summary and the row numbers it rejected."""
    program, *args = shlex.split(command)
    assert program == "patron"
    args = [str(SAMPLES_DIR.parent / arg) if arg.startswith("samples/") else arg for arg in args]
    rejects = tmp_path / "rejects.csv"
    rejects.unlink(missing_ok=True)
    out = StringIO()
    call_command(*args, "--as", "somchai", "--json", "--rejects", str(rejects), stdout=out)
    summary = json.loads(out.getvalue())
    rejected = []
    if rejects.exists():
        with rejects.open(encoding="utf-8-sig", newline="") as file:
            rejected = [int(row["row"]) for row in csv.DictReader(file)]
    return summary, rejected


def open_shop(code):
    shop = SHOPS[code]
    Workspace.objects.update_or_create(
        pk=1,
        defaults={"country": shop.country, "currency": shop.currency, "time_zone": shop.time_zone},
    )
    ExchangeRate.objects.bulk_create(
        ExchangeRate(currency=currency, date=day, rate=rate) for (currency, day), rate in shop.rates.items()
    )


def database():
    """What an import could add, counted."""
    counted = (Customer, ContactPoint, ExternalId, Order, OrderLine, Product, AuditEvent)
    return {model.__name__: model.objects.count() for model in counted} | Order.objects.aggregate(
        total_base=Sum("total_base")
    )


def test_the_samples_folder_holds_what_the_generator_writes(tmp_path):
    write_samples(tmp_path)
    committed = {path.name for path in SAMPLES_DIR.iterdir() if not path.name.endswith(".rejects.csv")}
    assert committed == set(sample_files())
    for name in committed:
        made, kept = tmp_path / name, SAMPLES_DIR / name
        if name.endswith(".xlsx"):  # compressed bytes may differ between zlib builds
            assert cells(made) == cells(kept), name
        else:
            assert made.read_bytes() == kept.read_bytes(), name


def test_the_samples_command_writes_every_file(tmp_path):
    call_command("samples", "--out", str(tmp_path / "out"), stdout=StringIO())
    assert {path.name for path in (tmp_path / "out").iterdir()} == set(sample_files())


def test_the_readme_documents_every_sample():
    documented = [command.split()[3] for shop in SHOPS for command, _counts in documented_imports(shop)]
    assert documented == [f"samples/{sample.name}" for sample in SAMPLES]


@pytest.mark.parametrize("shop", SHOPS)
def test_each_sample_imports_with_the_counts_the_readme_states(shop, somchai, thai_shop, tmp_path):
    open_shop(shop)
    rejects = documented_rejects()
    for command, expected in documented_imports(shop):
        summary, rejected = run(command, tmp_path)
        assert {name: summary[name] for name in COUNTS} == expected, command
        assert summary["unchanged"] == 0, command
        assert rejected == rejects.get(command.split()[3].removeprefix("samples/"), []), command


@pytest.mark.parametrize("shop", SHOPS)
def test_importing_the_samples_again_creates_nothing(shop, somchai, thai_shop, tmp_path):
    open_shop(shop)
    imports = documented_imports(shop)
    for command, _expected in imports:
        run(command, tmp_path)
    before = database()
    assert before["total_base"] > Decimal(0)
    for command, expected in imports:
        summary, _rejected = run(command, tmp_path)
        assert (summary["created"], summary["updated"], summary["customers_created"]) == (0, 0, 0), command
        assert (summary["unchanged"], summary["rejected"]) == (
            expected["read"] - expected["rejected"],
            expected["rejected"],
        ), command
    assert database() == before
