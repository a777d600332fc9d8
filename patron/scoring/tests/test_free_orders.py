"""Free orders (a total of 0: a gift, an order paid in full by a coupon) do not stop scoring.

A repeat buyer whose repeat purchases were all free has no spend for the Gamma-Gamma model to
learn from: they are left out of its fit, counted with the run, and scored all the same, with
the model's expected spend for a spend of 0. The model-check tab says so in the user's language.
"""

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command

from patron.conftest import make_staff
from patron.customers.tests.factories import make_customer
from patron.demo.generator import generate_shop
from patron.sales.services import order_create
from patron.scoring.models import CustomerScore, ScoringRun
from patron.scoring.services import customers_score

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def shop(django_db_setup, django_db_blocker):
    """A demo shop and one customer who paid for a first order and then got two free ones, the
    staff cast, and one scoring run; made once for the module and rolled back at its end."""
    from django.db import connection

    with django_db_blocker.unblock():
        connection.set_autocommit(False)
        try:
            yield _shop()
        finally:
            connection.rollback()
            connection.set_autocommit(True)


def _shop():
    from patron.workspace.models import Workspace

    Workspace.objects.update_or_create(
        pk=1, defaults={"name": "ร้าน", "country": "TH", "currency": "THB", "time_zone": "Asia/Bangkok"}
    )
    staff = {name: make_staff(name) for name in ("somchai", "lan", "emre", "maria")}
    generate_shop("TH", 1000, seed=5)
    an = make_customer(staff["somchai"], "nguyen_van_an")
    start = datetime.now(UTC) - timedelta(weeks=30)
    for weeks, total in ((0, "450.00"), (6, "0.00"), (11, "0.00")):
        order_create(
            customer=an,
            placed_at=start + timedelta(weeks=weeks),
            channel="store",
            total=Decimal(total),
            by=staff["somchai"],
        )
    run = customers_score(by=staff["lan"])
    return {"staff": staff, "an": an, "run": run}


def test_every_customer_is_scored_and_the_free_repeat_buyer_is_counted(shop):
    run = shop["run"]
    assert run.status == ScoringRun.Status.DONE and run.note == ""
    assert run.fitted["spend"]["excluded_zero_spend"] == 1
    assert run.fitted["purchases"].get("excluded_zero_spend") is None
    assert CustomerScore.objects.count() == run.customers
    assert not CustomerScore.objects.filter(clv=None).exists()
    assert not CustomerScore.objects.filter(expected_spend=None).exists()
    free = CustomerScore.objects.get(customer=shop["an"])
    assert (free.repeat_purchases, free.total_spend) == (2, Decimal("450.0000"))
    # Fader, Hardie & Lee's E(M | p, q, gamma, m_x = 0, x = 2): gamma p / (2 p + q - 1).
    p, q, gamma = (run.fitted["spend"]["params"][n] for n in ("p", "q", "gamma"))
    assert float(free.expected_spend) == pytest.approx(gamma * p / (2 * p + q - 1), abs=1e-4)
    assert 0 < free.expected_spend < Decimal(gamma * p / (q - 1))  # below the population mean
    assert free.clv > 0


def test_patron_score_reports_the_count(shop, capsys):
    call_command("score", "--json", "--as", "lan")
    report = json.loads(capsys.readouterr().out)
    assert report["models"]["spend"]["excluded_zero_spend"] == 1
    call_command("score", "--as", "lan")
    assert "left out of the spend fit: 1 repeat buyers whose repeat purchases were all free" in (
        capsys.readouterr().out
    )


@pytest.mark.parametrize(
    ("user", "sentence"),
    [
        ("somchai", "ไม่ได้นำมาใช้ในการประมาณค่านี้: ลูกค้าซื้อซ้ำ 1 ราย"),
        ("lan", "Không đưa vào lần ước lượng này: 1 khách mua lại"),
        (
            "emre",
            "Bu kestirime dahil edilmedi: tekrar alımlarının hepsi ücretsiz olan (toplamı 0) 1 tekrar alıcı.",
        ),
        ("maria", "Hindi isinama sa fit na ito: 1 umuulit na mamimili"),
    ],
)
def test_the_model_check_tab_says_who_was_left_out_in_the_users_language(client, shop, user, sentence):
    client.force_login(shop["staff"][user])
    page = client.get("/value/checks/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="excluded-spend"' in html and sentence in html
    assert 'id="excluded-purchases"' not in html
