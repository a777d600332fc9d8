"""Coupons: unguessable codes in batches or from a file, each rule of a use refused with its own
message, one use per idempotency key, uses given back when the order is cancelled, and the API."""

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from openpyxl import Workbook

from patron.conftest import with_token
from patron.customers.tests.factories import make_customer
from patron.loyalty.coupons import (
    ALPHABET,
    CouponKeyReused,
    CouponRefused,
    batch_create,
    codes_read,
    coupon_issue,
    coupon_redeem,
    coupon_use_give_back,
)
from patron.loyalty.models import Coupon, CouponBatch, CouponUse
from patron.sales.services import order_create
from patron.sales.status import order_status_change

pytestmark = pytest.mark.django_db
NOW = timezone.now()


@pytest.fixture
def somsri(somchai, thai_shop):
    return make_customer(somchai, "somsri")


@pytest.fixture
def juan(somchai, thai_shop):
    return make_customer(somchai, "juan")


def batch(by, *, use="single", count=1, **rules):
    return batch_create(name="Songkran", benefit="10% off", use=use, count=count, by=by, **rules)


def code_of(made):
    return made.coupons.get().code


def order(by, customer, total):
    placed = datetime(2025, 3, 1, 3, tzinfo=UTC)
    return order_create(customer=customer, placed_at=placed, channel="store", total=total, by=by)


def refusal(**kwargs):
    with pytest.raises(CouponRefused) as refused:
        coupon_redeem(**kwargs)
    return refused.value


# -- codes


def test_codes_are_unguessable_grouped_and_without_look_alikes(somchai):
    made = batch(somchai, count=500)
    codes = list(made.coupons.values_list("code", flat=True))
    assert len(set(codes)) == 500
    for code in codes:
        assert re.fullmatch(rf"[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}", code)
    assert not set("".join(codes)) & set("0O1IL2Z5S8B")
    # Random, not sequential: no two codes share their first group more than chance allows.
    assert len({code[:4] for code in codes}) > 450


def test_a_collision_is_drawn_again(somchai, monkeypatch):
    taken = code_of(batch(somchai))
    draws = iter([taken, taken, "ACEF-GHJK-MNPQ"])
    monkeypatch.setattr("patron.loyalty.coupons.new_code", lambda: next(draws))
    assert code_of(batch(somchai)) == "ACEF-GHJK-MNPQ"


def test_a_code_is_found_in_any_case_with_or_without_dashes(somchai, somsri):
    code = code_of(batch(somchai))
    typed = code.replace("-", "").lower()
    use, created = coupon_redeem(code=f" {typed} ", customer=somsri, key="k1", by=somchai)
    assert created and use.coupon.code == code


def test_bad_batches_are_refused_each_field_named_and_nothing_written(somchai):
    with pytest.raises(ValidationError) as refused:
        batch_create(
            name="",
            benefit="",
            use="limited",
            count=0,
            valid_from=NOW,
            valid_to=NOW,
            min_spend=Decimal("-1"),
            segment={"tag": "nobody"},
            by=somchai,
        )
    assert set(refused.value.message_dict) == {
        "name",
        "benefit",
        "max_uses",
        "valid_to",
        "min_spend",
        "segment",
        "count",
    }
    assert "There is no tag nobody." in refused.value.message_dict["segment"]
    assert not CouponBatch.objects.exists()


def test_only_marketers_and_admins_make_batches(emre, maria, lan):
    for user in (emre, maria):
        with pytest.raises(PermissionDenied):
            batch(user)
    assert batch(lan).coupons.count() == 1


# -- a file of codes


def write_csv(tmp_path, text):
    path = tmp_path / "codes.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_codes_are_read_from_a_csv_or_xlsx_file(somchai, tmp_path):
    assert codes_read(write_csv(tmp_path, "code\nsummer-2025\nWINTER25\n\n")) == ["SUMMER-2025", "WINTER25"]
    book = Workbook()
    book.active.append(["Code"])
    book.active.append(["RAINY2025"])
    book.save(tmp_path / "codes.xlsx")
    codes = codes_read(tmp_path / "codes.xlsx")
    made = batch_create(name="Rainy", benefit="Free tea", use="per_customer", codes=codes, by=somchai)
    assert list(made.coupons.values_list("code", flat=True)) == ["RAINY2025"]


