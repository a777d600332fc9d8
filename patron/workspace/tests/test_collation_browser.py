"""The country lists' order is the one Chromium's ICU collator gives in each language."""

import pytest

from patron.workspace.regions import country_names

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", ["en", "th", "vi", "tr", "fil"])
def test_country_names_sort_as_icu_sorts_them(page, language):
    names = [name for _code, name in country_names(language, first="")]
    by_icu = page.evaluate(
        "([names, language]) => [...names].sort(new Intl.Collator(language).compare)", [names, language]
    )
    assert names == by_icu
