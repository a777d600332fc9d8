"""The chat apps shops talk to customers on (LINE, Zalo, Viber, WhatsApp, Messenger) are
channels of their own, named by their brands in every language."""

import pytest
from django.urls import reverse
from django.utils import translation

from patron.conftest import with_token
from patron.customers.tests.factories import make_customer
from patron.demo.generator import generate_shop
from patron.interactions.models import Interaction
from patron.interactions.services import interaction_log

pytestmark = pytest.mark.django_db

CHAT_APPS = {
    "line": "LINE",
    "zalo": "Zalo",
    "viber": "Viber",
    "whatsapp": "WhatsApp",
    "messenger": "Messenger",
}


@pytest.fixture
def somsri(somchai, thai_shop):
    return make_customer(somchai, "somsri")


def test_each_chat_app_is_logged_by_the_service(somchai, somsri):
    for channel in CHAT_APPS:
        interaction_log(by=somchai, customer=somsri, channel=channel, direction="inbound", subject=channel)
    assert sorted(Interaction.objects.values_list("channel", flat=True)) == sorted(CHAT_APPS)


@pytest.mark.parametrize("language", ["en", "th", "vi", "tr", "fil"])
def test_brand_names_are_not_translated_and_other_chat_is(language):
    with translation.override(language):
        labels = dict(Interaction.Channel.choices)
        assert {value: str(labels[value]) for value in CHAT_APPS} == CHAT_APPS
        if language != "en":
            assert str(labels["chat"]) != "Other chat"


def test_the_api_logs_filters_and_documents_the_chat_apps(client, emre, somchai, somsri):
    api = with_token(client, emre)
    body = {"customer": somsri.pk, "channel": "zalo", "direction": "inbound", "subject": "Giá bao nhiêu?"}
    response = api.post("/api/interactions", body, content_type="application/json")
    assert response.status_code == 201 and response.json()["channel"] == "zalo"
    interaction_log(by=somchai, customer=somsri, channel="line", direction="outbound", subject="ขอบคุณค่ะ")
    listed = api.get("/api/interactions", {"channel": "line"}).json()
    assert [item["channel"] for item in listed["items"]] == ["line"]
    enum = api.get("/api/openapi.json").json()["components"]["schemas"]["InteractionChannel"]["enum"]
    assert set(CHAT_APPS) <= set(enum)


def test_the_page_offers_and_shows_the_chat_apps(client, emre, somsri):
    client.force_login(emre)
    url = reverse("interactions:log", args=[somsri.pk])
    html = client.get(url).content.decode()
    for value, label in CHAT_APPS.items():
        assert f'<option value="{value}">{label}</option>' in html
    client.post(url, {"channel": "whatsapp", "direction": "inbound", "subject": "Sipariş"})
    assert Interaction.objects.get(customer=somsri).channel == "whatsapp"
    page = client.get(reverse("customers:detail", args=[somsri.pk])).content.decode()
    assert "WhatsApp · " in page


@pytest.mark.parametrize(
    ("country", "app"), [("TH", "line"), ("VN", "zalo"), ("TR", "whatsapp"), ("PH", "messenger")]
)
def test_the_demo_shops_talk_on_their_countrys_chat_app(country, app):
    generate_shop(country, 60, seed=3)
    channels = set(Interaction.objects.filter(customer__isnull=False).values_list("channel", flat=True))
    assert app in channels and "chat" not in channels
