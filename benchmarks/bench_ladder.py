"""The loyalty ladder on PostgreSQL: deriving every customer's stage, and the ladder page.

The requirements (issue 18): deriving every customer's ladder stage at 1,000,000 customers and
10,000,000 orders in under 60 s; the ladder page p95 under 150 ms at 1,000,000 customers.

    .venv/bin/python benchmarks/bench_ladder.py                 # 1M customers, 10M orders
    .venv/bin/python benchmarks/bench_ladder.py --small         # 50,000 customers, 500,000 orders
    .venv/bin/python benchmarks/bench_ladder.py --keep /var/tmp/ladder   # build once, time again

The shop, built with INSERT ... SELECT from generate_series in a throwaway PostgreSQL 15
cluster (bench_customer_pages.Cluster: Debian's packages, loaded without fsync, then restarted
with its durable defaults): a Thai shop's customers, 30 % of whom never bought; the others'
orders over the last two years, more of them by a few (the customer drawn as the square of a
uniform number), 92 % completed, 5 % refunded, 3 % cancelled; one customer in a hundred referred
by another (loyalty referrals); one in two thousand with a contract recorded by hand; the
ladder's default rules. Feedback's sources are registered but empty here: their rows are few
beside the orders'.

Timed, each in a fresh process on a fresh copy of that database (CREATE DATABASE ... TEMPLATE),
``derivation.derive_all()`` as the nightly job calls it:

1. the first night: no standing stored yet, so every customer with evidence is written and
   moves from prospect (the most a night can write). Judged against 60 s.
2. an ordinary night after it: a day's new orders (0.3 % of the orders, on new and old
   customers), so a few thousand standings change. Printed.

Then the ladder page through the real server: ``patron serve`` (gunicorn, its defaults) on the
derived database, a logged-in Admin's session (made by Django's test client in a child process,
its cookie sent by this one), --requests GETs of /value/ladder/ over one keep-alive connection,
after a warm-up: the funnel and months with each "one step from" list (customer, client,
supporter, advocate, prospect) and its next pages (``after=``). p50/p95/p99 judged against
150 ms at p95. The thread settings (OPENBLAS_NUM_THREADS, OMP_NUM_THREADS, POLARS_MAX_THREADS)
and the load average before and after are printed.
"""

import argparse
import contextlib
import http.client
import json
import os
import random
import re
import shutil
import socket
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
TARGET_P95_MS = 150.0
BUILT, NIGHT = "built", "night"
THREADS = ["OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "POLARS_MAX_THREADS"]
PATRON = Path(sys.executable).parent / "patron"
LOADED = ["customers_customer", "sales_order", "loyalty_referral", "ladder_handevidence"]


# ----------------------------------------------------------------------------------------
# Building the shop (a child process, Django on the "built" database).
# ----------------------------------------------------------------------------------------


def _setup():
    os.environ["DJANGO_SETTINGS_MODULE"] = "patron.settings"
    import django

    django.setup()


def secondary(cursor):
    cursor.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('f', 'u') ORDER BY 1, 2",
        [LOADED],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = ANY(%s::regclass[]) "
        "AND NOT i.indisprimary AND NOT i.indisunique ORDER BY 1",
        [LOADED],
    )
    return constraints, cursor.fetchall()


