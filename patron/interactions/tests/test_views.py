"""The interaction form of a customer: on the customer page (htmx) or as a page of its own."""

import pytest
from django.urls import reverse

from patron.customers.tests.factories import make_customer
from patron.interactions.models import Interaction


@pytest.fixture
def somsri(somchai, thai_shop):
    return make_customer(somchai, "somsri")


def test_log_interaction_with_the_defaults_and_a_subject(client, emre, somsri):
    """Click one fetches the form with defaults; a subject typed, click two saves it."""
    client.force_login(emre)
    url = reverse("interactions:log", args=[somsri.pk])
    form = client.get(url, HTTP_HX_REQUEST="true").context["form"]
    defaults = {name: form[name].value() for name in form.fields}
    defaults["occurred_at"] = form["occurred_at"].value().strftime("%Y-%m-%dT%H:%M")
    data = {k: v or "" for k, v in defaults.items()} | {"subject": "Called back about the rice order"}
    response = client.post(url, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()  # the history list, in place of the one on the page
    assert html.lstrip().startswith('<div id="interactions">') and 'role="status"' in html
    assert "Called back about the rice order" in html
    interaction = Interaction.objects.get(customer=somsri)
    assert (interaction.channel, interaction.direction, interaction.staff) == ("phone", "outbound", emre)


def test_log_interaction_with_neither_subject_nor_notes_is_refused(client, emre, somsri):
    """The defaults alone say nothing about the contact: the form asks for a subject or notes."""
    client.force_login(emre)
    url = reverse("interactions:log", args=[somsri.pk])
    form = client.get(url, HTTP_HX_REQUEST="true").context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data["occurred_at"] = form["occurred_at"].value().strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, data | {"subject": "  ", "body": "\n"}, HTTP_HX_REQUEST="true")
    assert response["HX-Retarget"] == "#interaction-form"
    assert "bir konu ya da not girin" in response.content.decode()  # emre reads Turkish
    assert not Interaction.objects.exists()
    client.post(url, data | {"body": "Wants the 5 kg bag"}, HTTP_HX_REQUEST="true")
    assert Interaction.objects.get().body == "Wants the 5 kg bag"


def test_log_interaction_rejects_future_time_and_logs_nothing(client, emre, somsri):
    client.force_login(emre)
    url = reverse("interactions:log", args=[somsri.pk])
    response = client.post(
        url, {"channel": "phone", "direction": "inbound", "occurred_at": "2999-01-01T10:00"}
    )
    assert response.status_code == 422
    assert "occurred_at" in response.context["form"].errors
    assert not Interaction.objects.exists()


def test_without_javascript_the_form_is_a_page_that_goes_back_to_the_customer(client, emre, somsri):
    client.force_login(emre)
    url = reverse("interactions:log", args=[somsri.pk])
    assert "<html" in client.get(url).content.decode()
    response = client.post(url, {"channel": "email", "direction": "inbound", "subject": "Price list"})
    assert response.status_code == 302 and response["Location"] == reverse(
        "customers:detail", args=[somsri.pk]
    )
    assert Interaction.objects.get(customer=somsri).subject == "Price list"
