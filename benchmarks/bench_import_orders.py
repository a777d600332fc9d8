"""`patron import orders` speed and memory, beside the database's own bulk path on the same rows.

The requirement: at least 50,000 order rows per second into SQLite and into PostgreSQL for a
2,000,000-row CSV on the 2-core machine, with peak memory under 1 GiB whatever the file's size.

    .venv/bin/python benchmarks/bench_import_orders.py                    # 2,000,000 rows, both databases
    .venv/bin/python benchmarks/bench_import_orders.py --rows 200000 --database sqlite

For each database, in a fresh process (so its peak memory is the import's own): migrate an
empty database, load the customers the file refers to, then time `import_orders` on the file
(the same function as `patron import orders`), record the peak resident memory, time the same
file imported again (every row then compared with the recorded order: "unchanged"), and
finally time the database's own bulk path on the very rows the import wrote (read back, table
emptied): one `executemany` in one transaction for SQLite, `COPY ... FROM STDIN` for
PostgreSQL, with every index in place, as the import has them. PostgreSQL is a throwaway
cluster (Debian's PostgreSQL 15) with its durable defaults (fsync on).
"""

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

TARGET = 50_000
MEMORY_LIMIT = 1 << 30
CHANNELS = ["store"] * 6 + ["web"] * 3 + ["Shopee", "app"]
STATUSES = ["completed"] * 30 + ["refunded", "cancelled"]


def write_file(path, rows, customers, seed=7):
    """A point-of-sale export: one row per order, ISO times in the shop's zone, THB totals."""
    rnd = random.Random(seed)
    start = datetime(2022, 1, 1)
    span = int(timedelta(days=3 * 365).total_seconds())
    with path.open("w", newline="", encoding="utf-8") as file:
        out = csv.writer(file)
        out.writerow(["order_id", "customer_id", "placed_at", "total", "channel", "status"])
        for number in range(rows):
            moment = start + timedelta(seconds=rnd.randrange(span))
            out.writerow(
                [
                    f"POS-{number:08d}",
                    f"C{rnd.randrange(customers):07d}",
                    moment.isoformat(" "),
                    f"{rnd.randrange(2_000, 900_000) / 100:.2f}",
                    rnd.choice(CHANNELS),
                    rnd.choice(STATUSES),
                ]
            )


