"""The CDNOW data of the BG/NBD and Pareto/NBD papers, Fader & Hardie's public data set.

The sample: 2,357 customers who first bought in the first quarter of 1997, their purchases to
the end of June 1998 (from the `lifetimes` package's CDNOW_sample.txt; customer, date, CDs,
dollars). The papers fit on the 39 weeks to 1997-09-30 and check on the 39 weeks after.

The full data set: all 23,570 customers of that cohort, 69,659 rows (the `lifetimes`
package's CDNOW_master.txt, as Parquet; see data/README.md). One repeat buyer's only repeat
purchase cost $0.00, as free orders and orders paid by a coupon do in a shop's data.
"""

from pathlib import Path

from patron.analytics.summaries import summarise

CDNOW = Path(__file__).parent / "data" / "cdnow_sample.csv"
CDNOW_MASTER = Path(__file__).parent / "data" / "cdnow_master.parquet"
CALIBRATION_END = "1997-09-30"
OBSERVATION_END = "1998-06-30"
COLUMNS = {"customer": "customer", "time": "date", "amount": "amount", "period": "week", "grain": "day"}


def cdnow_summary():
    return summarise(CDNOW, **COLUMNS, calibration_end=CALIBRATION_END, observation_end=OBSERVATION_END)


def cdnow_master_summary():
    """Every customer of the full data set, over the whole 78 weeks."""
    return summarise(CDNOW_MASTER, **COLUMNS, observation_end=OBSERVATION_END)
