"""RFM scores and segments, CLV and value deciles."""

from fractions import Fraction

import numpy as np
import polars as pl
import pytest

from patron.analytics import SEGMENTS, BadInput, BetaGeo, GammaGamma, clv, deciles, rfm, score
from patron.analytics.rfm import SEGMENT_MAP, ntiles, quintile_scores, segment_codes
from patron.analytics.tests.cdnow import cdnow_summary
from patron.analytics.value import discounted_purchases


def test_quintiles_split_ten_customers_in_pairs():
    assert quintile_scores(range(10)).tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert quintile_scores(range(10), higher_is_better=False).tolist() == [5, 5, 4, 4, 3, 3, 2, 2, 1, 1]


def test_tied_customers_share_the_lowest_score_of_their_places():
    # six of ten bought once: they share the first place's score, and scores 2 and 3 are skipped
    assert quintile_scores([1, 1, 1, 1, 1, 1, 2, 2, 3, 9]).tolist() == [1, 1, 1, 1, 1, 1, 4, 4, 5, 5]
    assert quintile_scores([7, 7, 7]).tolist() == [1, 1, 1]
    assert quintile_scores([3, 1, 2]).tolist() == [5, 1, 3]  # the best of a few still scores 5
    assert quintile_scores([3]).tolist() == [3]


@pytest.mark.parametrize("groups", [5, 10])
def test_ntiles_follow_the_percentile_place_exactly(groups):
    """Against the definition, in exact fractions: group 1 + min(groups - 1, floor(groups * L /
    (n - 1))), L the number of values below; many sizes and ties, both directions."""
    rng = np.random.default_rng(3)
    for _ in range(300):
        n = int(rng.integers(2, 80))
        values = rng.integers(0, int(rng.integers(1, 25)), n).tolist()
        for ascending in (True, False):
            signed = values if ascending else [-v for v in values]
            expected = [
                1 + min(groups - 1, Fraction(groups * sum(u < v for u in signed), n - 1).__floor__())
                for v in signed
            ]
            assert ntiles(values, groups, ascending=ascending).tolist() == expected


def test_the_default_map_names_every_cell_and_all_eleven_segments():
    r, f = np.repeat(np.arange(1, 6), 5), np.tile(np.arange(1, 6), 5)
    codes = segment_codes(r, f)
    assert set(codes) == set(SEGMENTS)
    cells = dict(zip(zip(r.tolist(), f.tolist(), strict=True), codes, strict=True))
    assert cells[5, 5] == "champions" and cells[1, 1] == "lost" and cells[1, 5] == "cant_lose"
    assert cells[5, 1] == "new" and cells[4, 1] == "promising" and cells[2, 2] == "hibernating"
    assert cells[3, 3] == "need_attention" and cells[2, 4] == "at_risk" and cells[3, 1] == "about_to_sleep"


def test_a_custom_map_must_cover_every_cell():
    assert set(segment_codes([5, 1], [5, 1], [("5.", "top"), ("..", "rest")])) == {"top", "rest"}
    with pytest.raises(BadInput, match="No segment pattern matches R=1, F=1"):
        segment_codes([5], [5], [("5.", "top")])
    with pytest.raises(BadInput, match="is not a regular expression"):
        segment_codes([5], [5], [("[5", "top")])


def test_rfm_on_a_summary():
    summary = pl.DataFrame(
        {"t_x": [10.0, 2, 0], "T": [10.0, 10, 10], "purchases": [9, 3, 1], "total_spend": [900.0, 50, 10]}
    )
    table = rfm(summary)
    assert table["rfm"].to_list() == ["555", "333", "111"]  # recency: 0, 8 and 10 periods since
    assert table["segment"].to_list() == ["champions", "need_attention", "lost"]
    with pytest.raises(BadInput, match="total_spend"):
        rfm(summary.drop("total_spend"))


def test_deciles_put_the_most_valuable_tenth_first():
    assert deciles(np.arange(20)).tolist() == [10, 10, 9, 9, 8, 8, 7, 7, 6, 6, 5, 5, 4, 4, 3, 3, 2, 2, 1, 1]
    assert deciles([5.0, 5.0, 1.0]).tolist() == [1, 1, 10]


def test_clv_discounts_each_months_purchases():
    summary = cdnow_summary()
    bg, gg = BetaGeo().fit(summary), GammaGamma().fit(summary)
    undiscounted = clv(bg, gg, summary, horizon=12, discount=0.0, period="week")
    expected = gg.expected_spend(summary) * bg.expected_purchases(12 * 365.25 / 12 / 7, summary)
    assert undiscounted == pytest.approx(expected, rel=1e-9)
    discounted = clv(bg, gg, summary, horizon=12, discount=0.01, period="week")
    assert np.all(discounted < undiscounted) and np.all(discounted > undiscounted / 1.01**12)
    with pytest.raises(BadInput, match="whole number of months"):
        clv(bg, gg, summary, horizon=0)
    with pytest.raises(BadInput, match="discount rate"):
        clv(bg, gg, summary, discount=1.5)


def test_score_gives_every_customer_every_score():
    summary = cdnow_summary()
    bg, gg = BetaGeo().fit(summary), GammaGamma().fit(summary)
    table = score(summary, bg, gg, period="week", horizon=12, discount=0.01, purchases_within=13)
    assert table.height == summary.height
    assert {
        "p_alive",
        "expected_purchases",
        "expected_spend",
        "clv",
        "value_decile",
        "rfm",
        "segment",
    } <= set(table.columns)
    assert table["expected_purchases"].to_numpy() == pytest.approx(bg.expected_purchases(13, summary))
    one_timers = table.filter(pl.col("x") == 0)["expected_spend"]
    assert one_timers.n_unique() == 1 and one_timers[0] == pytest.approx(6.25 * 15.44 / 2.74, rel=0.01)
    top = table.sort("clv", descending=True).head(len(table) // 10)
    assert set(top["value_decile"]) == {1}
    # What is at risk is the value if alive, lost with probability 1 - P(alive).
    months = {"horizon": 12, "discount": 0.01}
    if_alive = gg.expected_spend(summary) * discounted_purchases(bg, summary, **months, if_alive=True)
    p_alive = table["p_alive"].to_numpy()
    assert table["clv"].to_numpy() == pytest.approx(clv(bg, gg, summary, **months), rel=1e-12)
    assert table["clv"].to_numpy() == pytest.approx(p_alive * if_alive, rel=1e-12)
    assert table["value_at_risk"].to_numpy() == pytest.approx((1 - p_alive) * if_alive, rel=1e-12)
    assert np.all(if_alive >= table["clv"].to_numpy())
    assert set(table["segment"]) <= set(SEGMENTS)
    assert len(SEGMENT_MAP) == 11