def machine_line():
    """The CPUs and the thread settings numeric libraries read, as the benchmarks print them."""
    threads = {
        k: os.environ.get(k, "(unset)")
        for k in ["OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "POLARS_MAX_THREADS"]
    }
    return f"{os.cpu_count()} CPUs; " + ", ".join(f"{k}={v}" for k, v in threads.items())


def shop(customers):
    """A migrated database with a Thai shop, its Admin and ``customers`` customers known to the
    file's source by their point-of-sale number. Returns (the Admin, the customers)."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from patron.customers.models import Customer, ExternalId
    from patron.workspace.models import Workspace

    call_command("migrate", verbosity=0)
    Workspace.objects.update_or_create(
        pk=1, defaults={"name": "bench", "country": "TH", "currency": "THB", "time_zone": "Asia/Bangkok"}
    )
    user = get_user_model().objects.create_superuser("bench", password="bench-pass-2024")
    made = Customer.objects.bulk_create(
        (Customer(display_name=f"Customer {n}", country="TH") for n in range(customers)), batch_size=5000
    )
    ExternalId.objects.bulk_create(
        (ExternalId(customer=c, source="pos", value=f"C{n:07d}") for n, c in enumerate(made)), batch_size=5000
    )
    return user, made


def child(args):
    """Runs in its own process: one database, timed import, re-import and bulk baseline."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "patron.settings"
    import django

    django.setup()
    from django.db import connection, transaction

    from patron.imports.order_writing import ORDER_COLUMNS, _columns
    from patron.imports.orders import import_orders
    from patron.sales.models import Order

    user, _customers = shop(args.customers)
    result = {"database": connection.vendor}

    started = time.perf_counter()
    sizing = {"batch_size": args.batch_size} if args.batch_size else {}
    summary = import_orders(args.file, by=user, source="pos", **sizing)
    seconds = time.perf_counter() - started
    result["import"] = {"seconds": seconds, "rows_per_s": summary.read / seconds, **summary.as_dict()}
    result["peak_rss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

    if args.again:
        started = time.perf_counter()
        again = import_orders(args.file, by=user, source="pos", **sizing)
        seconds = time.perf_counter() - started
        result["again"] = {"seconds": seconds, "rows_per_s": again.read / seconds, **again.as_dict()}

    table = connection.ops.quote_name(Order._meta.db_table)
    columns = _columns(Order, ORDER_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) TO STDOUT") as copy:
                data = b"".join(bytes(chunk) for chunk in copy)
            count = Order.objects.count()
            cursor.execute(f"TRUNCATE {table} CASCADE")
            started = time.perf_counter()
            with transaction.atomic(), cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                copy.write(data)
            kind = "COPY"
        else:
            cursor.execute(f"SELECT {columns} FROM {table}")  # noqa: S608
            rows = cursor.fetchall()
            count = len(rows)
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608
            marks = ", ".join("?" * len(ORDER_COLUMNS))
            started = time.perf_counter()
            with transaction.atomic():
                connection.connection.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)  # noqa: S608
            kind = "executemany"
    seconds = time.perf_counter() - started
    result["baseline"] = {"kind": kind, "rows": count, "seconds": seconds, "rows_per_s": count / seconds}
    print(json.dumps(result))


def run_child(args, database, data_dir, url=None):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY"}}
    env.update(PATRON_DATA_DIR=str(data_dir), PYTHONPATH=str(ROOT))
    if url:
        env["DATABASE_URL"] = url
    command = [
        sys.executable,
        __file__,
        "--child",
        "--file",
        str(args.file),
        "--customers",
        str(args.customers),
    ]
    if not args.again:
        command.append("--no-again")
    if args.batch_size:
        command += ["--batch-size", str(args.batch_size)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        sys.exit(f"{database} run failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def report(result):
    imported, baseline = result["import"], result["baseline"]
    verdict = "PASS" if imported["rows_per_s"] >= TARGET and result["peak_rss"] < MEMORY_LIMIT else "FAIL"
    print(f"\n{result['database']}")
    print(
        f"  import          {imported['read']:>10,} rows {imported['seconds']:7.1f} s "
        f"{imported['rows_per_s']:>9,.0f} rows/s   "
        f"created {imported['created']:,}, rejected {imported['rejected']:,}"
    )
    if "again" in result:
        again = result["again"]
        print(
            f"  same file again {again['read']:>10,} rows {again['seconds']:7.1f} s "
            f"{again['rows_per_s']:>9,.0f} rows/s   unchanged {again['unchanged']:,}"
        )
    print(
        f"  {baseline['kind']:<15} {baseline['rows']:>10,} rows {baseline['seconds']:7.1f} s "
        f"{baseline['rows_per_s']:>9,.0f} rows/s   (the database's own bulk path, same rows)"
    )
    print(f"  import / bulk path: {imported['rows_per_s'] / baseline['rows_per_s']:.2f}")
    print(f"  peak memory (RSS) during the import: {result['peak_rss'] / 2**20:,.0f} MiB")
    print(f"  target {TARGET:,} rows/s and < 1 GiB: {verdict}")
    return verdict == "PASS"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--no-again", dest="again", action="store_false", help="Skip the second import.")
    parser.add_argument("--batch-size", type=int, help="Rows per transaction (default: the importer's).")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    print(machine_line())
    with tempfile.TemporaryDirectory(prefix="patron-import-bench-") as work:
        work = Path(work)
        args.file = work / "orders.csv"
        started = time.perf_counter()
        write_file(args.file, args.rows, args.customers)
        size = args.file.stat().st_size
        print(
            f"{args.rows:,} order rows for {args.customers:,} customers, {size / 2**20:,.0f} MiB "
            f"(written in {time.perf_counter() - started:.0f} s), {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
        )
        passed = True
        if args.database in ("sqlite", "both"):
            passed &= report(run_child(args, "SQLite", work / "sqlite"))
        if args.database in ("postgresql", "both"):
            from bench_customer_pages import Cluster

            cluster = Cluster()
            try:
                cluster.start({})
                passed &= report(run_child(args, "PostgreSQL", work / "pg-data", cluster.url))
            finally:
                cluster.remove()
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