def build(args):
    """Migrate, then fill the database with SQL alone; prints the counts as JSON."""
    _setup()
    from django.core.management import call_command
    from django.db import connection

    from patron.workspace.models import Workspace

    now = datetime.fromisoformat(args.now)
    call_command("migrate", verbosity=0)
    Workspace.objects.update_or_create(
        pk=1, defaults={"name": "bench", "country": "TH", "currency": "THB", "time_zone": "Asia/Bangkok"}
    )
    n, m = args.customers, args.orders
    buyers = int(n * 0.7)
    values = {"n": n, "m": m, "buyers": buyers, "now": now}
    steps = []

    def step(name, sql):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, values)
        steps.append((name, round(time.perf_counter() - started, 1)))
        print(f"  {name}: {steps[-1][1]:.0f} s", file=sys.stderr, flush=True)

    with connection.cursor() as cursor:
        schema = secondary(cursor)
        for table, name, _definition in schema[0]:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in schema[1]:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SELECT setseed(0.18)")
    step(
        "customers",
        "INSERT INTO customers_customer (id, display_name, given_name, family_name, country, locale, "
        "time_zone, gender, attributes, search_text, created_at, updated_at) "
        "SELECT g, 'Member ' || g, '', '', 'TH', 'th', 'Asia/Bangkok', '', '{}', 'member ' || g, "
        "%(now)s::timestamptz - interval '800 days', %(now)s::timestamptz - interval '800 days' "
        "FROM generate_series(1, %(n)s) g",
    )
    # The buyers are customers 1 .. 70 %; the square of a uniform number gives the first ones more.
    step(
        "orders",
        "INSERT INTO sales_order (id, customer_id, source, external_id, fingerprint, placed_at, status, "
        "channel, currency, total, total_base, exchange_rate, created_at) "
        "SELECT o, 1 + floor(power(random(), 2) * %(buyers)s)::bigint, 'bench', 'B' || o, '', p, "
        "CASE WHEN r < 0.92 THEN 'completed' WHEN r < 0.97 THEN 'refunded' ELSE 'cancelled' END, "
        "'store', 'THB', 250, 250, 1, p "
        "FROM (SELECT o, %(now)s::timestamptz - random() * interval '730 days' AS p, random() AS r "
        "FROM generate_series(1, %(m)s) o) drawn",
    )
    step(
        "referrals",
        "INSERT INTO loyalty_referral (referrer_id, referred_id, created_at, actor_kind, actor_job) "
        "SELECT 1 + (g::bigint * 7919) %% %(n)s, g, %(now)s::timestamptz - (g %% 700) * interval '1 day', "
        "'system', '' "
        "FROM generate_series(100, %(n)s, 100) g WHERE 1 + (g::bigint * 7919) %% %(n)s <> g",
    )
    step(
        "contracts",
        "INSERT INTO ladder_handevidence (customer_id, kind, at, note, recorded_at) "
        "SELECT g, 'contract', %(now)s::timestamptz - (g %% 300) * interval '1 day', '', %(now)s "
        "FROM generate_series(7, %(n)s, 2000) g",
    )
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '1GB'")
        for _name, definition in schema[1]:
            cursor.execute(definition)
        for table, name, definition in schema[0]:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        if secondary(cursor) != schema:
            raise RuntimeError("The rebuilt indexes and constraints differ from those migrate made.")
        for table in ["customers_customer", "sales_order"]:
            latest = f"(SELECT max(id) FROM {table})"  # noqa: S608
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {latest})")
        steps.append(("indexes and keys", round(time.perf_counter() - started, 1)))
        cursor.execute("VACUUM (ANALYZE)")
        cursor.execute("CHECKPOINT")
        cursor.execute("SELECT count(*) FROM sales_order")
        (orders,) = cursor.fetchone()
        cursor.execute("SELECT pg_database_size(current_database())")
        (size,) = cursor.fetchone()
    print(json.dumps({"steps": steps, "orders": orders, "bytes": size}))


# ----------------------------------------------------------------------------------------
# Timing the derivation (a fresh child process per night, as the nightly job runs).
# ----------------------------------------------------------------------------------------


def night(args):
    _setup()
    from dataclasses import asdict

    from django.db import connection

    from patron.ladder import derivation

    now = datetime.fromisoformat(args.now)
    if args.new_orders:
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO sales_order (customer_id, source, external_id, fingerprint, placed_at, status, "
                "channel, currency, total, total_base, exchange_rate, created_at) "
                "SELECT 1 + floor(random() * %(n)s)::bigint, 'bench', 'N' || g, '', %(now)s::timestamptz "
                "- random() * interval '1 day', 'completed', 'store', 'THB', 250, 250, 1, %(now)s "
                "FROM generate_series(1, %(k)s) g",
                {"n": args.customers, "now": now, "k": args.new_orders},
            )
            cursor.execute("ANALYZE sales_order")
    started = time.perf_counter()
    derived = derivation.derive_all(now=now)
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("SELECT stage, customers FROM ladder_stagecount ORDER BY stage")
        funnel = cursor.fetchall()
    print(json.dumps({"seconds": seconds, **asdict(derived), "funnel": funnel}))


