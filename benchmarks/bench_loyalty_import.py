"""`patron import orders` with the loyalty programme running, earning included, beside the same
import with the programme off.

The requirement (issue 17): importing 2,000,000 order rows with the programme on stays at or
above 40,000 rows a second on SQLite and on PostgreSQL, earning included.

    .venv/bin/python benchmarks/bench_loyalty_import.py                  # 2,000,000 rows, both databases
    .venv/bin/python benchmarks/bench_loyalty_import.py --rows 200000 --database sqlite

The file is bench_import_orders.py's point-of-sale export (one row per order, 100,000
customers, 30 in 32 orders completed). For each database, two fresh processes on two fresh
databases with the same customers: "off" times `import_orders` alone (the same function as
`patron import orders`); "on" runs a programme first (1 point per 10 THB, a 14-day pending
period, expiry after 24 months, a birthday-month multiplier, a first-purchase bonus, a SKU and
a category rule, and Silver and Gold tiers held by a fifth of the customers, with birthdays
for half of them), then times `import_orders` and the earning that the import's event queues
(earning.imported_orders_earn, run here as the worker runs the job), one after the other.
The figure is the file's rows over both. Afterwards `patron loyalty check`'s test
(ledger.ledger_check) runs on the result, untimed. PostgreSQL is a throwaway cluster (Debian's
PostgreSQL 15) with its durable defaults.
"""

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

TARGET = 40_000


def programme_on(customers, user):
    """The programme the docstring describes, with tiers held by a fifth of ``customers``."""
    from django.utils import timezone

    from patron.customers.models import Customer
    from patron.loyalty.models import EarnRule, Membership
    from patron.loyalty.programme import programme_update
    from patron.loyalty.tiers import tier_create

    programme_update(
        by=user,
        active=True,
        points_per_unit=Decimal("0.1"),
        pending_days=14,
        expiry_months=24,
        birthday_multiplier=Decimal("2"),
        first_purchase_bonus=100,
    )
    EarnRule.objects.create(applies_to=EarnRule.Applies.SKU, value="TEA-1", multiplier=Decimal("2"))
    EarnRule.objects.create(applies_to=EarnRule.Applies.CATEGORY, value="ceramics", multiplier=Decimal("1.5"))
    silver = tier_create(name="Silver", threshold=Decimal(20_000), multiplier=Decimal("1.25"), by=user)
    gold = tier_create(name="Gold", threshold=Decimal(80_000), multiplier=Decimal("1.5"), by=user)
    rnd, now = random.Random(11), timezone.now()
    Membership.objects.bulk_create(
        (Membership(customer=c, tier=rnd.choice([silver, silver, gold]), since=now) for c in customers[::5]),
        batch_size=5000,
    )
    for c in customers[::2]:
        c.birthday = date(1980 + rnd.randrange(30), rnd.randint(1, 12), rnd.randint(1, 28))
    Customer.objects.bulk_update(customers[::2], ["birthday"], batch_size=5000)


