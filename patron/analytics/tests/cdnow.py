"""The CDNOW sample of the BG/NBD and Pareto/NBD papers: 2,357 customers who first bought in
the first quarter of 1997, their purchases to the end of June 1998 (from the `lifetimes`
package's CDNOW_sample.txt; customer, date, CDs, dollars). The papers fit on the 39 weeks
to 1997-09-30 and check on the 39 weeks after."""

from pathlib import Path

from patron.analytics.summaries import summarise

CDNOW = Path(__file__).parent / "data" / "cdnow_sample.csv"
CALIBRATION_END = "1997-09-30"
OBSERVATION_END = "1998-06-30"
COLUMNS = {"customer": "customer", "time": "date", "amount": "amount", "period": "week", "grain": "day"}


def cdnow_summary():
    return summarise(CDNOW, **COLUMNS, calibration_end=CALIBRATION_END, observation_end=OBSERVATION_END)
