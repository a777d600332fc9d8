"""`patron score` at 1,000,000 customers and 10,000,000 orders on PostgreSQL.

The requirement: every customer scored from the database in bulk, end to end (read the orders,
summarise, fit BG/NBD and Gamma-Gamma, predict, write the scores back) in at most 60 s. The
model checks `customers_score` runs after the scores are stored are timed and shown apart.

    .venv/bin/python benchmarks/bench_scoring.py                          # 1M / 10M, ~6 min
    .venv/bin/python benchmarks/bench_scoring.py --customers 20000 --orders 200000
    .venv/bin/python benchmarks/bench_scoring.py --database-url postgresql://u@host/db
    .venv/bin/python benchmarks/bench_scoring.py --database-url URL --skip-load --runs 1 --profile

Without --database-url it makes a throwaway PostgreSQL 15 cluster (Debian's packages, the same
`Cluster` and settings as bench_customer_pages.py) and removes it at the end, also on failure.

The orders are drawn from the models the scorer fits, so the fit can be checked against the
truth: every customer makes a first purchase at a time uniform over the last two years, then
buys as BG/NBD (Poisson rate lambda ~ Gamma(r, alpha) per week, dropping out after each repeat
purchase with probability p ~ Beta(a, b)), each purchase spending Gamma(p, nu) with
nu ~ Gamma(q, gamma) per customer (Gamma-Gamma, THB). alpha is set so that purchases are 90 % of
the orders; 2 % of purchases have a return (a document of its own, status "returned", 1 to 14
days later, 20-100 % of the purchase); the rest of the orders are refunded (5/8) or cancelled
(3/8) orders next to a purchase, which the scorer does not count. Order ids follow the time
order. The load (COPY in text format, secondary indexes and constraints dropped and rebuilt,
VACUUM ANALYZE, then PostgreSQL restarted with fsync, full-page writes and synchronous commit on)
is timed separately and is not part of the target.

Each run is a fresh process (`--worker`) that calls `customers_score()` after django.setup(),
as `patron score` does, and times each of its STAGES through the `progress` callback. Peak
memory is the process's VmHWM (its own peak resident set); ru_maxrss is shown too, but on Linux
it also counts what the parent had resident when it forked the run. The first run writes into
an empty score table; the second replaces the scores the first wrote, as every nightly run does.
"""

import argparse
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.bench_customer_pages import (  # noqa: E402
    CUSTOMER_COLUMNS,
    DAY_US,
    ORDER_CHANNEL,
    PG_MEASURE,
    Timings,
    _copy,
    capture_schema,
    check_database_arguments,
    database_arguments,
    drop_secondary,
    open_database,
    raise_priority,
    restore_all,
)
from benchmarks.bench_customer_pages import LOADED_TABLES as SCHEMA_TABLES  # noqa: E402

TARGET_S = 60.0
SEED = 20260101
WEEK_US = 7 * DAY_US
WINDOW_WEEKS = 730 / 7
# The true models, time in weeks and money in THB (alpha is found for the wanted order count).
PURCHASES = {"r": 0.9, "alpha": None, "a": 0.6, "b": 8.0}
SPEND = {"p": 6.25, "q": 3.74, "gamma": 263.0}  # CDNOW's shape, a mean order of ~600 THB
PURCHASE_SHARE = 0.90  # of all orders; the rest are returns, refunds and cancellations
RETURN_SHARE = 0.02  # of purchases
STATUSES = ["completed", "returned", "refunded", "cancelled"]
THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "POLARS_MAX_THREADS")


# ----------------------------------------------------------------------------------------
# Drawing the orders.
# ----------------------------------------------------------------------------------------


def _histories(rng, n, r, alpha, a, b):
    """Birth (weeks into the window), repeat purchases x and recency t_x of `n` BG/NBD customers.

    Exact without drawing the unseen purchases: N ~ Poisson(lambda T) purchases in T, at most
    K ~ Geometric(p) repeat purchases, so x = min(N, K) and the x-th of N uniform times is T * Beta(x, N-x+1).
    """
    birth = rng.uniform(0.0, WINDOW_WEEKS, n)
    T = WINDOW_WEEKS - birth
    rate = rng.gamma(r, 1.0 / alpha, n)
    seen = rng.poisson(rate * T)
    x = np.minimum(seen, rng.geometric(np.clip(rng.beta(a, b, n), 1e-12, 1.0)))
    t_x = np.zeros(n)
    repeat = x > 0
    t_x[repeat] = T[repeat] * rng.beta(x[repeat], seen[repeat] - x[repeat] + 1)
    return birth, x.astype(np.int64), t_x


