"""The per-customer summary (see `summaries`) computed in DuckDB SQL, in process.

Gives the same frame as `polars_summary`: the same occasions, windows and columns.
"""

import duckdb
import polars as pl

from patron.analytics.summaries import NET_DIGITS, Plan, summary_dtypes

# `Clock.occasion` of the naive TIMESTAMP `time`. 1970-01-01 was a Thursday and weeks start on
# Monday; DuckDB's // truncates towards zero, so weeks before 1970 need floor().
OCCASION = {
    "exact": "epoch_us(time)",
    "day": "(time::DATE - DATE '1970-01-01')",
    "week": "floor(((time::DATE - DATE '1970-01-01') + 3) / 7)::BIGINT",
    "month": "year(time)::BIGINT * 12 + month(time) - 1",
}

TAGGED = "SELECT customer, time, amount, {occasion} AS occasion FROM transactions WHERE {kept}"

# The purchase occasions of the rows in a window: returns netted; an occasion they cancel is none.
OCCASIONS = f"""
    SELECT customer, count(*) AS occasions, min(occasion) AS first_occasion, max(occasion) AS last_occasion,
           min(first) AS first, max(last) AS last, sum(spend) AS total_spend, avg(spend) AS mean_occasion,
           arg_min(spend, occasion) AS first_spend
    FROM (
        SELECT customer, occasion, sum(amount) AS spend, bool_or(amount < 0) AS returned,
               min(time) AS first, max(time) AS last
        FROM tagged WHERE {{window}} GROUP BY customer, occasion
    )
    WHERE round(spend, {NET_DIGITS}) > 0 OR (round(spend, {NET_DIGITS}) = 0 AND NOT returned)
    GROUP BY customer"""  # noqa: S608 (constants only)

SUMMARY = """
    SELECT customer, inside.occasions - 1 AS x,
           (inside.last_occasion - inside.first_occasion) * $scale AS t_x,
           ($position - inside.first_occasion) * $scale AS T, inside.first, inside.last,
           inside.occasions AS purchases, inside.total_spend,
           CASE WHEN inside.occasions > 1
                THEN (inside.total_spend - inside.first_spend) / (inside.occasions - 1)
                ELSE 0.0 END AS mean_spend"""

HOLDOUT = """,
           coalesce(holdout.occasions, 0) AS x_holdout, coalesce(holdout.mean_occasion, 0.0) AS spend_holdout,
           $duration AS duration_holdout"""

QUERY = "WITH tagged AS ({tagged}) {summary} FROM ({inside}) AS inside"
QUERY_WITH_HOLDOUT = QUERY + " LEFT JOIN ({later}) AS holdout USING (customer)"


def duckdb_summary(frame: pl.DataFrame, plan: Plan) -> pl.DataFrame:
    """`frame` has the columns customer, time (naive Datetime) and amount (Float64)."""
    first_end = plan.calibration_end or plan.end
    kept = "amount >= 0" if plan.returns == "exclude" else "true"
    parameters = {"first_last": first_end.last, "position": first_end.position, "scale": plan.clock.scale}
    parts = {
        "tagged": TAGGED.format(occasion=OCCASION[plan.clock.grain], kept=kept),
        "summary": SUMMARY,
        "inside": OCCASIONS.format(window="time <= $first_last"),
    }
    if plan.calibration_end is None:
        query = QUERY.format(**parts)
    else:
        parts["summary"] += HOLDOUT
        parts["later"] = OCCASIONS.format(window="time > $first_last AND time <= $end_last")
        query = QUERY_WITH_HOLDOUT.format(**parts)
        parameters["end_last"] = plan.end.last
        parameters["duration"] = (plan.end.position - first_end.position) * plan.clock.scale
    with duckdb.connect() as connection:
        connection.register("transactions", frame)
        result = connection.sql(query, params=parameters).pl()
    return result.cast({"customer": frame.schema["customer"], **summary_dtypes(plan)}).sort("customer")
