"""The loyalty programme's nightly jobs on PostgreSQL: the expiry of points and the review of tiers.

The requirement (issue 17): nightly expiry and tier re-evaluation for 1,000,000 customers with
20,000,000 ledger entries on PostgreSQL in under 60 s.

    .venv/bin/python benchmarks/bench_loyalty_nightly.py                        # 1M customers, 20M entries
    .venv/bin/python benchmarks/bench_loyalty_nightly.py --customers 50000 --entries 1000000
    .venv/bin/python benchmarks/bench_loyalty_nightly.py --keep /var/tmp/nightly   # build once ...
    .venv/bin/python benchmarks/bench_loyalty_nightly.py --keep /var/tmp/nightly   # ... then time again

The shop, built with INSERT ... SELECT from generate_series in a throwaway PostgreSQL 15
cluster (Debian's packages, loaded without fsync, then restarted with its durable defaults):
a Thai shop's customers, ``--entries / 2`` completed orders over three years (what tiers by
spend read), each earning a lot of points (one point per 10 THB, spendable after 7 days,
expiring 730 days after the order); two lots in three redeemed at the till (one in four of
those in full, the others in part, each redemption with its allocation); the lots past expiry
before last night expired with their entry and allocation, keyed as the nightly job keys them;
each account the sum of its entries. Tiers by spend in 12 months (Member at 0, Silver 4,000,
Gold 10,000, Platinum 25,000 THB), each customer's membership as of last night's review, its
qualification period started on a day of the last year, and the tier change that made it.

Timed, in a fresh process on a fresh copy of that database (CREATE DATABASE ... TEMPLATE), the
functions the nightly jobs call, in their order:

1. an ordinary night: expiry.points_expire_all (the lots earned on one day two years ago,
   about --entries / 2 / 1095 of them) then tiers.tiers_evaluate_all (upgrades of those whose
   spend crossed a threshold since yesterday, renewals and downgrades of the members whose
   period ends tonight). Their sum is judged against 60 s.
2. worse nights, printed, not judged: every lot with points left expiring at once (a fixed
   expiry date, run two years on), and every member's qualification period ending together.

Then the ledger is checked whole with ledger.ledger_check (`patron loyalty check`), in full.
With --keep DIR the cluster and its built database stay in DIR, and a later run with the same
sizes times a new copy without building again.
"""

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_customer_pages import PG_LOAD, PG_MEASURE, Cluster  # noqa: E402