def test_a_file_with_repeated_bad_or_existing_codes_is_refused_whole(somchai, tmp_path):
    batch_create(name="Old", benefit="x", use="single", codes=["OLD-CODE-1"], by=somchai)
    path = write_csv(tmp_path, "code\nGOOD2025\nbad code!\nGOOD2025\nold-code-1\nAB\n")
    with pytest.raises(ValidationError) as refused:
        codes_read(path)
    assert refused.value.message_dict["file"] == [
        "Row 3: bad code! is not a code: use 4 to 40 letters A-Z, digits and single dashes inside.",
        "Row 4: GOOD2025 repeats row 2.",
        "Row 6: AB is not a code: use 4 to 40 letters A-Z, digits and single dashes inside.",
        "Row 5: the code OLD-CODE-1 already exists.",
    ]
    assert Coupon.objects.count() == 1


def test_an_empty_or_binary_file_is_refused(tmp_path):
    with pytest.raises(ValidationError) as refused:
        codes_read(write_csv(tmp_path, "code\n"))
    assert "holds no codes" in refused.value.message_dict["file"][0]
    (tmp_path / "x.csv").write_bytes(b"")
    with pytest.raises(ValidationError):
        codes_read(tmp_path / "x.csv")


# -- the rules of a use


def test_an_unknown_code(somchai, somsri):
    assert refusal(code="NOPE-NOPE-NOPE", customer=somsri, key="k", by=somchai).reason == "unknown"


def test_not_yet_valid_and_expired(somchai, somsri):
    later = code_of(batch(somchai, valid_from=NOW + timedelta(days=1)))
    gone = code_of(batch(somchai, valid_to=NOW - timedelta(seconds=1)))
    assert refusal(code=later, customer=somsri, key="a", by=somchai).reason == "not_yet_valid"
    assert refusal(code=gone, customer=somsri, key="b", by=somchai).reason == "expired"
    assert not CouponUse.objects.exists()


def test_a_single_use_code_is_used_once(somchai, somsri, juan):
    code = code_of(batch(somchai))
    coupon_redeem(code=code, customer=somsri, key="a", by=somchai)
    refused = refusal(code=code, customer=juan, key="b", by=somchai)
    assert (refused.reason, refused.message) == ("used_up", "This coupon has already been used.")


def test_a_limited_code_is_used_up_at_its_limit(somchai, somsri):
    code = code_of(batch(somchai, use="limited", max_uses=2))
    for key in ("a", "b"):
        coupon_redeem(code=code, customer=somsri, key=key, by=somchai)
    refused = refusal(code=code, customer=somsri, key="c", by=somchai)
    assert refused.reason == "used_up" and "(2)" in refused.message
    assert Coupon.objects.get(code=code).uses == 2


def test_once_per_customer(somchai, somsri, juan):
    code = code_of(batch(somchai, use="per_customer"))
    coupon_redeem(code=code, customer=somsri, key="a", by=somchai)
    coupon_redeem(code=code, customer=juan, key="b", by=somchai)
    assert refusal(code=code, customer=somsri, key="c", by=somchai).reason == "used_by_customer"


def test_a_code_given_to_one_customer_is_theirs_alone(somchai, somsri, juan):
    made = batch(somchai, use="per_customer")
    coupon = coupon_issue(batch=made, customer=somsri, by=somchai)
    assert coupon.customer == somsri and re.fullmatch(r"\w{4}-\w{4}-\w{4}", coupon.code)
    assert refusal(code=coupon.code, customer=juan, key="a", by=somchai).reason == "other_customer"
    coupon_redeem(code=coupon.code, customer=somsri, key="b", by=somchai)