def child(args):
    """Runs in its own process: one database, one mode, the timed import (and earning)."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "patron.settings"
    import django

    django.setup()
    from bench_import_orders import shop
    from django.db import connection
    from django.utils import timezone

    from patron.actors import Actor
    from patron.imports.orders import import_orders
    from patron.loyalty.earning import imported_orders_earn
    from patron.loyalty.ledger import ledger_check
    from patron.loyalty.models import Entry

    user, made = shop(args.customers)
    if args.mode == "on":
        programme_on(made, user)
    result = {"database": connection.vendor, "mode": args.mode}

    started_at, started = timezone.now(), time.perf_counter()
    summary = import_orders(args.file, by=user, source="pos")
    result["import_seconds"] = time.perf_counter() - started
    result["read"], result["created"] = summary.read, summary.created
    if args.mode == "on":
        started = time.perf_counter()
        by = Actor.for_job("imported_orders_earn", user.pk)
        result["entries"] = imported_orders_earn(source="pos", started_at=started_at, by=by)
        result["earn_seconds"] = time.perf_counter() - started
        # The import's and the earning's peak, before the checks below read every entry.
        result["peak_rss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        result["ledger_problems"] = len(ledger_check())
        result["entries_counted"] = Entry.objects.count()
        result["baseline_seconds"] = entries_again()
    result.setdefault("peak_rss", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
    print(json.dumps(result))


def entries_again():
    """Seconds the database's own bulk path takes to write the entries the earning wrote, read
    back and the table emptied: one executemany (SQLite) or COPY (PostgreSQL) in one
    transaction (patron.bulk.insert, as the earning writes them), three ways: with every index
    and foreign key in place (committed: the figure beside the earning's), then without the
    foreign keys' checks, then without them and without the secondary indexes (the table and
    its unique key alone), each rolled back. The last two say what the ledger's integrity
    costs: what no change to the earning's own work can take off."""
    from django.db import connection, transaction

    from patron.bulk import insert, moment_writer
    from patron.loyalty.ledger import EARN_COLUMNS
    from patron.loyalty.models import Entry

    text = moment_writer()
    rows = [
        tuple(text(value) if isinstance(value, datetime) else value for value in row)
        for row in Entry.objects.order_by("pk").values_list(*EARN_COLUMNS)
    ]
    table = connection.ops.quote_name(Entry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608
    started = time.perf_counter()
    with transaction.atomic():
        insert(Entry, EARN_COLUMNS, rows)
    seconds = {"everything": time.perf_counter() - started}
    for name, indexes in (("no foreign keys", False), ("table alone", True)):
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608
        seconds[name] = _without_checks(rows, indexes)
    return seconds


def _without_checks(rows, indexes):
    """Seconds of the entries' bulk write without foreign-key checks (and without the secondary
    indexes, with ``indexes``), rolled back. PostgreSQL drops the constraints and indexes inside
    the transaction; SQLite turns foreign keys off around it and drops the indexes inside."""
    from django.db import connection, transaction

    from patron.bulk import insert
    from patron.loyalty.ledger import EARN_COLUMNS
    from patron.loyalty.models import Entry

    table = Entry._meta.db_table
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute(
                "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'", [table]
            )
            drops = [f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"' for (name,) in cursor.fetchall()]
            cursor.execute(
                "SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = %s::regclass"
                " AND NOT indisprimary AND NOT indisunique",
                [table],
            )
        else:
            cursor.execute("PRAGMA foreign_keys = OFF")
            drops = []
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
                [table],
            )
        if indexes:
            drops += [f'DROP INDEX "{name.strip(chr(34))}"' for (name,) in cursor.fetchall()]
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                for statement in drops:
                    cursor.execute(statement)
                started = time.perf_counter()
                insert(Entry, EARN_COLUMNS, rows)
                seconds = time.perf_counter() - started
            transaction.set_rollback(True)
    finally:
        if not postgres:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA foreign_keys = ON")
    return seconds


def run_child(args, mode, data_dir, url=None):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY"}}
    env.update(PATRON_DATA_DIR=str(data_dir), PYTHONPATH=str(ROOT))
    if url:
        env["DATABASE_URL"] = url
    command = [sys.executable, __file__, "--child", "--mode", mode, "--file", str(args.file)]
    command += ["--customers", str(args.customers)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        sys.exit(f"{mode} run failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def report(name, off, on):
    on_total = on["import_seconds"] + on["earn_seconds"]
    rate = on["read"] / on_total
    passed = rate >= TARGET and on["ledger_problems"] == 0
    print(f"\n{name}")
    off_rate = off["read"] / off["import_seconds"]
    print(
        f"  programme off: import {off['import_seconds']:6.1f} s  {off_rate:>9,.0f} rows/s"
        f"   ({off['created']:,} orders)"
    )
    print(
        f"  programme on:  import {on['import_seconds']:6.1f} s + earning {on['earn_seconds']:5.1f} s"
        f" = {on_total:6.1f} s  {rate:>9,.0f} rows/s   ({on['entries']:,} entries,"
        f" {on['entries'] / on['earn_seconds']:,.0f} a second)"
    )
    print(
        f"  peak memory (RSS): off {off['peak_rss'] / 2**20:,.0f} MiB, on {on['peak_rss'] / 2**20:,.0f} MiB"
    )
    print(f"  ledger check: {on['ledger_problems']} problems ({on['entries_counted']:,} entries)")
    baseline = on["baseline_seconds"]
    print(
        f"  the same entries through the database's own bulk path: {baseline['everything']:5.1f} s"
        f" ({on['entries'] / baseline['everything']:,.0f} a second); without the foreign keys' checks"
        f" {baseline['no foreign keys']:5.1f} s; without them and the secondary indexes"
        f" {baseline['table alone']:5.1f} s"
    )
    print(f"  target {TARGET:,} rows/s with the programme on, ledger whole: {'PASS' if passed else 'FAIL'}")
    return passed


def main():
    from bench_import_orders import machine_line, write_file

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--mode", choices=["off", "on"], help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    print(machine_line())
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory(prefix="patron-loyalty-import-bench-") as work:
        work = Path(work)
        args.file = work / "orders.csv"
        write_file(args.file, args.rows, args.customers)
        print(f"{args.rows:,} order rows for {args.customers:,} customers, {datetime.now(UTC):%H:%M} UTC")
        passed = True
        if args.database in ("sqlite", "both"):
            off = run_child(args, "off", work / "sqlite-off")
            on = run_child(args, "on", work / "sqlite-on")
            passed &= report("SQLite", off, on)
        if args.database in ("postgresql", "both"):
            from bench_customer_pages import Cluster

            for mode in ("off", "on"):
                cluster = Cluster()
                try:
                    cluster.start({})
                    result = run_child(args, mode, work / f"pg-{mode}", cluster.url)
                finally:
                    cluster.remove()
                if mode == "off":
                    off = result
            passed &= report("PostgreSQL 15", off, result)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
