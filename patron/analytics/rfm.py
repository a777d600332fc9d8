"""RFM: recency, frequency and monetary scores from 1 to 5, and named segments.

Each score is the quintile of a customer's place among all, ranked from worst to best:
recency by the time since the last purchase (shorter is better), frequency by the number of
purchase occasions, monetary by total spend. The place is the percentile (rank - 1) / (n - 1),
so the worst customer scores 1 and the best 5 however few there are (a lone customer scores
3). Ties: customers with the same value share the place of the first of them (the "min"
rank), so equal customers never get different scores; when many tie (say, most bought
once) a score may be skipped and a quintile may hold more than a fifth.

Segments come from the recency and frequency scores through a map of patterns on the
two-digit "RF" code, tried in order; the default is the usual eleven-segment map.
"""

import re

import numpy as np
import polars as pl

from patron.analytics.frames import BadInput

SEGMENTS = {
    "champions": "Champions",
    "loyal": "Loyal",
    "potential_loyalist": "Potential loyalist",
    "new": "New",
    "promising": "Promising",
    "need_attention": "Need attention",
    "about_to_sleep": "About to sleep",
    "at_risk": "At risk",
    "cant_lose": "Can't lose",
    "hibernating": "Hibernating",
    "lost": "Lost",
}

SEGMENT_MAP = (
    ("5[45]", "champions"),
    ("[34][45]", "loyal"),
    ("[45][23]", "potential_loyalist"),
    ("51", "new"),
    ("41", "promising"),
    ("33", "need_attention"),
    ("3[12]", "about_to_sleep"),
    ("[12][34]", "at_risk"),
    ("[12]5", "cant_lose"),
    ("11", "lost"),
    ("[12][12]", "hibernating"),
)


# "111" to "555", in the order of (r - 1) * 25 + (f - 1) * 5 + (m - 1).
CODES = pl.Series(
    [f"{r}{f}{m}" for r in range(1, 6) for f in range(1, 6) for m in range(1, 6)], dtype=pl.String
)


def quintile_scores(values, *, higher_is_better=True) -> np.ndarray:
    """Scores 1-5 by quintile of place; ties share the lowest score of their places."""
    return ntiles(values, 5, ascending=higher_is_better)


def ntiles(values, groups: int, *, ascending=True) -> np.ndarray:
    """Group 1..`groups` of each value by its percentile place; ties share the first place.

    A value's place is L / (n - 1), L the number of values below it, and it reaches group
    k + 1 once L >= k (n - 1) / groups: once it exceeds the value at that sorted position. So
    only the groups - 1 boundary values are needed (a partition, not a sort), and the
    comparison is in whole numbers, exact at the boundaries.
    """
    values = np.asarray(values, dtype=np.float64)
    if not ascending:
        values = -values
    n = values.size
    if n < 2:
        return np.full(n, (groups + 1) // 2, dtype=np.int8)
    positions = [-(-k * (n - 1) // groups) - 1 for k in range(1, groups)]
    bounds = np.partition(values, positions)[positions]
    # The group is 1 + the number of boundaries below the value (a comparison a boundary: a
    # tenth of the time of a binary search); a missing value comes after every number.
    group = np.ones(n, dtype=np.int8)
    for bound in bounds:
        group += bound < values
    missing = np.isnan(values)
    if missing.any():
        group[missing] = 1 + np.count_nonzero(~np.isnan(bounds))
    return group


def segment_codes(recency, frequency, segment_map=SEGMENT_MAP) -> pl.Series:
    """The segment key of each (recency score, frequency score) pair."""
    names = pl.Series(_segment_table(segment_map).ravel().tolist(), dtype=pl.String)
    cells = (np.asarray(recency, dtype=np.int64) - 1) * 5 + (np.asarray(frequency, dtype=np.int64) - 1)
    return names.gather(cells)


def _segment_table(segment_map) -> np.ndarray:
    table = np.empty((5, 5), dtype=object)
    for r in range(1, 6):
        for f in range(1, 6):
            code = f"{r}{f}"
            for pattern, segment in segment_map:
                try:
                    matched = re.fullmatch(pattern, code)
                except re.error as error:
                    raise BadInput(
                        f"Segment pattern {pattern!r} is not a regular expression: {error}."
                    ) from None
                if matched:
                    table[r - 1, f - 1] = segment
                    break
            else:
                raise BadInput(
                    f"No segment pattern matches R={r}, F={f} (code {code}): the map must cover all 25."
                )
    return table


def rfm(summary: pl.DataFrame, segment_map=SEGMENT_MAP) -> pl.DataFrame:
    """recency_score, frequency_score, monetary_score, rfm ("545") and segment for each row of a summary."""
    missing = {"t_x", "T", "purchases", "total_spend"} - set(summary.columns)
    if missing:
        raise BadInput(f"A summary needs the columns {', '.join(sorted(missing))} (see summarise).")
    recency = quintile_scores((summary["T"] - summary["t_x"]).to_numpy(), higher_is_better=False)
    frequency = quintile_scores(summary["purchases"].to_numpy())
    monetary = quintile_scores(summary["total_spend"].to_numpy())
    scores = pl.DataFrame(
        {"recency_score": recency, "frequency_score": frequency, "monetary_score": monetary}
    )
    return scores.with_columns(
        rfm=CODES.gather((recency.astype(np.int64) - 1) * 25 + (frequency - 1) * 5 + (monetary - 1)),
        segment=segment_codes(recency, frequency, segment_map),
    )
