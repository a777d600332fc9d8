"""Django's admin refuses what the API refuses: the Thai shop owner (an Admin) posting its
real forms. Rows that Patron's services write are read-only there; what stays editable is
checked by the same rules as the pages and the API."""

import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.staticfiles import finders
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from patron.accounts.models import ApiToken, UserProfile
from patron.accounts.services import token_authenticate, token_create
from patron.customers.models import AuditEvent, ConsentEvent, Customer, Tag
from patron.customers.services import consent_record
from patron.customers.tests.factories import make_customer
from patron.interactions.models import Interaction
from patron.interactions.services import interaction_log
from patron.organisations.models import Organisation
from patron.organisations.services import organisation_create
from patron.sales.models import Order, Product
from patron.sales.services import order_create
from patron.workspace.models import Workspace

pytestmark = pytest.mark.django_db

# Models an Admin may still add or change in Django's admin, and what checks their input there.
EDITABLE = {
    "customers.Tag": "TagForm: the tag rule of the customer pages and imports (tag_name)",
    "sales.Product": "the model form: product_upsert's rules are the model's",
    "accounts.UserProfile": "UserProfileForm: the time zone as on the settings page",
}
# Models whose rows an Admin may still delete in the admin, and why that bypasses no rule.
DELETABLE = {
    "accounts.UserProfile": "a staff member's own choices, made again (empty) when next needed",
    "axes.AccessAttempt": "django-axes' failed log-ins: deleting them lifts a lockout",
    "axes.AccessFailureLog": "django-axes' log of failed log-ins",
    "axes.AccessLog": "django-axes' log of log-ins",
    "jobs.FailedJob": "a failed job's record, dismissed once dealt with",
    "sales.Product": "a product no order names (order lines protect the others)",
}


@pytest.fixture
def shop_owner(client, somchai, thai_shop):
    client.force_login(somchai)
    return client


@pytest.fixture
def somsri(somchai, thai_shop):
    return make_customer(somchai, "somsri")


def order_form(customer, **values):
    """The admin's order form as a person fills it in, lines formset included."""
    now = timezone.localtime()
    return {
        "customer": customer.pk,
        "source": "patron",
        "external_id": "HAND-1",
        "placed_at_0": now.strftime("%Y-%m-%d"),
        "placed_at_1": now.strftime("%H:%M:%S"),
        "status": "completed",
        "channel": "store",
        "currency": "THB",
        "total": "100.00",
        "total_base": "100.00",
        "exchange_rate": "1",
        "lines-TOTAL_FORMS": "0",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
        **values,
    }


def test_every_model_an_admin_can_edit_is_checked_as_the_api_checks_it(somchai):
    """A model newly registered in the admin fails here until it is read-only there or its
    checks are named in EDITABLE (with a test below)."""
    request = RequestFactory().get("/admin/")
    request.user = somchai
    editable = set()
    for model, model_admin in admin.site._registry.items():
        shown = flatten_fieldsets(model_admin.get_fieldsets(request))
        fields = set(shown) - set(model_admin.get_readonly_fields(request))
        if model_admin.has_add_permission(request) or (model_admin.has_change_permission(request) and fields):
            editable.add(model._meta.label)
    assert editable == set(EDITABLE)


def test_every_registered_model_admin_adds_and_deletes_only_what_is_named(somchai):
    """Users, groups, invitations, tokens and every row the services write: no add or delete."""
    request = RequestFactory().get("/admin/")
    request.user = somchai
    adding, deleting = set(), set()
    for model, model_admin in admin.site._registry.items():
        if model_admin.has_add_permission(request):
            adding.add(model._meta.label)
        if model_admin.has_delete_permission(request):
            deleting.add(model._meta.label)
    assert adding == set(EDITABLE)
    assert deleting == set(DELETABLE)
    for label in [
        "auth.User",
        "auth.Group",
        "accounts.Invitation",
        "accounts.AccountEvent",
        "accounts.ApiToken",
    ]:
        model_admin = admin.site._registry[django_apps.get_model(label)]
        assert not model_admin.has_change_permission(request) or label == "accounts.ApiToken"


