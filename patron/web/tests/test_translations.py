"""Every catalogue is complete for what exists, and every page speaks the user's language."""

from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.urls import reverse

LOCALES = ["th", "vi", "tr", "fil"]


def catalogue(language):
    path = Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.po"
    with path.open("rb") as po_file:
        return read_po(po_file, locale=language)


@pytest.mark.parametrize("language", LOCALES)
def test_catalogue_has_no_untranslated_or_fuzzy_entry(language):
    messages = [m for m in catalogue(language) if m.id]
    untranslated = [
        m.id for m in messages if not m.string or (isinstance(m.string, tuple) and not all(m.string))
    ]
    fuzzy = [m.id for m in messages if m.fuzzy]
    assert untranslated == [] and fuzzy == []


@pytest.mark.parametrize("language", LOCALES)
def test_translations_keep_every_placeholder(language):
    po = catalogue(language)
    problems = [(m.id, str(error)) for m in po if m.id for error in m.check(po)]
    assert problems == []


@pytest.mark.parametrize(
    ("language", "customers_in_language"),
    [("th", "ลูกค้า"), ("vi", "Khách hàng"), ("tr", "Müşteriler"), ("fil", "Mga customer")],
)
def test_customer_list_speaks_the_users_language(client, lan, thai_shop, language, customers_in_language):
    from patron.accounts.services import profile_update

    profile_update(user=lan, language=language)
    client.force_login(lan)
    html = client.get(reverse("customers:list")).content.decode()
    assert f'lang="{language}"' in html
    assert customers_in_language in html