def session(args):
    """The static files for the server, an Admin and a logged-in session of theirs; prints the
    cookie's name and value."""
    _setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.test import Client

    call_command("collectstatic", interactive=False, verbosity=0)
    user, _created = get_user_model().objects.get_or_create(username="bench-admin")
    user.groups.add(Group.objects.get(name="Admin"))
    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    print(json.dumps({"name": name, "value": client.cookies[name].value}))


# ----------------------------------------------------------------------------------------
# The parent: the cluster, the fresh processes, the server, the report.
# ----------------------------------------------------------------------------------------


def child_env(cluster, database):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY"}}
    env.update(
        PATRON_DATA_DIR=str(cluster.root / "data"),
        PYTHONPATH=str(ROOT),
        DATABASE_URL=cluster.url_of(database),
    )
    return env


def child(args, cluster, database, role, extra=()):
    command = [sys.executable, __file__, role, "--now", args.now, "--customers", str(args.customers)]
    command += ["--orders", str(args.orders), *extra]
    done = subprocess.run(
        command, env=child_env(cluster, database), stdout=subprocess.PIPE, text=True, check=False
    )
    if done.returncode:
        sys.exit(f"{role} failed (exit {done.returncode})")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(cluster, database):
    port = _free_port()
    env = child_env(cluster, database)
    log = open(cluster.root / "serve.log", "w")  # noqa: SIM115 (closed below)
    server = subprocess.Popen(
        [str(PATRON), "serve", "--bind", f"127.0.0.1:{port}"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"patron serve stopped at start:\n{(cluster.root / 'serve.log').read_text()}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            time.sleep(1)
            return server, log, port
        time.sleep(0.2)
    server.kill()
    sys.exit("patron serve did not listen within 90 s")


def measure_page(args, cluster, port, cookie):
    """GET the ladder page --requests times after a warm-up; the times in ms and the paths."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": f"{cookie['name']}={cookie['value']}"}
    rnd = random.Random(18)
    after = {}

    def get(path):
        started = time.perf_counter()
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        took = (time.perf_counter() - started) * 1000
        if response.status != 200:
            sys.exit(f"GET {path}: {response.status}\n{body[:500]!r}")
        return took, body.decode()

    def plan():
        stage = rnd.choice(["customer", "customer", "client", "supporter", "advocate", "prospect"])
        if stage in after and rnd.random() < 0.5:
            return f"/value/ladder/?from={stage}&after={after[stage]}"
        return (
            f"/value/ladder/?from={stage}" if stage != "customer" or rnd.random() < 0.5 else "/value/ladder/"
        )

    times = []
    for i in range(args.warmup + args.requests):
        path = plan()
        took, html = get(path)
        found = re.search(r'rel="next" href="\?from=(\w+)&amp;after=(\d+)"', html)
        if found:
            after[found.group(1)] = found.group(2)
        if i >= args.warmup:
            times.append(took)
    connection.close()
    return times


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("role", nargs="?", choices=["build", "night", "session"], help=argparse.SUPPRESS)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--orders", type=int, default=10_000_000)
    parser.add_argument("--small", action="store_true", help="50,000 customers and 500,000 orders")
    parser.add_argument("--requests", type=int, default=300, help="Timed requests of the ladder page")
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument(
        "--keep", type=Path, help="Build (or reuse) the cluster in this directory and keep it."
    )
    parser.add_argument("--now", help=argparse.SUPPRESS)
    parser.add_argument("--new-orders", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.small:
        args.customers, args.orders = 50_000, 500_000
    if args.role:
        {"build": build, "night": night, "session": session}[args.role](args)
        return
    threads = ", ".join(f"{k}={os.environ.get(k, '(unset)')}" for k in THREADS)
    print(f"{os.cpu_count()} CPUs; {threads}; load average {os.getloadavg()[0]:.2f} at the start")
    root = args.keep or Path(tempfile.mkdtemp(prefix="patron-ladder-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    cluster = Cluster(root)
    (root / "data").mkdir(exist_ok=True)
    marker = root / "built.json"
    sizes = {"customers": args.customers, "orders": args.orders}
    built = json.loads(marker.read_text()) if marker.exists() else None
    server = log = None
    passed = False
    try:
        if built is None or built["sizes"] != sizes:
            args.now = datetime.now(UTC).replace(hour=19, minute=30, second=0, microsecond=0).isoformat()
            print(f"Building {args.customers:,} customers and {args.orders:,} orders…", flush=True)
            cluster.start(PG_LOAD)
            cluster.sql(f"DROP DATABASE IF EXISTS {BUILT}")
            cluster.sql(f"CREATE DATABASE {BUILT}")
            started = time.perf_counter()
            built = child(args, cluster, BUILT, "build")
            built |= {"sizes": sizes, "now": args.now, "seconds": time.perf_counter() - started}
            marker.write_text(json.dumps(built))
            cluster.stop()
        else:
            print(f"Reusing the database built in {root}")
        args.now = built["now"]
        print(
            f"{args.customers:,} customers, {built['orders']:,} orders, {built['bytes'] / 2**30:.1f} GiB; "
            f"built in {built['seconds']:.0f} s"
        )
        cluster.start(PG_MEASURE)
        cluster.sql(f"DROP DATABASE IF EXISTS {NIGHT}")
        cluster.sql(f"CREATE DATABASE {NIGHT} TEMPLATE {BUILT} STRATEGY FILE_COPY")
        load_before = os.getloadavg()[0]
        first = child(args, cluster, NIGHT, "night")
        args.now = (datetime.fromisoformat(built["now"]) + timedelta(days=1)).isoformat()
        new_orders = max(1, args.orders * 3 // 1000)
        second = child(args, cluster, NIGHT, "night", ["--new-orders", str(new_orders)])
        load_after = os.getloadavg()[0]
        names = ["prospect", "customer", "client", "supporter", "advocate", "partner"]
        funnel = ", ".join(f"{names[stage]} {count:,}" for stage, count in first["funnel"])
        print(
            f"\nDeriving every stage (derivation.derive_all, a fresh process each; load average "
            f"{load_before:.2f} before, {load_after:.2f} after):\n"
            f"  first night   {first['seconds']:6.1f} s   {first['written']:,} standings written, "
            f"{first['up']:,} moves up\n"
            f"  next night    {second['seconds']:6.1f} s   {new_orders:,} new orders: "
            f"{second['written']:,} standings written, {second['up']:,} up, {second['down']:,} down\n"
            f"  funnel: {funnel}"
        )
        derived_ok = first["seconds"] < TARGET_S and second["seconds"] < TARGET_S
        print(f"target: every stage derived in under {TARGET_S:.0f} s: {'PASS' if derived_ok else 'FAIL'}")

        cookie = child(args, cluster, NIGHT, "session")
        server, log, port = serve(cluster, NIGHT)
        load_before = os.getloadavg()[0]
        times = measure_page(args, cluster, port, cookie)
        load_after = os.getloadavg()[0]
        p50, p95, p99 = (percentile(times, share) for share in (0.5, 0.95, 0.99))
        print(
            f"\nThe ladder page through patron serve ({len(times)} requests after {args.warmup} warm-up; "
            f"load average {load_before:.2f} before, {load_after:.2f} after):\n"
            f"  p50 {p50:.1f} ms   p95 {p95:.1f} ms   p99 {p99:.1f} ms   max {max(times):.1f} ms"
        )
        page_ok = p95 < TARGET_P95_MS
        print(f"target: ladder page p95 under {TARGET_P95_MS:.0f} ms: {'PASS' if page_ok else 'FAIL'}")
        print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
        passed = derived_ok and page_ok
    finally:
        if server is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, 15)
            server.wait(timeout=30)
            log.close()
        with contextlib.suppress(Exception):
            cluster.sql(f"DROP DATABASE IF EXISTS {NIGHT}")
        with contextlib.suppress(Exception):
            cluster.stop()
        if args.keep:
            print(f"The built database stays in {root}; remove it with rm -rf {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
