"""Counts in sentences ("2,004 customers match") group their thousands in every language, as
CLDR writes them: Django has no Filipino formats and no Vietnamese grouping of its own."""

import pytest
from babel.numbers import format_decimal
from django.conf import settings
from django.utils import translation
from django.utils.formats import number_format

from patron.workspace.money import babel_locale


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_django_groups_numbers_as_cldr_does(language):
    with translation.override(language):
        for value in (2004, 1234567):
            assert number_format(value, force_grouping=True) == format_decimal(
                value, locale=babel_locale(language)
            )
        assert number_format(1234.5, decimal_pos=1, force_grouping=True) == format_decimal(
            1234.5, format="#,##0.0", locale=babel_locale(language)
        )