def test_the_minimum_spend_is_compared_exactly(somchai, somsri):
    """Odoo refused a valid coupon over a float rounding of 1e-14 (PR #111670): 0.1 + 0.2 is
    not 0.3 in float. In Decimal, an order exactly at the minimum passes."""
    made = batch(somchai, use="per_customer", min_spend=Decimal("0.3"))
    code = code_of(made)
    at_minimum = order(somchai, somsri, "0.30")
    assert at_minimum.total_base == Decimal("0.1") + Decimal("0.2")
    coupon_redeem(code=code, customer=somsri, order=at_minimum, key="a", by=somchai)
    juan = make_customer(somchai, "juan")
    below = order(somchai, juan, "0.29")
    refused = refusal(code=code, customer=juan, order=below, key="b", by=somchai)
    assert refused.reason == "below_minimum"
    assert refused.message == "This coupon is for orders of at least ฿0.30; this order comes to ฿0.29."
    refused = refusal(code=code, customer=juan, key="c", by=somchai)
    assert refused.message == "This coupon is for orders of at least ฿0.30: give the order it is used on."


def test_a_segment_limits_who_may_use_it(somchai, juan):
    vip = make_customer(somchai, display_name="Kanya", tags=["VIP"])
    code = code_of(batch(somchai, use="per_customer", segment={"tag": "VIP"}))
    assert refusal(code=code, customer=juan, key="a", by=somchai).reason == "not_in_segment"
    coupon_redeem(code=code, customer=vip, key="b", by=somchai)


def test_an_order_must_be_the_customers_and_completed(somchai, somsri, juan):
    code = code_of(batch(somchai, use="limited", max_uses=5))
    with pytest.raises(ValidationError):
        coupon_redeem(code=code, customer=juan, order=order(somchai, somsri, "100"), key="a", by=somchai)
    theirs = order(somchai, somsri, "100")
    coupon_redeem(code=code, customer=somsri, order=theirs, key="b", by=somchai)
    assert refusal(code=code, customer=somsri, order=theirs, key="c", by=somchai).reason == "used_on_order"


def test_each_refusal_is_said_in_the_users_language(somchai, somsri):
    from django.utils import translation

    code = code_of(batch(somchai))
    coupon_redeem(code=code, customer=somsri, key="a", by=somchai)
    for language in ("th", "vi", "tr", "fil"):
        with translation.override(language):
            message = refusal(code=code, customer=somsri, key="b", by=somchai).message
        assert message != "This coupon has already been used."


def test_agents_marketers_and_admins_redeem_but_analysts_do_not(somchai, somsri, emre, maria):
    code = code_of(batch(somchai, use="limited", max_uses=9))
    coupon_redeem(code=code, customer=somsri, key="a", by=emre)
    with pytest.raises(PermissionDenied):
        coupon_redeem(code=code, customer=somsri, key="b", by=maria)


# -- idempotency and giving back


def test_a_use_made_twice_counts_once(somchai, somsri):
    """Saleor counted one use twice when a checkout's completion ran twice (#8219)."""
    code = code_of(batch(somchai, use="limited", max_uses=3))
    first, created = coupon_redeem(code=code, customer=somsri, key="checkout-1", by=somchai)
    again, created_again = coupon_redeem(code=code, customer=somsri, key="checkout-1", by=somchai)
    assert (created, created_again, again.pk) == (True, False, first.pk)
    assert Coupon.objects.get(code=code).uses == 1
    with pytest.raises(CouponKeyReused):
        coupon_redeem(code=code, customer=make_customer(somchai, "juan"), key="checkout-1", by=somchai)


def test_the_same_key_returns_the_first_use_even_once_used_up(somchai, somsri):
    code = code_of(batch(somchai))
    first, _ = coupon_redeem(code=code, customer=somsri, key="k", by=somchai)
    again, created = coupon_redeem(code=code, customer=somsri, key="k", by=somchai)
    assert (again.pk, created) == (first.pk, False)


def test_a_cancelled_order_gives_the_use_back(somchai, somsri, juan, django_capture_on_commit_callbacks):
    code = code_of(batch(somchai))
    placed = order(somchai, somsri, "500")
    coupon_redeem(code=code, customer=somsri, order=placed, key="a", by=somchai)
    with django_capture_on_commit_callbacks(execute=True):
        order_status_change(order=placed, status="cancelled", by=somchai)
    use = CouponUse.objects.get(key="a")
    assert use.given_back_at is not None and Coupon.objects.get(code=code).uses == 0
    coupon_redeem(code=code, customer=juan, key="b", by=somchai)  # usable again
    assert coupon_use_give_back(use=use) is False  # given back once
    assert Coupon.objects.get(code=code).uses == 1