def calibrated_alpha(per_customer, r, a, b):
    """alpha (weeks) for which customers make `per_customer` purchases on average (first included)."""
    low, high = 1e-3, 1e4
    for _ in range(40):
        alpha = (low * high) ** 0.5
        _birth, x, _t_x = _histories(np.random.default_rng(SEED + 1), 200_000, r, alpha, a, b)
        low, high = (alpha, high) if 1 + x.mean() > per_customer else (low, alpha)
    return (low * high) ** 0.5


def draw(n_customers, n_orders, now_us):
    """Per order: customer id, placed (µs), status index, channel index, total in satang; and each
    customer's creation time (µs). Orders are in time order, so their ids are too."""
    rng = np.random.default_rng(SEED)
    params = dict(PURCHASES, alpha=calibrated_alpha(PURCHASE_SHARE * n_orders / n_customers, **_rab()))
    birth, x, t_x = _histories(rng, n_customers, **params)
    start_us = now_us - int(WINDOW_WEEKS * WEEK_US)
    rows = 1 + x
    owner = np.repeat(np.arange(n_customers), rows)
    rank = np.arange(owner.size) - np.repeat(np.cumsum(rows) - rows, rows)
    since = np.where(rank == 0, 0.0, t_x[owner])  # row 0 the first purchase, row 1 the last one
    others = rank > 1
    since[others] *= rng.random(int(others.sum()))
    placed = start_us + ((birth[owner] + since) * WEEK_US).astype(np.int64)
    nu = rng.gamma(SPEND["q"], 1.0 / SPEND["gamma"], n_customers)
    cents = np.maximum(np.round(rng.gamma(SPEND["p"], 1.0 / nu[owner]) * 100), 1).astype(np.int64)
    purchases = owner.size
    returns = int(round(RETURN_SHARE * purchases))
    rest = n_orders - purchases - returns
    if rest < 0:
        raise SystemExit(
            f"The draw made {purchases:,} purchases, more than the {n_orders:,} orders asked for."
        )
    # Returns: of random purchases, 1-14 days later, 20-100 % of the amount.
    returned = rng.choice(purchases, returns, replace=False)
    return_at = placed[returned] + rng.integers(DAY_US, 14 * DAY_US, returns)
    return_cents = np.maximum((cents[returned] * rng.uniform(0.2, 1.0, returns)).astype(np.int64), 1)
    # Refunded and cancelled orders: next to a random purchase (within three days), never counted.
    beside = rng.integers(0, purchases, rest)
    rest_at = placed[beside] + rng.integers(0, 3 * DAY_US, rest)
    rest_cents = np.round(rng.gamma(SPEND["p"], 1.0 / nu[owner[beside]]) * 100).astype(np.int64)
    rest_status = np.where(rng.random(rest) < 5 / 8, 2, 3)

    customer = np.concatenate([owner, owner[returned], owner[beside]]) + 1
    placed = np.minimum(np.concatenate([placed, return_at, rest_at]), now_us - 60_000_000)
    status = np.concatenate(
        [np.zeros(purchases, np.int8), np.ones(returns, np.int8), rest_status.astype(np.int8)]
    )
    cents = np.concatenate([cents, return_cents, rest_cents])
    in_time = np.argsort(placed, kind="stable")
    customer, placed, status, cents = (array[in_time] for array in (customer, placed, status, cents))
    channel = rng.choice(len(ORDER_CHANNEL[0]), n_orders, p=ORDER_CHANNEL[1]).astype(np.int8)
    # Signed up at most a day before the first purchase.
    created = start_us + (birth * WEEK_US).astype(np.int64) - rng.integers(0, DAY_US, n_customers)
    truth = {"purchases": {k: float(v) for k, v in params.items()}, "spend": dict(SPEND)}
    counts = {"purchases": purchases, "returns": returns, "refunded or cancelled": rest}
    return customer, placed, status, channel, cents, created, truth, counts


def _rab():
    return {k: PURCHASES[k] for k in ("r", "a", "b")}