def test_users_and_roles_cannot_be_added_or_changed_in_the_admin(shop_owner, somchai, lan):
    assert shop_owner.get("/admin/auth/user/add/").status_code == 403
    data = {"username": "typed", "password1": "a-long-password-1", "password2": "a-long-password-1"}
    assert shop_owner.post("/admin/auth/user/add/", data).status_code == 403
    page = shop_owner.get(f"/admin/auth/user/{lan.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()  # a view, no form
    assert "นักการตลาด" in shop_owner.get("/admin/auth/user/").content.decode()  # lan's role, in Thai
    admin_group = Group.objects.get(name="Admin")
    data = {"username": "lan", "groups": [admin_group.pk], "is_active": "on", "is_superuser": "on"}
    assert shop_owner.post(f"/admin/auth/user/{lan.pk}/change/", data).status_code == 403
    new_password = {"password1": "x-long-password-1", "password2": "x-long-password-1"}
    shop_owner.post(f"/admin/auth/user/{lan.pk}/password/", new_password)  # no such page: a redirect
    deleting = {"action": "delete_selected", "_selected_action": [somchai.pk], "post": "yes"}
    shop_owner.post("/admin/auth/user/", deleting)
    assert shop_owner.post(f"/admin/auth/group/{admin_group.pk}/delete/", {"post": "yes"}).status_code == 403
    lan.refresh_from_db()
    assert lan.check_password("lan-pass-2024") and not lan.is_superuser
    assert not lan.groups.filter(name="Admin").exists() and get_user_model().objects.count() == 2
    assert Group.objects.filter(name="Admin").exists()


def test_the_admin_s_change_password_link_leads_to_patron_s_own_page(shop_owner):
    response = shop_owner.get("/admin/password_change/")
    assert response.status_code == 302 and response["Location"] == reverse("accounts:password_change")


def test_the_admin_is_drawn_in_patron_s_own_fonts(shop_owner):
    """The fonts Patron ships (no CDN), so Thai does not show as empty boxes where none is installed."""
    html = shop_owner.get("/admin/").content.decode()
    assert 'href="/static/patron/css/fonts.css"' in html and 'href="/static/patron/css/admin.css"' in html
    assert (
        "https://" not in re.sub(r'href="https://www\.djangoproject\.com[^"]*"', "", html).split("<body")[0]
    )
    admin_css = finders.find("patron/css/admin.css")
    fonts_css = Path(finders.find("patron/css/fonts.css")).read_text()
    assert (
        '"Noto Sans Thai"' in Path(admin_css).read_text()
        and "noto-sans-thai-thai-400-normal.woff2" in fonts_css
    )
    assert shop_owner.get("/static/patron/fonts/noto-sans-thai-thai-400-normal.woff2").status_code == 200


def test_an_order_with_a_typed_base_total_and_a_date_in_2099_is_not_saved(shop_owner, somsri):
    assert shop_owner.get("/admin/sales/order/add/").status_code == 403
    form = order_form(somsri, total_base="999999.00", placed_at_0="2099-01-01", placed_at_1="10:00:00")
    response = shop_owner.post("/admin/sales/order/add/", form)
    assert response.status_code == 403
    assert not Order.objects.exists()


def test_an_order_s_totals_and_date_cannot_be_changed_in_the_admin(shop_owner, somsri, somchai):
    order = order_create(
        customer=somsri,
        placed_at=timezone.now() - timedelta(days=1),
        channel="store",
        total=Decimal("250.00"),
        by=somchai,
    )
    page = shop_owner.get(f"/admin/sales/order/{order.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()  # a view, no form
    form = order_form(somsri, total="250.00", total_base="1.00", placed_at_0="2099-01-01")
    assert shop_owner.post(f"/admin/sales/order/{order.pk}/change/", form).status_code == 403
    order.refresh_from_db()
    assert order.total_base == Decimal("250.0000") and order.placed_at < timezone.now()


@pytest.mark.parametrize(
    ("path", "model"),
    [
        ("/admin/customers/customer/add/", Customer),
        ("/admin/customers/consentevent/add/", ConsentEvent),
        ("/admin/interactions/interaction/add/", Interaction),
        ("/admin/organisations/organisation/add/", Organisation),
    ],
)
def test_rows_the_services_write_cannot_be_added_in_the_admin(shop_owner, somsri, path, model):
    before = model.objects.count()
    assert shop_owner.get(path).status_code == 403
    data = {
        "customer": somsri.pk,
        "display_name": "Typed in the admin",
        "name": "Typed in the admin",
        "kind": "supplier",
        "country": "ZZ",
        "channel": "email",
        "purpose": "marketing",
        "granted": "on",
        "direction": "inbound",
        "occurred_at_0": "2099-01-01",
        "occurred_at_1": "10:00:00",
        "source": "admin",
    }
    assert shop_owner.post(path, data).status_code == 403
    assert model.objects.count() == before


@pytest.mark.parametrize("model", [Order, ConsentEvent, AuditEvent, Customer, Interaction])
def test_rows_the_services_write_cannot_be_deleted_in_the_admin(shop_owner, somsri, somchai, model):
    """An order deleted there would leave the revenue, a consent event its history, with no
    audit record of either."""
    order_create(customer=somsri, placed_at=timezone.now(), channel="store", total=Decimal("99"), by=somchai)
    consent_record(
        customer=somsri, channel="email", purpose="marketing", granted=True, source="shop", by=somchai
    )
    interaction_log(
        customer=somsri, channel="phone", direction="inbound", subject="Asked about points", by=somchai
    )
    row = model.objects.order_by("pk").last()
    before = model.objects.count()
    path = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
    assert shop_owner.get(f"{path}{row.pk}/delete/").status_code == 403
    assert shop_owner.post(f"{path}{row.pk}/delete/", {"post": "yes"}).status_code == 403
    shop_owner.post(path, {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"})
    assert model.objects.count() == before


def test_an_empty_interaction_cannot_be_made_by_editing_one(shop_owner, somsri, somchai):
    item = interaction_log(by=somchai, customer=somsri, channel="phone", direction="inbound", subject="Rice")
    data = {"customer": somsri.pk, "channel": "phone", "direction": "inbound", "subject": "", "body": ""}
    data |= {"occurred_at_0": "2099-01-01", "occurred_at_1": "10:00:00"}
    assert shop_owner.post(f"/admin/interactions/interaction/{item.pk}/change/", data).status_code == 403
    item.refresh_from_db()
    assert item.subject == "Rice"


def test_the_workspace_is_changed_on_its_own_page_not_in_the_admin(shop_owner):
    data = {"name": "Shop", "country": "ZZ", "currency": "THB", "time_zone": "Mars/Olympus"}
    assert shop_owner.post("/admin/workspace/workspace/1/change/", data).status_code == 403
    assert Workspace.objects.get().time_zone == "Asia/Bangkok"


def test_an_organisation_s_country_is_checked_so_it_is_not_edited_in_the_admin(shop_owner, somchai):
    organisation = organisation_create(by=somchai, name="Siam Distribution", kind="distributor")
    data = {"name": "Siam Distribution", "kind": "distributor", "country": "ZZ", "website": "not a url"}
    data |= {"contacts-TOTAL_FORMS": "0", "contacts-INITIAL_FORMS": "0"}
    assert (
        shop_owner.post(f"/admin/organisations/organisation/{organisation.pk}/change/", data).status_code
        == 403
    )
    organisation.refresh_from_db()
    assert organisation.country == ""


def test_a_tag_is_named_by_the_rule_of_the_customer_pages(shop_owner):
    shop_owner.post("/admin/customers/tag/add/", {"name": "  ลูกค้า    ประจำ "})
    assert list(Tag.objects.values_list("name", flat=True)) == ["ลูกค้า ประจำ"]
    response = shop_owner.post("/admin/customers/tag/add/", {"name": "   "})
    assert response.status_code == 200 and Tag.objects.count() == 1


def test_a_product_needs_a_sku_and_a_name(shop_owner):
    response = shop_owner.post("/admin/sales/product/add/", {"sku": "   ", "name": "ข้าวหอมมะลิ"})
    assert response.status_code == 200 and not Product.objects.exists()
    shop_owner.post("/admin/sales/product/add/", {"sku": " RICE-5 ", "name": " ข้าวหอมมะลิ 5 กก. "})
    assert Product.objects.values_list("sku", "name").get() == ("RICE-5", "ข้าวหอมมะลิ 5 กก.")


def test_a_staff_member_s_time_zone_is_checked(shop_owner, lan):
    profile = UserProfile.objects.get(user=lan)
    url = f"/admin/accounts/userprofile/{profile.pk}/change/"
    response = shop_owner.post(url, {"user": lan.pk, "language": "vi", "time_zone": "Mars/Olympus"})
    assert response.status_code == 200
    assert UserProfile.objects.get(user=lan).time_zone == "Asia/Ho_Chi_Minh"
    assert (
        shop_owner.post(url, {"user": lan.pk, "language": "vi", "time_zone": "Asia/Bangkok"}).status_code
        == 302
    )
    assert UserProfile.objects.get(user=lan).time_zone == "Asia/Bangkok"


def test_a_token_is_revoked_by_the_action_not_by_a_typed_date(shop_owner, lan):
    token, secret = token_create(user=lan, name="shop app")
    url = f"/admin/accounts/apitoken/{token.pk}/change/"
    shop_owner.post(url, {"revoked_at_0": "2099-01-01", "revoked_at_1": "00:00:00"})
    assert ApiToken.objects.get().revoked_at is None and token_authenticate(secret) == lan
    response = shop_owner.post(
        "/admin/accounts/apitoken/", {"action": "revoke", "_selected_action": [token.pk]}, follow=True
    )
    assert "เพิกถอนโทเค็นแล้ว 1 รายการ" in [str(m) for m in response.context["messages"]]  # in Thai
    revoked = ApiToken.objects.get().revoked_at
    assert revoked is not None and revoked <= timezone.now() and token_authenticate(secret) is None


def test_a_revoked_token_stays_revoked_and_its_hash_is_never_shown(shop_owner, lan):
    token, secret = token_create(user=lan, name="shop app")
    shop_owner.post("/admin/accounts/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})
    revoked = ApiToken.objects.get().revoked_at
    assert revoked is not None
    url = f"/admin/accounts/apitoken/{token.pk}/change/"
    # The change form posted with the revocation cleared, as a hand-made form would.
    cleared = {"user": lan.pk, "name": "shop app", "revoked_at_0": "", "revoked_at_1": ""}
    response = shop_owner.post(url, cleared)
    assert response.status_code == 403
    assert ApiToken.objects.get().revoked_at == revoked and token_authenticate(secret) is None
    for page in (url, "/admin/accounts/apitoken/", f"/admin/accounts/apitoken/{token.pk}/history/"):
        body = shop_owner.get(page).content.decode()
        assert token.key_hash not in body and secret not in body
        assert token.prefix in body or page.endswith("history/")
