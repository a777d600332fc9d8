import pytest
from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy

from patron.customers.forms import CustomerFilterForm
from patron.customers.models import Tag
from patron.web.widgets import QuickSelect

FILTERS = ("tag", "country", "consent", "segment", "churn", "sort")


def _as_django_writes_it(form, name):
    """The field drawn by Django's own Select and its templates."""
    quick = form.fields[name].widget
    plain = forms.Select(attrs=quick.attrs, choices=quick.choices)
    plain.is_required = quick.is_required
    form.fields[name].widget = plain
    try:
        return str(form[name])
    finally:
        form.fields[name].widget = quick


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "th"])
@pytest.mark.parametrize(
    "data",
    [
        {},
        {"tag": "vip", "country": "TH", "consent": "email:marketing", "segment": "at_risk", "sort": "clv"},
        {"tag": "nobody's", "country": '<b>"x"', "churn": "high"},  # invalid: errors in the attributes
    ],
)
def test_the_customer_filters_are_drawn_as_django_draws_them(language, data):
    Tag.objects.create(name="vip")
    Tag.objects.create(name='สมาชิก <"ทอง"> & co')
    with translation.override(language):
        form = CustomerFilterForm(data)
        form.is_valid()
        for name in FILTERS:
            assert isinstance(form.fields[name].widget, QuickSelect)
            assert str(form[name]) == _as_django_writes_it(form, name), name


@pytest.mark.parametrize("value", [None, "", "2", 2, "x"])
def test_groups_escaping_and_attributes_match_django(value):
    choices = [
        ("", "---"),
        ("Group <1>", [(1, "one & only"), (2, 2.5), ("<q>", gettext_lazy("Customers"))]),
        ("x", 'say "x"'),
    ]
    attrs = {"class": 'a"b', "required": True, "disabled": False, "data-n": 3}
    plain, quick = forms.Select(attrs=attrs, choices=choices), QuickSelect(attrs=attrs, choices=choices)
    with translation.override("th"):
        assert quick.render("pick", value, {"id": "id_pick"}) == plain.render(
            "pick", value, {"id": "id_pick"}
        )
    assert "selected" in quick.render("pick", 2)
