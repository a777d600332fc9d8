"""Country lists: real countries only, named in the reader's language, in its dictionary's
order, the workspace's country first; every country select of the app takes them from here."""

import re

import pytest
from django.urls import reverse

from patron.workspace.collation import sort_key
from patron.workspace.regions import COUNTRY_CODES, country_names, validate_country

NOT_COUNTRIES = ["XA", "XB", "ZZ", "QO", "EU", "EZ", "UN", "AC", "TA", "IC", "EA", "DG", "CP", "CQ", "AQ"]


def test_only_real_countries_are_listed():
    assert not set(NOT_COUNTRIES) & set(COUNTRY_CODES)
    assert {"TH", "VN", "TR", "PH", "US", "XK", "HK", "PR", "SH"} <= set(COUNTRY_CODES)
    assert all(len(code) == 2 and code.isalpha() and code.isupper() for code in COUNTRY_CODES)
    names = dict(country_names("en", first="TH"))
    gone = ["Pseudo-Accents", "Pseudo-Bidi", "Eurozone", "Unknown Region", "European Union", "United Nations"]
    assert not set(gone) & set(names.values())


@pytest.mark.parametrize("code", NOT_COUNTRIES)
def test_a_code_that_is_not_a_country_is_refused(code):
    with pytest.raises(Exception, match="is not a country code"):
        validate_country(code)


@pytest.mark.parametrize(
    ("language", "first", "earlier", "later"),
    [
        ("en", "US", "Åland Islands", "Albania"),  # accents count only between equal names
        ("en", "US", "Côte d’Ivoire", "Croatia"),
        ("tr", "TR", "Cezayir", "Çad"),  # ç is a letter after c: Çad after every C
        ("tr", "TR", "Çad", "Dominika"),
        ("tr", "TR", "Irak", "İran"),  # dotless ı before dotted i
        ("vi", "VN", "Dominica", "Đan Mạch"),  # đ is a letter after d
        ("vi", "VN", "Áo", "Ấn Độ"),  # â after a; the tone counts last
        ("th", "KE", "กินี", "เกาหลีใต้"),  # a leading vowel sorts by the consonant after it
        ("th", "KE", "เกาหลีใต้", "ไทย"),
        ("fil", "PH", "Montenegro", "Mongolia"),  # ng is a letter after n and ñ
    ],
)
def test_names_follow_the_languages_dictionary_order(language, first, earlier, later):
    names = [name for _code, name in country_names(language, first=first)[1:]]
    assert names.index(earlier) < names.index(later)


@pytest.mark.parametrize("language", ["en", "th", "vi", "tr", "fil"])
def test_every_name_is_in_the_language_and_the_list_sorted(language):
    pairs = country_names(language, first="PH")
    assert pairs[0][0] == "PH" and sorted(code for code, _name in pairs) == COUNTRY_CODES
    rest = [name for _code, name in pairs[1:]]
    assert rest == sorted(rest, key=lambda name: sort_key(name, language))
    expected = {"en": "Thailand", "th": "ไทย", "vi": "Thái Lan", "tr": "Tayland", "fil": "Thailand"}[language]
    assert dict(pairs)["TH"] == expected


def test_the_workspaces_country_comes_first(thai_shop):
    assert country_names("vi")[0] == ("TH", "Thái Lan")
    thai_shop.country = "VN"
    thai_shop.save()
    assert country_names("vi")[0] == ("VN", "Việt Nam")
    assert [code for code, _name in country_names("vi")].count("VN") == 1


def _options(html, name):
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no select named {name}"
    return [value for value in re.findall(r'<option value="([^"]*)"', select.group(1)) if value]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        reverse("customers:list"),
        reverse("customers:create"),
        reverse("organisations:create"),
        reverse("workspace:settings"),
        reverse("imports:list"),
    ],
)
def test_every_country_select_lists_the_countries_the_workspaces_first(client, somchai, thai_shop, url):
    thai_shop.country = "PH"
    thai_shop.save()
    client.force_login(somchai)  # Thai
    html = client.get(url).content.decode()
    codes = _options(html, "country")
    assert codes == [code for code, _name in country_names("th")]
    assert codes[0] == "PH" and "XA" not in codes and "EU" not in codes
    assert re.search(r'<option value="PH"( selected)?>ฟิลิปปินส์</option>', html)