# ----------------------------------------------------------------------------------------
# Loading: COPY text made by Polars (values without tabs or backslashes, so no escaping).
# ----------------------------------------------------------------------------------------

CHUNK = 500_000
MOMENT = "%Y-%m-%d %H:%M:%S%.6f+00"


def _text(frame):
    return frame.write_csv(
        separator="\t", include_header=False, quote_style="never", null_value=r"\N", datetime_format=MOMENT
    ).encode()


def customer_chunks(created):
    import polars as pl

    for first in range(0, len(created), CHUNK):
        at = created[first : first + CHUNK]
        ids = pl.Series("id", np.arange(first + 1, first + 1 + len(at)))
        moment = pl.Series("created_at", at).cast(pl.Datetime("us"))
        frame = pl.DataFrame({"id": ids}).select(
            "id",
            display_name=pl.format("Customer {}", "id"),
            given_name=pl.lit(""),
            family_name=pl.lit(""),
            country=pl.lit("TH"),
            locale=pl.lit(""),
            time_zone=pl.lit(""),
            birthday=pl.lit(None, pl.String),
            gender=pl.lit(""),
            attributes=pl.lit("{}"),
            merged_into_id=pl.lit(None, pl.Int64),
            search_text=pl.format("customer {}", "id"),
            created_at=moment,
            updated_at=moment,
        )
        yield _text(frame)


def order_chunks(customer, placed, status, channel, cents):
    import polars as pl

    statuses = pl.Series(STATUSES)
    channels = pl.Series(ORDER_CHANNEL[0])
    for first in range(0, len(customer), CHUNK):
        part = slice(first, first + CHUNK)
        at = pl.Series(placed[part]).cast(pl.Datetime("us"))
        amount = pl.Series(cents[part]) / 100
        frame = pl.DataFrame(
            {
                "id": np.arange(first + 1, first + 1 + len(at)),
                "customer_id": customer[part],
                "source": pl.repeat("bench", len(at), eager=True),
                "external_id": pl.repeat("", len(at), eager=True),
                "fingerprint": pl.repeat("", len(at), eager=True),
                "placed_at": at,
                "status": statuses.gather(status[part]),
                "channel": channels.gather(channel[part]),
                "currency": pl.repeat("THB", len(at), eager=True),
                "total": amount,
                "total_base": amount,
                "exchange_rate": pl.repeat(1, len(at), eager=True),
                "created_at": pl.Series(placed[part] + 30_000_000).cast(pl.Datetime("us")),
            }
        )
        yield _text(frame)


def load(args, url, now_us):
    """Fill the migrated, empty database; returns the true parameters and the order counts."""
    import psycopg

    from patron.imports.order_writing import ORDER_COLUMNS

    started = time.perf_counter()
    customer, placed, status, channel, cents, created, truth, counts = draw(
        args.customers, args.orders, now_us
    )
    print(
        f"Drew {args.orders:,} orders in {time.perf_counter() - started:.1f} s: "
        + ", ".join(f"{v:,} {k}" for k, v in counts.items()),
        flush=True,
    )
    timings = Timings()
    copying = time.perf_counter()
    with psycopg.connect(url) as conn:
        with conn.cursor() as cur:
            cur.execute("SET maintenance_work_mem = '1GB'")
            cur.execute("SET max_parallel_maintenance_workers = 2")
            schema = capture_schema(cur)
        drop_secondary(conn, schema)
        _copy(conn, "customers_customer", CUSTOMER_COLUMNS, customer_chunks(created), timings)
        _copy(
            conn,
            "sales_order",
            ORDER_COLUMNS,
            order_chunks(customer, placed, status, channel, cents),
            timings,
        )
        del customer, placed, status, channel, cents, created
        restore_all(conn, schema, SCHEMA_TABLES, ("customers_customer", "sales_order"), timings)
        with conn.cursor() as cur:
            for table in ("customers_customer", "sales_order"):
                t = time.perf_counter()
                cur.execute(f"VACUUM (ANALYZE) {table}")
                timings.add(table, "vacuum", time.perf_counter() - t)
            cur.execute("CHECKPOINT")
    timings.rows = {k: v for k, v in timings.rows.items() if k in ("customers_customer", "sales_order")}
    timings.print(time.perf_counter() - copying)
    print(f"Loaded in {time.perf_counter() - started:.0f} s (drawing included; not part of the target)")
    return truth, counts


