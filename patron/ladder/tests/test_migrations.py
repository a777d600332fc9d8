"""0003_client_repeat_purchases: the old default client rule becomes two repeat purchases, an
Admin's own rule stays."""

import importlib

import pytest
from django.apps import apps

from patron.ladder.models import DEFAULT_RULES, Rule, RuleChange, Stage

pytestmark = pytest.mark.django_db

migration = importlib.import_module("patron.ladder.migrations.0003_client_repeat_purchases")


def client_rule():
    rule = Rule.objects.get(stage=Stage.CLIENT)
    return rule.codes, rule.min_count, rule.window_months


def test_a_new_installation_has_the_new_default_and_no_change():
    assert client_rule() == (["repeat_purchase"], 2, 12) == tuple(DEFAULT_RULES[1][1:])
    assert not RuleChange.objects.exists()


def test_the_old_default_becomes_repeat_purchases_by_the_system():
    Rule.objects.filter(stage=Stage.CLIENT).update(codes=["purchase"], min_count=2, window_months=12)
    migration.forwards(apps, None)
    assert client_rule() == (["repeat_purchase"], 2, 12)
    change = RuleChange.objects.get()
    assert (change.stage, change.codes, change.changed_by) == (Stage.CLIENT, ["repeat_purchase"], None)
    assert Rule.objects.get(stage=Stage.CLIENT).changed_at is not None
    migration.backwards(apps, None)
    assert client_rule() == (["purchase"], 2, 12)


def test_an_admins_own_rule_is_kept(somchai):
    Rule.objects.filter(stage=Stage.CLIENT).update(
        codes=["purchase"], min_count=3, window_months=12, changed_by=somchai
    )
    migration.forwards(apps, None)
    assert client_rule() == (["purchase"], 3, 12)
    assert Rule.objects.get(stage=Stage.CLIENT).changed_by == somchai
    assert not RuleChange.objects.exists()
