"""The default rules as migrated in (0002_default_rules), the issue's: a client has two repeat
purchases in 12 months."""

import pytest

from patron.ladder.models import DEFAULT_RULES, Rule, RuleChange, Stage

pytestmark = pytest.mark.django_db


def client_rule():
    rule = Rule.objects.get(stage=Stage.CLIENT)
    return rule.codes, rule.min_count, rule.window_months


def test_a_new_installation_has_the_default_rules_and_no_change():
    assert client_rule() == (["repeat_purchase"], 2, 12) == tuple(DEFAULT_RULES[1][1:])
    assert not RuleChange.objects.exists()
