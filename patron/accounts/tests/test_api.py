"""API tokens at the door of /api/: who gets in, and what the docs show without one."""

import hashlib
from io import StringIO

import pytest
from django.core.management import call_command

from patron.accounts.models import ApiToken
from patron.accounts.services import token_create, token_revoke

pytestmark = pytest.mark.django_db


def bearer(secret):
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_request_without_token_is_401_with_json_detail(client, thai_shop):
    response = client.get("/api/customers")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "Bearer" in response.json()["detail"]


def test_unknown_token_is_401(client, thai_shop):
    response = client.get("/api/customers", **bearer("pat_this-token-was-never-issued"))
    assert response.status_code == 401
    assert response.json()["detail"]


def test_token_in_another_scheme_is_401(client, somchai, thai_shop):
    _token, secret = token_create(user=somchai, name="laptop")
    response = client.get("/api/customers", HTTP_AUTHORIZATION=f"Token {secret}")
    assert response.status_code == 401


def test_live_token_lets_its_user_in(client, somchai, thai_shop):
    _token, secret = token_create(user=somchai, name="laptop")
    response = client.get("/api/customers", **bearer(secret))
    assert response.status_code == 200
    assert response.json() == {"items": [], "next": None}


def test_revoked_token_is_401(client, somchai, thai_shop):
    token, secret = token_create(user=somchai, name="laptop")
    token_revoke(token=token, by=somchai)
    response = client.get("/api/customers", **bearer(secret))
    assert response.status_code == 401


def test_token_of_deactivated_user_is_401(client, lan, thai_shop):
    _token, secret = token_create(user=lan, name="laptop")
    lan.is_active = False
    lan.save()
    response = client.get("/api/customers", **bearer(secret))
    assert response.status_code == 401


def test_token_is_stored_only_as_its_hash(somchai, thai_shop):
    token, secret = token_create(user=somchai, name="laptop")
    row = ApiToken.objects.get(pk=token.pk)
    assert row.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    # The secret appears nowhere in the database: not in this row, not in any other.
    dump = StringIO()
    call_command("dumpdata", stdout=dump)
    assert row.prefix in dump.getvalue()  # the row is in the dump, under its public prefix
    assert secret not in dump.getvalue()


def test_use_of_token_is_recorded(client, somchai, thai_shop):
    token, secret = token_create(user=somchai, name="laptop")
    client.get("/api/customers", **bearer(secret))
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_openapi_document_is_served_without_token(client, thai_shop):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["info"]["title"] == "Patron API"
    assert "/api/customers" in document["paths"]


def test_docs_page_is_served_without_token(client, thai_shop):
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert b"/api/openapi.json" in response.content


def test_openapi_document_requires_bearer_token_on_every_operation(client, thai_shop):
    document = client.get("/api/openapi.json").json()
    schemes = document["components"]["securitySchemes"]
    assert [scheme["scheme"] for scheme in schemes.values()] == ["bearer"]
    (name,) = schemes
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert operation["security"] == [{name: []}], f"{method.upper()} {path}"
            assert "401" in operation["responses"], f"{method.upper()} {path}"


def test_unknown_api_path_answers_json_404(client):
    response = client.get("/api/nope/really")
    assert response.status_code == 404
    assert response.json()["detail"]