def test_a_partial_return_keeps_the_use(somchai, somsri, django_capture_on_commit_callbacks):
    code = code_of(batch(somchai))
    placed = order(somchai, somsri, "500")
    coupon_redeem(code=code, customer=somsri, order=placed, key="a", by=somchai)
    with django_capture_on_commit_callbacks(execute=True):
        order_status_change(order=placed, status="returned", amount=Decimal("100"), by=somchai)
    assert CouponUse.objects.get(key="a").given_back_at is None


# -- the API


def post_redeem(client, code, body, key="k1", **extra):
    return client.post(
        f"/api/coupons/{code}/redeem",
        body,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key,
        **extra,
    )


def test_api_creates_a_batch_and_lists_its_codes(client, lan, thai_shop):
    body = {
        "name": "Songkran",
        "benefit": "10% off",
        "use": "limited",
        "max_uses": 5,
        "count": 3,
        "min_spend": "500.00",
        "segment": {"country": "th"},
    }
    made = with_token(client, lan).post("/api/coupons/batches", body, content_type="application/json")
    assert made.status_code == 201, made.content
    data = made.json()
    assert len(data["codes"]) == 3 and data["segment"] == {"country": "TH"}
    assert Decimal(data["min_spend"]) == Decimal("500")
    first = client.get(f"/api/coupons/batches/{data['id']}/codes", {"limit": 2}).json()
    rest = client.get(f"/api/coupons/batches/{data['id']}/codes", {"cursor": first["next"]}).json()
    listed = [item["code"] for item in first["items"] + rest["items"]]
    assert sorted(listed) == sorted(data["codes"]) and rest["next"] is None
    assert client.get("/api/coupons/batches/999/codes").status_code == 404


def test_api_refuses_a_bad_batch_with_422_and_a_reader_with_403(client, lan, maria, thai_shop):
    body = {"name": "x", "benefit": "y", "use": "limited", "count": 1}
    refused = with_token(client, lan).post("/api/coupons/batches", body, content_type="application/json")
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "payload", "max_uses"]
    body["max_uses"] = 2
    assert (
        with_token(client, maria)
        .post("/api/coupons/batches", body, content_type="application/json")
        .status_code
        == 403
    )
    assert not CouponBatch.objects.exists()
    assert client.get("/api/coupons/batches/1/codes").status_code in (200, 404)


def test_api_redeems_once_per_key_and_says_each_refusal(client, somchai, emre, somsri, juan):
    code = code_of(batch(somchai, use="limited", max_uses=1, min_spend=Decimal("100")))
    with_token(client, emre)  # Turkish
    small = order(somchai, somsri, "99.99")
    below = post_redeem(client, code, {"customer": somsri.pk, "order": small.pk}, key="a")
    assert below.status_code == 409 and below.json()["reason"] == "below_minimum"
    assert "99,99" in below.json()["detail"]  # Turkish, in the token user's language
    big = order(somchai, somsri, "100")
    used = post_redeem(client, code, {"customer": somsri.pk, "order": big.pk}, key="b")
    assert used.status_code == 201 and used.json()["uses_left"] == 0
    again = post_redeem(client, code, {"customer": somsri.pk, "order": big.pk}, key="b")
    assert again.status_code == 201 and again.json()["id"] == used.json()["id"]
    other = post_redeem(client, code, {"customer": somsri.pk, "order": None}, key="b")
    assert other.status_code == 422
    up = post_redeem(client, code, {"customer": juan.pk, "order": None}, key="c")
    assert up.status_code == 409 and up.json()["reason"] == "used_up"
    unknown = post_redeem(client, "NOPE-NOPE-NOPE", {"customer": juan.pk}, key="d")
    assert unknown.status_code == 404 and unknown.json()["reason"] == "unknown"
    assert Coupon.objects.get(code=code).uses == 1


def test_api_refusals_expired_and_other_customer_have_their_own_messages(client, somchai, somsri, juan):
    gone = code_of(batch(somchai, valid_to=NOW - timedelta(days=1)))
    theirs = coupon_issue(batch=batch(somchai), customer=juan, by=somchai).code
    with_token(client, somchai)
    expired = post_redeem(client, gone, {"customer": somsri.pk}, key="a").json()
    other = post_redeem(client, theirs, {"customer": somsri.pk}, key="b").json()
    assert (expired["reason"], other["reason"]) == ("expired", "other_customer")
    assert expired["detail"] != other["detail"]


