"""The customer list's filters, declared once (patron.customers.filters, with the fields other
apps add): the page's form, GET /api/customers and the JSON form of a selection agree."""

import ast
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError

from patron.conftest import with_token
from patron.customers.filters import customer_filters
from patron.customers.forms import CustomerFilterForm
from patron.customers.selectors import customer_list
from patron.customers.services import consent_record
from patron.customers.tests.factories import make_customer
from patron.filtering import ChoiceFilter, Sort
from patron.scoring.tests.factories import make_run, make_score

pytestmark = pytest.mark.django_db

CUSTOMERS = Path(__file__).resolve().parent.parent
EVERY_FILTER = [
    *[
        "q",
        "tag",
        "country",
        "owner",
        "consent",
        "segment",
        "churn",
        "min_clv",
        "min_at_risk",
        "max_at_risk",
        "decile",
    ],
    *["tier", "min_points", "has_card", "tasks", "survey", "stage", "level", "bought"],
]


@pytest.fixture
def people(somchai, thai_shop):
    """Four customers; three of them scored, of different value and churn risk."""
    made = {key: make_customer(somchai, key) for key in ["nguyen_van_an", "sukru_isik", "somsri", "juan"]}
    run = make_run()
    for key, segment, risk, clv, at_risk, decile in [
        ("sukru_isik", "champions", 0.1, "9000.50", "1000.06", 1),
        ("somsri", "at_risk", 0.8, "2500", "10000", 4),
        ("juan", "at_risk", 0.75, "120", "360", 9),
    ]:
        make_score(
            made[key],
            run,
            segment=segment,
            churn_risk=risk,
            clv=Decimal(clv),
            value_at_risk=Decimal(at_risk),
            value_decile=decile,
        )
    consent_record(
        customer=made["somsri"], channel="sms", purpose="marketing", granted=True, source="shop", by=somchai
    )
    return made


def names(customers):
    return sorted(customer.display_name for customer in customers)


def listed(response):
    assert response.status_code == 200, response.content
    return [item["display_name"] for item in response.json()["items"]]


def test_the_page_form_and_the_api_come_from_the_one_declaration(client, somchai, thai_shop):
    assert list(customer_filters.filters) == EVERY_FILTER
    assert list(customer_filters.sorts) == ["clv", "churn", "at_risk"]
    form = CustomerFilterForm()
    assert list(form.fields) == [*EVERY_FILTER, "sort", "cursor"]
    assert [str(form.fields[name].label) for name in EVERY_FILTER] == [
        str(f.label) for f in customer_filters.filters.values()
    ]
    parameters = with_token(client, somchai).get("/api/openapi.json").json()["paths"]["/api/customers"]["get"]
    documented = {p["name"]: p["schema"] for p in parameters["parameters"]}
    assert list(documented) == ["cursor", "limit", *EVERY_FILTER, "sort"]
    assert all("type" in documented[name] for name in [*EVERY_FILTER, "sort"])
    decile = documented["decile"]
    assert (decile["type"], decile["minimum"], decile["maximum"]) == ("integer", 1, 10)
    assert documented["churn"]["enum"] == ["high", "medium", "low"]
    assert documented["min_clv"]["format"] == "decimal"


ADDING_APPS = ("scoring", "interactions", "sales", "home", "tasks")


def test_customers_imports_nothing_of_the_apps_that_add_filters_and_panels():
    """Scoring adds its fields in its AppConfig.ready(), and the apps their panels on the customer
    page in their ui.py: no module of customers imports them, no template of customers loads
    their tags or names their templates."""
    modules = tuple(f"patron.{app}" for app in ADDING_APPS)
    for path in CUSTOMERS.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                assert not (node.module or "").startswith(modules), path
            elif isinstance(node, ast.Import):
                assert not any(alias.name.startswith(modules) for alias in node.names), path
    templates = list((CUSTOMERS / "templates").rglob("*.html"))
    assert templates
    for path in templates:
        text = path.read_text()
        for load in re.findall(r"{%\s*load\s+([^%]*)%}", text):
            assert not set(load.split()) & set(ADDING_APPS), path
        assert not re.search(rf"""["']({"|".join(ADDING_APPS)})/""", text), path


@pytest.mark.parametrize("name", ["segment", "q", "sort", "cursor", "limit"])
def test_a_second_filter_of_a_name_already_taken_is_refused_at_start(name):
    """An app that adds a filter under a name the list already has fails loudly in its ready()."""
    with pytest.raises(ImproperlyConfigured):
        customer_filters.add(ChoiceFilter(name, "X", choices=[("x", "X")], empty_label="-", lookup="pk"))
    with pytest.raises(ImproperlyConfigured):
        customer_filters.add_sort(Sort("clv", "X", "pk"))
    assert list(customer_filters.filters) == EVERY_FILTER


def test_the_page_and_the_api_list_the_same_customers(client, somchai, people):
    client.force_login(somchai)
    api = with_token(client, somchai)
    for query in [
        {"segment": "at_risk"},
        {"churn": "high"},
        {"churn": "low"},
        {"min_clv": "2500"},
        {"decile": "4"},
        {"tag": "vip", "segment": "champions"},
        {"country": "th", "consent": "sms:marketing", "churn": "high"},
        {"q": "juan", "min_clv": "100.0"},
    ]:
        page = names(client.get("/customers/", query).context["page"].items)
        assert page == sorted(listed(api.get("/api/customers", query))) == names(customer_list(**query)), (
            query
        )
        assert page, query
    assert names(customer_list(churn="high")) == ["Juan dela Cruz", "สมศรี ใจดี"]
    assert names(customer_list(min_clv="2500")) == ["Şükrü Işık", "สมศรี ใจดี"]


