"""`patron duplicates find`: the scan from a terminal or a script."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from patron.customers.tests.factories import make_customer
from patron.duplicates.models import DuplicatePair
from patron.duplicates.tests.factories import an_at_the_shop, an_on_the_web, make_pair
from patron.web.tests.test_cli import run

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(somchai, lan, maria, thai_shop):
    return {
        "sukru_isik": make_customer(somchai, "sukru_isik"),
        "an": an_at_the_shop(somchai),
        "an_web": an_on_the_web(somchai),
    }


def find(*args):
    out = StringIO()
    call_command("duplicates", "find", *args, stdout=out)
    return out.getvalue()


def test_json_lists_each_pair_with_ids_external_ids_score_and_evidence(shop):
    (pair,) = json.loads(find("--json", "--as", "lan"))
    assert pair["left"] == {
        "id": shop["an"].pk,
        "display_name": "Nguyễn Văn An",
        "external_ids": [{"source": "pos", "value": "C-1"}],
    }
    assert pair["right"] == {
        "id": shop["an_web"].pk,
        "display_name": "Nguyen Van An",
        "external_ids": [{"source": "webshop", "value": "W-9"}],
    }
    assert 0.5 <= pair["score"] <= 1
    assert pair["evidence"]["phone"] == 1.0
    assert pair["pair"] == DuplicatePair.objects.get().pk


def test_json_leaves_out_pairs_below_the_minimum_score(shop):
    low = make_pair(shop["sukru_isik"], shop["an"], score="0.550")
    listed = json.loads(find("--json", "--as", "lan", "--min-score", "0.9"))
    assert [pair["pair"] for pair in listed] == [DuplicatePair.objects.exclude(pk=low.pk).get().pk]


def test_table_shows_both_customers_and_the_score(shop):
    table = find("--as", "lan")
    assert "Nguyễn Văn An" in table and "Nguyen Van An" in table and "webshop:W-9" in table
    assert "1 open pairs" in table


def test_analyst_may_not_look(shop):
    with pytest.raises(CommandError, match="maria may not look for duplicates"):
        find("--as", "maria")


def test_minimum_score_out_of_range_is_refused(shop):
    with pytest.raises(CommandError, match="from 0 to 1"):
        find("--as", "lan", "--min-score", "1.5")


def test_without_a_superuser_give_as(shop):
    with pytest.raises(CommandError, match="--as USERNAME"):
        find("--json")


def test_json_is_alone_on_stdout_of_the_real_command(tmp_path):
    """A script reads stdout as one JSON document: no log line of the finder may get in."""
    assert run(["migrate", "-v", "0"], tmp_path).returncode == 0
    setup = (
        "from django.contrib.auth.models import User; "
        "from patron.duplicates.tests.factories import an_at_the_shop, an_on_the_web; "
        "admin = User.objects.create_superuser('somchai', password='x'); "
        "an_at_the_shop(admin); an_on_the_web(admin)"
    )
    made = run(["shell", "-c", setup], tmp_path)
    assert made.returncode == 0, made.stderr
    result = run(["duplicates", "find", "--json"], tmp_path)
    assert result.returncode == 0, result.stderr
    (pair,) = json.loads(result.stdout)
    assert [pair["left"]["display_name"], pair["right"]["display_name"]] == ["Nguyễn Văn An", "Nguyen Van An"]
