"""PATRON_BASE_URL: an address e-mails' links can start with, or Patron refuses to start."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from patron.settings import base_url


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("https://crm.example.com/", "https://crm.example.com"),
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("https://shop.example.co.th/patron/", "https://shop.example.co.th/patron"),
    ],
)
def test_an_http_address_is_kept_without_its_final_slash(given, kept):
    assert base_url(given) == kept


@pytest.mark.parametrize(
    "given", ["", "crm.example.com", "ftp://crm.example.com", "https://", "https://x.com/?a=1"]
)
def test_anything_else_stops_patron_with_what_to_set(given):
    with pytest.raises(ImproperlyConfigured, match="PATRON_BASE_URL"):
        base_url(given)
