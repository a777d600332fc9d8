"""How the order form reads the product a line names, and what the search suggests."""

import pytest

from patron.sales.selectors import product_for, product_matches
from patron.sales.services import product_upsert

pytestmark = pytest.mark.django_db


@pytest.fixture
def products(somchai):
    return {
        sku: product_upsert(sku=sku, name=name, by=somchai)
        for sku, name in [
            ("TEA-JASMINE", "Jasmine tea"),
            ("TEA-OOLONG", "Oolong tea"),
            ("CUP-CELADON", "Celadon cup"),
            ("RICE-5", "ข้าวหอมมะลิ 5 กก."),
            ("POT-1", "Tea pot"),
        ]
    }


@pytest.mark.parametrize(
    ("typed", "found", "count"),
    [
        ("TEA-OOLONG", "TEA-OOLONG", 1),  # its SKU
        ("tea-oolong", "TEA-OOLONG", 1),  # its SKU, case aside
        ("celadon cup", "CUP-CELADON", 1),  # its full name
        ("ข้าวหอม", "RICE-5", 1),  # the one product whose name holds it
        ("jasm", "TEA-JASMINE", 1),
        ("tea", None, 3),  # several: refused with the count
        ("teapot", None, 0),  # none
    ],
)
def test_a_line_names_its_product_by_sku_name_or_a_single_match(products, typed, found, count):
    product, matched = product_for(typed)
    assert (product and product.sku, matched) == (found, count)


def test_the_search_puts_skus_that_start_with_the_text_first_and_is_bounded(products):
    assert [p.sku for p in product_matches("tea")] == ["TEA-JASMINE", "TEA-OOLONG", "POT-1"]
    assert len(product_matches("", limit=2)) == 2