def test_api_redeem_needs_the_right_and_a_key(client, somchai, maria, somsri):
    code = code_of(batch(somchai))
    assert post_redeem(with_token(client, maria), code, {"customer": somsri.pk}).status_code == 403
    with_token(client, somchai)
    missing = client.post(
        f"/api/coupons/{code}/redeem", {"customer": somsri.pk}, content_type="application/json"
    )
    assert missing.status_code == 422
    assert post_redeem(client, code, {"customer": 10**9}).status_code == 404
    assert not CouponUse.objects.exists()


def test_api_keys_are_each_users_own(client, somchai, emre, somsri):
    code = code_of(batch(somchai, use="limited", max_uses=5))
    first = post_redeem(with_token(client, somchai), code, {"customer": somsri.pk}, key="till-1")
    second = post_redeem(with_token(client, emre), code, {"customer": somsri.pk}, key="till-1")
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["id"] != second.json()["id"] and Coupon.objects.get(code=code).uses == 2


# -- the pages


def test_a_marketer_makes_a_batch_on_the_page_with_a_segment(client, lan, thai_shop):
    make_customer(lan, display_name="Kanya", tags=["VIP"])
    client.force_login(lan)
    assert client.get("/loyalty/coupons/").status_code == 200
    form = {"name": "Tet", "benefit": "Free tea", "use": "per_customer", "count": "3", "segment-tag": "VIP"}
    made = client.post("/loyalty/coupons/", form)
    batch_made = CouponBatch.objects.get()
    assert made.status_code == 302 and made["Location"] == f"/loyalty/coupons/{batch_made.pk}/"
    assert batch_made.segment == {"tag": "VIP"} and batch_made.coupons.count() == 3
    page = client.get(made["Location"]).content.decode()
    assert all(code in page for code in batch_made.coupons.values_list("code", flat=True))
    assert "VIP" in page


def test_the_page_refuses_a_bad_batch_with_its_errors_in_place(client, lan, thai_shop):
    client.force_login(lan)
    refused = client.post("/loyalty/coupons/", {"name": "x", "benefit": "y", "use": "limited", "count": "2"})
    assert refused.status_code == 400
    assert "Give how many times each code may be used." in refused.content.decode("utf-8") or (
        "mã" in refused.content.decode("utf-8")
    )
    assert not CouponBatch.objects.exists()


def test_codes_are_imported_from_an_uploaded_file_or_refused_whole(client, lan, thai_shop, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(lan)
    base = {"name": "Rainy", "benefit": "Free tea", "use": "single"}
    bad = SimpleUploadedFile("codes.csv", b"code\nRAIN-0001\nRAIN-0001\n", content_type="text/csv")
    refused = client.post("/loyalty/coupons/", {**base, "file": bad})
    assert refused.status_code == 400 and not Coupon.objects.exists()
    good = SimpleUploadedFile("codes.csv", b"code\nRAIN-0001\nRAIN-0002\n", content_type="text/csv")
    assert client.post("/loyalty/coupons/", {**base, "file": good}).status_code == 302
    assert sorted(Coupon.objects.values_list("code", flat=True)) == ["RAIN-0001", "RAIN-0002"]


def test_analysts_read_the_batches_and_export_codes_but_make_none(client, somchai, maria, somsri):
    made = batch(somchai, use="limited", max_uses=3, count=2)
    code = made.coupons.order_by("pk").first().code
    coupon_redeem(code=code, customer=somsri, key="a", by=somchai)
    client.force_login(maria)
    listing = client.get("/loyalty/coupons/")
    assert listing.status_code == 200 and 'id="batch-form"' not in listing.content.decode()
    assert client.post("/loyalty/coupons/", {"name": "x"}).status_code == 403
    exported = client.get(f"/loyalty/coupons/{made.pk}/codes.csv")
    text = b"".join(exported.streaming_content).decode("utf-8-sig")
    lines = text.splitlines()
    assert len(lines) == 3 and f"{code},,1" in lines