TARGET_S = 60.0
BUILT, NIGHT = "built", "night"
LOADED_TABLES = [
    "customers_customer",
    "sales_order",
    "loyalty_entry",
    "loyalty_allocation",
    "loyalty_account",
]
TIERS = [("Member", 0), ("Silver", 4_000), ("Gold", 10_000), ("Platinum", 25_000)]
THREADS = ["OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "POLARS_MAX_THREADS"]


# ----------------------------------------------------------------------------------------
# Building the shop (in a child process, with Django on the "built" database).
# ----------------------------------------------------------------------------------------


def secondary_schema(cursor):
    """Foreign keys, unique constraints and plain indexes of the loaded tables (no primary keys)."""
    cursor.execute(
        "SELECT conrelid::regclass::text, conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('f', 'u') ORDER BY 1, 2",
        [LOADED_TABLES],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT ci.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "JOIN pg_class ci ON ci.oid = i.indexrelid WHERE i.indrelid = ANY(%s::regclass[]) "
        "AND NOT i.indisprimary AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
        "WHERE c.conindid = i.indexrelid AND c.contype IN ('p', 'u', 'x')) ORDER BY 1",
        [LOADED_TABLES],
    )
    return constraints, cursor.fetchall()


def build(args):
    """Migrate, then fill the database with SQL alone; prints the counts as JSON."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "patron.settings"
    import django

    django.setup()
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from patron.loyalty.models import Programme, Tier
    from patron.workspace.models import Workspace

    now = datetime.fromisoformat(args.now)
    call_command("migrate", verbosity=0)
    Workspace.objects.update_or_create(
        pk=1, defaults={"name": "bench", "country": "TH", "currency": "THB", "time_zone": "Asia/Bangkok"}
    )
    cashier = get_user_model().objects.create_user("cashier", password=None)
    Programme.objects.update_or_create(
        pk=1,
        defaults={
            "active": True,
            "name": "Bench points",
            "points_per_unit": Decimal("0.1"),
            "pending_days": 7,
            "expiry_months": 24,
            "tier_basis": Programme.TierBasis.SPEND,
            "tier_months": 12,
        },
    )
    for name, threshold in TIERS:
        Tier.objects.create(name=name, threshold=threshold)
    n, orders = args.customers, args.entries // 2
    values = {"n": n, "m": orders, "now": now, "prev": now - timedelta(days=1), "cashier": cashier.pk}
    steps = []

    def step(name, sql):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, values)
        steps.append((name, time.perf_counter() - started))
        print(f"  {name}: {steps[-1][1]:.0f} s", file=sys.stderr, flush=True)

    with connection.cursor() as cursor:
        schema = secondary_schema(cursor)
        for table, name, _kind, _definition in sorted(schema[0], key=lambda c: c[2]):  # foreign keys first
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in schema[1]:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SELECT setseed(0.17)")
    step(
        "customers",
        "INSERT INTO customers_customer (id, display_name, given_name, family_name, country, locale, "
        "time_zone, gender, attributes, search_text, created_at, updated_at) "
        "SELECT g, 'Member ' || g, '', '', 'TH', 'th', 'Asia/Bangkok', '', '{}', 'member ' || g, "
        "%(now)s::timestamptz - interval '1100 days', %(now)s::timestamptz - interval '1100 days' "
        "FROM generate_series(1, %(n)s) g",
    )
    # One lot per order: when it is redeemed and how much of it, and what expired of it before
    # last night (%(prev)s), drawn once here.
    step(
        "lots drawn",
        """
        CREATE UNLOGGED TABLE bench_lot AS
        WITH drawn AS (
            SELECT o AS id, 1 + floor(random() * %(n)s)::bigint AS customer_id,
                   %(now)s::timestamptz - random() * interval '1095 days' AS placed_at,
                   round((20 + -ln(1 - random()) * 600)::numeric, 2) AS total,
                   random() AS at_draw, random() AS take_draw
            FROM generate_series(1, %(m)s) o
        ), lots AS (
            SELECT *, greatest(1, floor(total / 10))::bigint AS points,
                   placed_at + interval '7 days' AS available_at,
                   placed_at + interval '730 days' AS expires_at
            FROM drawn
        ), spent AS (
            SELECT *, CASE WHEN id %% 3 <> 0 AND available_at < least(expires_at, %(prev)s)
                      THEN available_at + at_draw * (least(expires_at, %(prev)s) - available_at)
                      END AS redeemed_at
            FROM lots
        ), taken AS (
            SELECT *, CASE WHEN redeemed_at IS NULL THEN 0
                           WHEN id %% 12 = 1 OR points = 1 THEN points
                           ELSE 1 + floor(take_draw * (points - 1))::bigint END AS taken
            FROM spent
        )
        SELECT id, customer_id, placed_at, total, points, available_at, expires_at, redeemed_at, taken,
               CASE WHEN expires_at <= %(prev)s THEN points - taken ELSE 0 END AS expired
        FROM taken
        """,
    )
    step(
        "orders",
        "INSERT INTO sales_order (id, customer_id, source, external_id, fingerprint, placed_at, status, "
        "channel, currency, total, total_base, exchange_rate, created_at) "
        "SELECT id, customer_id, 'pos', 'B' || id, '', placed_at, 'completed', 'store', 'THB', total, "
        "total, 1, placed_at FROM bench_lot",
    )
    columns = (
        "id, customer_id, kind, points, key, fingerprint, reason, shortfall, remaining, available_at, "
        "expires_at, created_at, order_id, actor_id, actor_kind, actor_job"
    )
    step(
        "earn entries",
        f"INSERT INTO loyalty_entry ({columns}) SELECT id, customer_id, 'earn', points, 'bench-earn:' || id, "  # noqa: S608
        "'', '', 0, points - taken - expired, available_at, expires_at, placed_at, id, NULL, 'system', "
        "'orders_settle' FROM bench_lot",
    )
    step(
        "redeem entries",
        f"INSERT INTO loyalty_entry ({columns}) SELECT %(m)s + id, customer_id, 'redeem', -taken, "  # noqa: S608
        "'bench-redeem:' || id, '', '', 0, 0, redeemed_at, NULL, redeemed_at, NULL, %(cashier)s, 'staff', '' "
        "FROM bench_lot WHERE taken > 0",
    )
    step(
        "expire entries",
        f"INSERT INTO loyalty_entry ({columns}) SELECT 2 * %(m)s + id, customer_id, 'expire', -expired, "  # noqa: S608
        "'expire:' || id, '', '', 0, 0, expires_at, NULL, expires_at + interval '5 hours', NULL, NULL, "
        "'system', 'points_expire_all' FROM bench_lot WHERE expired > 0",
    )
    step(
        "allocations",
        "INSERT INTO loyalty_allocation (entry_id, lot_id, points) "
        "SELECT %(m)s + id, id, taken FROM bench_lot WHERE taken > 0 "
        "UNION ALL SELECT 2 * %(m)s + id, id, expired FROM bench_lot WHERE expired > 0",
    )
    step(
        "accounts",
        "INSERT INTO loyalty_account (customer_id, points, updated_at) "
        "SELECT customer_id, sum(points - taken - expired), %(now)s FROM bench_lot GROUP BY customer_id",
    )
    step("drop the drawn lots", "DROP TABLE bench_lot")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '1GB'")
        for _name, definition in schema[1]:
            cursor.execute(definition)
        for table, name, _kind, definition in sorted(schema[0], key=lambda c: c[2], reverse=True):
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        if secondary_schema(cursor) != schema:
            raise RuntimeError("The rebuilt indexes and constraints differ from those migrate made.")
        for table in ["customers_customer", "sales_order", "loyalty_entry", "loyalty_allocation"]:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"  # noqa: S608
            )
    steps.append(("indexes and keys", time.perf_counter() - started))
    print(f"  indexes and keys: {steps[-1][1]:.0f} s", file=sys.stderr, flush=True)
    # Last night's review: each customer in the tier their spend in the 12 months to last
    # night reaches, since a day of the last year, kept a year from then.
    step(
        "memberships",
        """
        INSERT INTO loyalty_membership (customer_id, tier_id, since, kept_until)
        SELECT c.id, t.id, c.since, c.since + interval '12 months'
        FROM (
            SELECT id, %(prev)s::timestamptz - random() * interval '365 days' AS since FROM customers_customer
        ) c
        LEFT JOIN (
            SELECT customer_id, sum(total_base) AS spend FROM sales_order
            WHERE placed_at > %(prev)s::timestamptz - interval '12 months' AND placed_at <= %(prev)s
            GROUP BY customer_id
        ) o ON o.customer_id = c.id
        CROSS JOIN LATERAL (
            SELECT id FROM loyalty_tier WHERE threshold <= coalesce(o.spend, 0)
            ORDER BY threshold DESC LIMIT 1
        ) t
        """,
    )
    step(
        "tier changes",
        "INSERT INTO loyalty_tierchange (customer_id, from_tier_id, to_tier_id, reason, changed_at, "
        "actor_kind, actor_job) SELECT customer_id, NULL, tier_id, 'Reached the tier', since, 'system', "
        "'tiers_evaluate_all' FROM loyalty_membership",
    )
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute("VACUUM (ANALYZE)")
        cursor.execute("CHECKPOINT")
        steps.append(("vacuum", time.perf_counter() - started))
        cursor.execute("SELECT kind, count(*) FROM loyalty_entry GROUP BY kind ORDER BY kind")
        kinds = dict(cursor.fetchall())
        cursor.execute("SELECT count(*) FROM sales_order")
        (order_count,) = cursor.fetchone()
        cursor.execute("SELECT pg_database_size(current_database())")
        (size,) = cursor.fetchone()
    print(json.dumps({"steps": steps, "entries": kinds, "orders": order_count, "bytes": size}))


# ----------------------------------------------------------------------------------------
# Timing (in a child process, with Django on a fresh copy of the built database).
# ----------------------------------------------------------------------------------------


def timed(function, **kwargs):
    started = time.perf_counter()
    result = function(**kwargs)
    return time.perf_counter() - started, result


def night(args):
    os.environ["DJANGO_SETTINGS_MODULE"] = "patron.settings"
    import django

    django.setup()
    from dataclasses import asdict

    from django.db import connection

    from patron.actors import Actor
    from patron.loyalty.expiry import points_expire_all
    from patron.loyalty.ledger import ledger_check
    from patron.loyalty.models import Membership
    from patron.loyalty.tiers import tiers_evaluate_all

    now = datetime.fromisoformat(args.now)
    expiring = Actor.system(job="points_expire_all")
    reviewing = Actor.system(job="tiers_evaluate_all")
    result = {}
    seconds, done = timed(points_expire_all, by=expiring, now=now)
    result["expiry"] = {"seconds": seconds, **done}
    seconds, done = timed(tiers_evaluate_all, by=reviewing, now=now)
    result["tiers"] = {"seconds": seconds, **asdict(done)}
    if args.worst:
        # A fixed expiry date: every lot with points left expires tonight (run two years on).
        seconds, done = timed(points_expire_all, by=expiring, now=now + timedelta(days=731))
        result["worst_expiry"] = {"seconds": seconds, **done}
        # Every member's qualification period ends tonight: each renews or moves down.
        Membership.objects.update(kept_until=now)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) loyalty_membership")
        seconds, done = timed(tiers_evaluate_all, by=reviewing, now=now + timedelta(minutes=1))
        result["worst_tiers"] = {"seconds": seconds, **asdict(done)}
    seconds, problems = timed(ledger_check)
    result["check"] = {"seconds": seconds, "problems": len(problems), "first": problems[:5]}
    print(json.dumps(result))


# ----------------------------------------------------------------------------------------
# The parent: the cluster, the fresh processes, the report.
# ----------------------------------------------------------------------------------------


def child(args, cluster, database, role, extra=()):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY"}}
    url = cluster.url_of(database)
    env.update(PATRON_DATA_DIR=str(cluster.root / "data"), PYTHONPATH=str(ROOT), DATABASE_URL=url)
    command = [sys.executable, __file__, role, "--now", args.now, "--customers", str(args.customers)]
    command += ["--entries", str(args.entries), *extra]
    done = subprocess.run(command, env=env, stdout=subprocess.PIPE, text=True, check=False)
    if done.returncode:
        sys.exit(f"{role} failed (exit {done.returncode})")
    return json.loads(done.stdout.strip().splitlines()[-1])


def report(built, result, args):
    expiry, tiers = result["expiry"], result["tiers"]
    total = expiry["seconds"] + tiers["seconds"]
    print(
        f"\nAn ordinary night ({args.now[:10]}):\n"
        f"  expiry  {expiry['seconds']:7.1f} s   {expiry['entries']:,} lots expired, "
        f"{expiry['points']:,} points, {expiry['customers']:,} customers\n"
        f"  tiers   {tiers['seconds']:7.1f} s   {tiers['customers']:,} customers reviewed: "
        f"{tiers['upgraded']:,} up, {tiers['downgraded']:,} down, {tiers['renewed']:,} renewed\n"
        f"  total   {total:7.1f} s"
    )
    if "worst_expiry" in result:
        worst, moves = result["worst_expiry"], result["worst_tiers"]
        print(
            "Worse nights (not judged):\n"
            f"  every lot with points left expiring  {worst['seconds']:7.1f} s   {worst['entries']:,} lots, "
            f"{worst['customers']:,} customers\n"
            f"  every member's period ending         {moves['seconds']:7.1f} s   "
            f"{moves['downgraded']:,} down, {moves['renewed']:,} renewed, {moves['upgraded']:,} up"
        )
    check = result["check"]
    print(
        "The ledger afterwards (ledger_check, every entry): "
        f"{'whole' if not check['problems'] else str(check['problems']) + ' problems'}, "
        f"checked in {check['seconds']:.0f} s"
    )
    for problem in check["first"]:
        print(f"  {problem}")
    passed = total < TARGET_S and not check["problems"]
    print(
        f"target: expiry + tiers under {TARGET_S:.0f} s on an ordinary night: {'PASS' if passed else 'FAIL'}"
    )
    return passed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("role", nargs="?", choices=["build", "night"], help=argparse.SUPPRESS)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--entries", type=int, default=20_000_000, help="About this many ledger entries.")
    parser.add_argument(
        "--keep", type=Path, help="Build (or reuse) the cluster in this directory and keep it."
    )
    parser.add_argument(
        "--no-worst", dest="worst", action="store_false", help="Time the ordinary night only."
    )
    parser.add_argument("--now", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.role == "build":
        build(args)
        return
    if args.role == "night":
        night(args)
        return
    threads = ", ".join(f"{k}={os.environ.get(k, '(unset)')}" for k in THREADS)
    print(f"{os.cpu_count()} CPUs; {threads}; load average {os.getloadavg()[0]:.2f} at the start")
    root = args.keep or Path(tempfile.mkdtemp(prefix="patron-nightly-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    cluster = Cluster(root)
    marker = root / "built.json"
    sizes = {"customers": args.customers, "entries": args.entries}
    built = json.loads(marker.read_text()) if marker.exists() else None
    try:
        if built is None or built["sizes"] != sizes:
            args.now = datetime.now(UTC).replace(hour=18, minute=0, second=0, microsecond=0).isoformat()
            print(f"Building {args.customers:,} customers, {args.entries // 2:,} orders and their ledger…")
            cluster.start(PG_LOAD)
            cluster.sql(f"DROP DATABASE IF EXISTS {BUILT}")
            cluster.sql(f"CREATE DATABASE {BUILT}")
            started = time.perf_counter()
            built = child(args, cluster, BUILT, "build")
            built |= {"sizes": sizes, "now": args.now, "seconds": time.perf_counter() - started}
            marker.write_text(json.dumps(built))
            cluster.stop()
        else:
            print(f"Reusing the database built in {root} ({built['seconds']:.0f} s to build)")
        args.now = built["now"]
        kinds = ", ".join(f"{count:,} {kind}" for kind, count in built["entries"].items())
        print(
            f"{args.customers:,} customers, {built['orders']:,} orders, "
            f"{sum(built['entries'].values()):,} entries ({kinds}), {built['bytes'] / 2**30:.1f} GiB; "
            f"built in {built['seconds']:.0f} s"
        )
        cluster.start(PG_MEASURE)
        cluster.sql(f"DROP DATABASE IF EXISTS {NIGHT}")
        cluster.sql(f"CREATE DATABASE {NIGHT} TEMPLATE {BUILT} STRATEGY FILE_COPY")
        print(f"Timing on a fresh copy; load average {os.getloadavg()[0]:.2f}", flush=True)
        result = child(args, cluster, NIGHT, "night", [] if args.worst else ["--no-worst"])
        print(f"load average {os.getloadavg()[0]:.2f} at the end; {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
        passed = report(built, result, args)
        cluster.sql(f"DROP DATABASE {NIGHT}")
    finally:
        with contextlib.suppress(Exception):
            cluster.stop()
        if args.keep:
            print(f"The built database stays in {root}; remove it with rm -rf {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
