"""The home page tests' shop (see shop.py)."""

import pytest

from patron.home.tests.shop import customer, order, utc


@pytest.fixture
def shop(thai_shop):
    """Five customers; the clock stands at 00:30 on 1 March 2026 in Bangkok.

    - ploy: bought in March 2025 (1,000) and in March 2026 at 00:10 Bangkok (250): active,
      not new, bought again.
    - anan: first purchase at 00:10 on 1 March 2026 in Bangkok (17:10 UTC on 28 February):
      new this month. A return of 50 the same minute nets against March.
    - mali: bought at 23:59 on 28 February 2026 in Bangkok (16:59 UTC): February, active, not
      new this month. A refunded order (900) and a cancelled one (700) in March count for nothing.
    - old: bought in January 2025 only (more than 12 months ago): not active.
    - noone: never bought.
    """
    people = {name: customer(name) for name in ("ploy", "anan", "mali", "old", "noone")}
    order(people["ploy"], utc(2025, 3, 10, 5), "1000.00")
    order(people["ploy"], utc(2026, 2, 28, 17, 10), "250.00")
    order(people["anan"], utc(2026, 2, 28, 17, 10), "400.00")
    order(people["anan"], utc(2026, 2, 28, 17, 15), "50.00", status="returned")
    order(people["mali"], utc(2026, 2, 28, 16, 59), "300.00")
    order(people["mali"], utc(2026, 2, 28, 17, 20), "900.00", status="refunded")
    order(people["mali"], utc(2026, 2, 28, 17, 20), "700.00", status="cancelled")
    order(people["old"], utc(2025, 1, 5, 5), "80.00")
    return people
