"""`patron analytics`: fit and score a transaction file, with no database and no Django settings."""

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

from patron.analytics.bgnbd import BetaGeo
from patron.analytics.fitting import NotIdentified
from patron.analytics.frames import BadInput
from patron.analytics.gammagamma import GammaGamma
from patron.analytics.paretonbd import ParetoNBD
from patron.analytics.periods import GRAINS, PERIODS
from patron.analytics.scores import score
from patron.analytics.summaries import summarise

MODELS = {"bgnbd": BetaGeo, "paretonbd": ParetoNBD, "gammagamma": GammaGamma}


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="patron analytics", description=__doc__)
    commands = main.add_subparsers(dest="command", required=True)
    fit = commands.add_parser(
        "fit", help="Fit a model and print its parameters, standard errors and log-likelihood."
    )
    _data_arguments(fit)
    fit.add_argument("--model", choices=MODELS, required=True)
    fit.add_argument("--json", action="store_true", help="Print JSON for scripts.")
    scoring = commands.add_parser("score", help="Write one row of scores per customer.")
    _data_arguments(scoring)
    scoring.add_argument(
        "--model",
        choices=("bgnbd", "paretonbd"),
        default="bgnbd",
        help="Purchase model (default bgnbd); spend always by Gamma-Gamma.",
    )
    scoring.add_argument("--horizon", type=int, default=12, help="CLV horizon in months (default 12).")
    scoring.add_argument("--discount", type=float, default=0.01, help="Monthly discount rate (default 0.01).")
    scoring.add_argument(
        "--within", type=float, help="Expected purchases in this many periods (default: the horizon)."
    )
    scoring.add_argument("--out", required=True, type=Path, help="Output file, .csv or .parquet.")
    scoring.add_argument("--json", action="store_true", help="Print a JSON report for scripts.")
    return main


def _data_arguments(command):
    command.add_argument("file", type=Path, help="Transactions, CSV or Parquet.")
    command.add_argument("--customer", required=True, help="Column of customer ids.")
    command.add_argument("--time", required=True, help="Column of purchase dates or times (ISO or YYYYMMDD).")
    command.add_argument("--amount", help="Column of amounts (needed for spend and CLV).")
    command.add_argument("--period", choices=PERIODS, default="week")
    command.add_argument(
        "--grain", choices=GRAINS, help="Purchases in the same grain are one occasion (default: the period)."
    )
    command.add_argument("--calibration-end", help="Fit on purchases up to this date (ISO).")
    command.add_argument(
        "--observation-end", help="Ignore purchases after this date (ISO; default: the last one)."
    )
    command.add_argument("--returns", choices=("net", "exclude"), default="net")


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            report = fit(args) if args.command == "fit" else write_scores(args)
    except (BadInput, NotIdentified) as error:
        print(f"patron analytics: {error}", file=sys.stderr)
        return 1
    report["warnings"] = [str(w.message) for w in caught]
    if args.json:
        print(json.dumps(report, indent=2, default=str))
    else:
        _print(report)
    return 0


def _summary(args):
    if not args.amount and (args.model == "gammagamma" or args.command == "score"):
        raise BadInput("Give --amount: spend and CLV need the amount column.")
    return summarise(
        args.file,
        customer=args.customer,
        time=args.time,
        amount=args.amount,
        period=args.period,
        grain=args.grain,
        observation_end=args.observation_end,
        calibration_end=args.calibration_end,
        returns=args.returns,
    )


def fit(args) -> dict:
    started = time.perf_counter()
    summary = _summary(args)
    model = MODELS[args.model]().fit(summary)
    return {
        "model": args.model,
        "customers": summary.height,
        "fitted_on": model.customers_,
        **({"excluded_zero_spend": model.excluded_} if args.model == "gammagamma" else {}),
        "period": args.period,
        "params": model.params_,
        "standard_errors": model.standard_errors_,
        "loglik": model.loglik_,
        "seconds": round(time.perf_counter() - started, 3),
    }


def write_scores(args) -> dict:
    started = time.perf_counter()
    suffix = args.out.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise BadInput(f"--out {args.out}: give a .csv or .parquet file.")
    summary = _summary(args)
    purchases = MODELS[args.model]().fit(summary)
    spend = GammaGamma().fit(summary)
    table = score(
        summary,
        purchases,
        spend,
        period=args.period,
        horizon=args.horizon,
        discount=args.discount,
        purchases_within=args.within,
    )
    if suffix == ".csv":
        table.write_csv(args.out)
    else:
        table.write_parquet(args.out, compression="snappy")  # Parquet's usual; twice as fast as zstd
    return {
        "customers": table.height,
        "out": str(args.out),
        "model": args.model,
        "params": purchases.params_,
        "spend_params": spend.params_,
        "spend_excluded_zero_spend": spend.excluded_,
        "segments": dict(table["segment"].value_counts(sort=True).iter_rows()),
        "seconds": round(time.perf_counter() - started, 3),
    }


def _print(report):
    for key, value in report.items():
        if isinstance(value, dict):
            print(f"{key}:")
            for name, number in value.items():
                print(f"  {name:<20} {number:.6g}" if isinstance(number, float) else f"  {name:<20} {number}")
        elif isinstance(value, list):
            for line in value:
                print(f"warning: {line}")
        else:
            print(f"{key:<22} {value}")