# ----------------------------------------------------------------------------------------
# One scoring run, in a process of its own.
# ----------------------------------------------------------------------------------------


def _peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kilobytes on Linux


def _high_water():
    """VmHWM: the peak resident set of this program alone. ru_maxrss also counts what the parent
    had resident when it forked this process (Linux keeps that high-water mark across exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


def worker(args):
    """Score once; print the figures as JSON on the last line."""
    import django

    django.setup()
    import numpy
    import polars as pl
    from django.db import connection

    from patron.scoring.models import CustomerScore
    from patron.scoring.services import STAGES, customers_score

    connection.ensure_connection()
    baseline = _high_water()
    marks = []

    def progress(stage):
        marks.append((stage, time.perf_counter()))

    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    run = customers_score(progress=progress)
    if profiler:
        profiler.disable()
    finished = time.perf_counter()
    peak, high_water = _peak(), _high_water()
    stages = {}
    points = [("set-up", started), *marks, ("end", finished)]
    for (stage, at), (_next, until) in zip(points, points[1:], strict=False):
        stages[stage] = until - at
    if profiler:
        import io
        import pstats

        for order in ("cumulative", "tottime"):
            text = io.StringIO()
            pstats.Stats(profiler, stream=text).sort_stats(order).print_stats(args.profile)
            sys.stderr.write(text.getvalue())
    blas = numpy.show_config(mode="dicts")["Build Dependencies"]["blas"]
    return {
        "order": ["set-up", *STAGES],
        "stages": stages,
        "total": finished - started,
        "run_seconds": run.seconds,
        "status": run.status,
        "note": run.note,
        "customers": run.customers,
        "orders_read": run.orders,
        "stored": CustomerScore.objects.count(),
        "fitted": run.fitted,
        "peak": peak,
        "high_water": high_water,
        "baseline": baseline,
        "load": [load_before, os.getloadavg()[0]],
        "threads": {name: os.environ.get(name) for name in THREAD_VARIABLES},
        "polars_threads": pl.thread_pool_size(),
        "blas": f"{blas.get('name')} {blas.get('version', '')}".strip(),
        "versions": f"polars {pl.__version__}, numpy {numpy.__version__}",
    }


def run_worker(args, env, number):
    command = [sys.executable, __file__, "--worker"]
    if args.profile:
        command += ["--profile", str(args.profile)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
    if args.priority:
        raise_priority(process.pid)
    out, _err = process.communicate()
    if process.returncode:
        raise SystemExit(f"Scoring run {number} failed (exit status {process.returncode}).")
    return json.loads(out.strip().splitlines()[-1])


# ----------------------------------------------------------------------------------------
# Reporting.
# ----------------------------------------------------------------------------------------

MiB = 1 << 20


def report(runs, counts, truth, notes):
    first = runs[0]
    print("\n" + "=" * 92)
    print(
        f"{counts['customers']:,} customers, {counts['orders']:,} orders "
        f"({first['orders_read']:,} counted: completed and returned), {first['customers']:,} customers scored"
    )
    threads = ", ".join(f"{k}={v if v is not None else 'unset'}" for k, v in first["threads"].items())
    print(
        f"Threads: {threads}; Polars pool {first['polars_threads']}; "
        f"BLAS {first['blas']}; {first['versions']}"
    )
    for note in notes:
        print(note)
    print("=" * 92)
    header = f"{'stage (s)':<28}" + "".join(f"{'run ' + str(i + 1):>12}" for i in range(len(runs)))
    print(header)
    for stage in first["order"]:
        print(f"{stage:<28}" + "".join(f"{r['stages'].get(stage, 0.0):>12.1f}" for r in runs))
    print(f"{'scores stored, end to end':<28}" + "".join(f"{r['run_seconds']:>12.1f}" for r in runs))
    print(
        f"{'  then the model checks':<28}" + "".join(f"{r['stages'].get('check', 0.0):>12.1f}" for r in runs)
    )
    print(f"{'total with the checks':<28}" + "".join(f"{r['total']:>12.1f}" for r in runs))
    print(f"{'peak RSS, VmHWM (MiB)':<28}" + "".join(f"{r['high_water'] / MiB:>12,.0f}" for r in runs))
    print(f"{'  after django.setup()':<28}" + "".join(f"{r['baseline'] / MiB:>12,.0f}" for r in runs))
    print(f"{'  ru_maxrss (MiB)':<28}" + "".join(f"{r['peak'] / MiB:>12,.0f}" for r in runs))
    print(f"{'scores stored':<28}" + "".join(f"{r['stored']:>12,}" for r in runs))
    print(
        f"{'load average before/after':<28}"
        + "".join(f"{r['load'][0]:>6.1f}/{r['load'][1]:<5.1f}" for r in runs)
    )
    fitted = runs[-1]["fitted"]
    for role in ("purchases", "spend"):
        if role in fitted:
            model = fitted[role]
            shown = ", ".join(
                f"{k}={v:.4g}" + (f" (true {truth[role][k]:.4g})" if truth and k in truth[role] else "")
                for k, v in model["params"].items()
            )
            print(f"fitted {model['model']}: {shown}; loglik {model['loglik']:.6g}")
    if runs[-1]["note"]:
        print(f"note: {runs[-1]['note']}")
    ok = all(r["run_seconds"] <= TARGET_S and r["status"] == "done" for r in runs)
    worst = max(r["run_seconds"] for r in runs)
    verdict = "PASS" if ok else "FAIL"
    print(f"\nslowest scoring {worst:.1f} s (read to scores written) against {TARGET_S:.0f} s: {verdict}")
    return ok


# ----------------------------------------------------------------------------------------


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    database_arguments(parser, work="score", timed="the runs go")
    parser.add_argument(
        "--runs", type=int, default=2, help="scoring runs, each in a fresh process (default 2)"
    )
    parser.add_argument(
        "--profile", type=int, default=0, metavar="N", help="cProfile each run; print its top N functions"
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    check_database_arguments(parser, args)
    if not args.worker and args.orders < 2 * args.customers:
        parser.error("--orders must be at least twice --customers (every customer buys at least once)")
    return args


def main():
    args = parse_args()
    if args.worker:
        print(json.dumps(worker(args)))
        return
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    signal.signal(signal.SIGHUP, lambda *_: sys.exit(129))
    cluster = None
    data_dir = Path(tempfile.mkdtemp(prefix="patron-bench-data-"))
    ok = False
    try:
        cluster, url, env = open_database(args, data_dir)
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection, connections

        from patron.customers.models import Customer
        from patron.sales.models import Order
        from patron.workspace.services import get_workspace

        call_command("migrate", interactive=False, verbosity=0)
        get_workspace()
        truth = None
        if not args.skip_load:
            if Customer.objects.exists():
                sys.exit("The database already has customers: give an empty one, or --skip-load to score it.")
            now_us = int(time.time()) * 1_000_000
            print(f"Loading {args.customers:,} customers and {args.orders:,} orders with COPY…", flush=True)
            connections.close_all()
            truth, _drawn = load(args, url, now_us)
            if cluster:
                cluster.stop()
                cluster.start(PG_MEASURE)
                print(
                    "Restarted PostgreSQL with fsync, full-page writes and synchronous commit on", flush=True
                )
        counts = {"customers": Customer.objects.count(), "orders": Order.objects.count()}
        with connection.cursor() as cur:
            cur.execute("SHOW server_version")
            version = cur.fetchone()[0]
            shown = []
            for name in ("shared_buffers", "work_mem", "fsync", "synchronous_commit"):
                cur.execute(f"SHOW {name}")
                shown.append(f"{name}={cur.fetchone()[0]}")
        connections.close_all()
        notes = [f"PostgreSQL {version}: " + ", ".join(shown), f"CPUs: {os.cpu_count()}"]
        args.priority = os.geteuid() == 0 and not args.no_priority
        if args.priority:
            if cluster:
                cluster.raise_priority()
            notes.append(f"runs at nice -10{' (PostgreSQL too)' if cluster else ''}")
        notes.append("run 1: the score table as found (empty after a load); later runs replace the scores")
        runs = []
        for number in range(1, args.runs + 1):
            print(f"Scoring run {number}…", flush=True)
            runs.append(run_worker(args, {**os.environ, **env}, number))
            print(f"  {runs[-1]['total']:.1f} s", flush=True)
        ok = report(runs, counts, truth, notes)
    finally:
        if cluster:
            cluster.finish(args.keep)
        shutil.rmtree(data_dir, ignore_errors=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
