"""The sample files in samples/ are the generator's, and each imports as its README says."""

from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command

from patron.imports.customers import import_customers
from patron.imports.orders import import_orders
from patron.imports.samples import SAMPLES, readme, write_samples
from patron.workspace.models import Workspace

SAMPLES_DIR = Path(__file__).resolve().parents[3] / "samples"
WORKSPACES = {
    "TH": ("THB", "Asia/Bangkok"),
    "VN": ("VND", "Asia/Ho_Chi_Minh"),
    "TR": ("TRY", "Europe/Istanbul"),
    "PH": ("PHP", "Asia/Manila"),
}


def _cells(path):
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return [list(row) for row in book.active.iter_rows(values_only=True)]
    finally:
        book.close()


def test_the_committed_samples_are_what_the_generator_writes(tmp_path):
    write_samples(tmp_path)
    for sample in SAMPLES:
        made, kept = tmp_path / sample.name, SAMPLES_DIR / sample.name
        if sample.name.endswith(".xlsx"):
            assert _cells(made) == _cells(kept), sample.name
        else:
            assert made.read_bytes() == kept.read_bytes(), sample.name
    assert (SAMPLES_DIR / "README.md").read_text(encoding="utf-8") == readme()


def test_the_samples_command_writes_every_file(tmp_path):
    call_command("samples", "--out", str(tmp_path))
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*(s.name for s in SAMPLES), "README.md"])


def _options(sample):
    """The sample's command-line options as import keyword arguments."""
    names = {"--source": "source", "--country": "country", "--date-order": "date_order"}
    pairs = zip(sample.options[::2], sample.options[1::2], strict=True)
    return {names[flag]: value for flag, value in pairs}


def _import(sample, by, tmp_path):
    importer = import_customers if sample.kind == "customers" else import_orders
    return importer(
        SAMPLES_DIR / sample.name,
        by=by,
        rejects_path=tmp_path / f"{sample.name}.rejects.csv",
        **_options(sample),
    )


@pytest.mark.parametrize("country", sorted(WORKSPACES))
def test_each_sample_imports_as_its_readme_says_and_a_second_time_creates_nothing(somchai, country, tmp_path):
    currency, zone = WORKSPACES[country]
    Workspace.objects.update_or_create(
        pk=1, defaults={"name": "Sample shop", "country": country, "currency": currency, "time_zone": zone}
    )
    ours = [s for s in SAMPLES if s.workspace == country]
    ours.sort(key=lambda s: s.kind)  # customers before the orders that refer to them
    assert ours
    for sample in ours:
        summary = _import(sample, somchai, tmp_path).as_dict()
        assert {key: summary[key] for key in sample.expect} == sample.expect, sample.name
        assert summary["read"] == sum(summary[k] for k in ("created", "updated", "unchanged", "rejected"))
    for sample in ours:
        again = _import(sample, somchai, tmp_path)
        assert again.created == 0, sample.name