def test_the_api_sorts_as_the_page_does(client, somchai, people):
    client.force_login(somchai)
    api = with_token(client, somchai)
    for sort, first in [
        ("clv", ["Şükrü Işık", "สมศรี ใจดี", "Juan dela Cruz"]),
        ("churn", None),
        ("at_risk", ["สมศรี ใจดี", "Şükrü Işık", "Juan dela Cruz"]),
    ]:
        page = [c.display_name for c in client.get("/customers/", {"sort": sort}).context["page"].items]
        assert listed(api.get("/api/customers", {"sort": sort})) == page
        assert first is None or page == first
    following = api.get("/api/customers", {"sort": "clv", "limit": 1}).json()["next"]
    assert listed(api.get("/api/customers", {"sort": "clv", "limit": 1, "cursor": following})) == ["สมศรี ใจดี"]


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ({"churn": "extreme"}, "Vui lòng chọn một trong các giá trị: high, medium, low."),
        ({"decile": "11"}, "Vui lòng chọn một trong các giá trị: 1, 2, 3, 4, 5, 6, 7, 8, 9, 10."),
        ({"min_clv": "-5"}, "Hãy nhập một số không nhỏ hơn 0, ví dụ 1500 hoặc 1500.50."),
        ({"min_clv": "1e5"}, "Hãy nhập một số không nhỏ hơn 0, ví dụ 1500 hoặc 1500.50."),
        (
            {"min_clv": "1.00005"},
            "Hãy nhập tối đa 14 chữ số trước dấu thập phân và 4 chữ số sau dấu thập phân.",
        ),
        ({"tag": "nobody's"}, "Không có thẻ nobody's."),
        ({"sort": "age"}, "Vui lòng chọn một trong các giá trị: clv, churn, at_risk."),
        ({"q": "x" * 201}, "Hãy nhập tối đa 200 ký tự."),
        ({"min_clv": ""}, "Hãy nhập một giá trị, hoặc bỏ hẳn min_clv."),  # as its type says
        ({"tag": ""}, "Hãy nhập một giá trị, hoặc bỏ hẳn tag."),
    ],
)
def test_a_bad_value_is_422_at_its_parameter_in_the_users_language(client, lan, people, query, said):
    response = with_token(client, lan).get("/api/customers", query, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 422
    ((name, _value),) = query.items()
    assert response.json()["detail"] == [{"loc": ["query", name], "msg": said, "type": "value_error"}]


def test_the_page_refuses_the_same_values_and_lists_nothing(client, somchai, people):
    client.force_login(somchai)
    for query in [{"decile": "0"}, {"tag": "nobody's"}, {"country": "XX"}, {"min_clv": "1,5"}]:
        response = client.get("/customers/", query)
        assert response.context["page"] is None, query
        assert response.context["form"].errors[next(iter(query))], query


def test_a_selection_goes_to_json_and_back(people):
    values = {
        "q": " Somsri ",
        "tag": "wholesale",
        "country": "th",
        "consent": "sms:marketing",
        "segment": "at_risk",
        "churn": "high",
        "min_clv": "2500.50",
        "decile": "4",
        "sort": "churn",
    }
    selection = customer_filters.parse(values)
    stored = selection.to_json()
    assert stored == {
        "q": "Somsri",
        "tag": "wholesale",
        "country": "TH",
        "consent": "sms:marketing",
        "segment": "at_risk",
        "churn": "high",
        "min_clv": "2500.50",
        "decile": 4,
        "sort": "churn",
    }
    read = customer_filters.from_json(json.loads(json.dumps(stored)))
    assert read == selection and read.to_json() == stored
    assert list(customer_list(read)) == list(customer_list(selection)) == []  # 2500.50 > her 2500
    stored["min_clv"] = "2500"
    assert names(customer_list(customer_filters.from_json(stored))) == ["สมศรี ใจดี"]
    assert customer_filters.from_json({}).to_json() == {}


@pytest.mark.parametrize(
    ("stored", "where"),
    [
        ({"tags": "vip"}, "tags"),  # no such filter: refused, not dropped
        ({"churn": "extreme"}, "churn"),
        ({"decile": "4"}, "decile"),  # a whole number is stored as one
        ({"decile": True}, "decile"),
        ({"decile": 11}, "decile"),
        ({"min_clv": 2500}, "min_clv"),  # money is stored as text, never as a float
        ({"tag": "gone"}, "tag"),  # a tag since deleted
        ({"consent": ["sms", "marketing"]}, "consent"),
        ({"sort": "age"}, "sort"),
        ({"segment": "at_risk", "cursor": "x"}, "cursor"),
        ({"churn": ""}, "churn"),
    ],
)
def test_stored_json_with_an_unknown_field_or_a_bad_value_is_refused(people, stored, where):
    with pytest.raises(ValidationError) as refused:
        customer_filters.from_json(stored)
    assert list(refused.value.message_dict) == [where]


def test_an_empty_search_is_no_search(client, somchai, people):
    assert len(listed(with_token(client, somchai).get("/api/customers", {"q": ""}))) == 4
    assert customer_filters.from_json({"q": ""}).to_json() == {}


def test_stored_json_that_is_no_object_is_refused():
    with pytest.raises(ValidationError, match="Send a JSON object"):
        customer_filters.from_json(["churn", "high"])
