""" "My day" (/tasks/) on PostgreSQL at 1,000,000 customers, through the real server.

The requirement (issue 18): "my day" p95 under 150 ms at 1,000,000 customers on PostgreSQL.

    .venv/bin/python benchmarks/bench_my_day.py                 # 1,000,000 customers
    .venv/bin/python benchmarks/bench_my_day.py --small         # 50,000 customers
    .venv/bin/python benchmarks/bench_my_day.py --keep /var/tmp/my-day   # build once, time again

The shop, in a throwaway PostgreSQL 15 cluster (bench_customer_pages.Cluster: Debian's
packages, loaded without fsync, then restarted with its durable defaults): a Thai shop's
customers, built with INSERT ... SELECT from generate_series, each owned by one of a team of 20
(Customer.owner: 50,000 each at full size), and a score for every one of them (CustomerScore,
with a value at risk, as a scoring run leaves them). The team: one Admin, 11 Service agents and
8 Marketers, in Bangkok, Ho Chi Minh City, Istanbul and Manila (their profiles' zones and
languages). Each has --open open tasks (default 400) on their own customers, due from ten days
ago to thirty days ahead (so every group of "my day" is full: overdue, today, upcoming), a tenth
of them snoozed, and ten times as many done ones, their history, made through the ORM in bulk.

Timed: ``patron serve`` (gunicorn, its defaults) on that database, a logged-in session for each
member of staff (made by Django's test client in a child process, its cookie sent by this one),
--requests GETs of /tasks/ over one keep-alive connection each, the staff taken in turn, after
a warm-up: the whole page (middleware, session, the three groups, the customers to contact
with their reasons, the template). p50/p95/p99 judged against 150 ms at p95. The same requests
in one process (Django's test client) give the CPU time of a request, printed: on a busy
machine it says more than the wall time. The team's list
(/tasks/team/, the Admin, no filter and by state) is timed the same way and printed, not judged.
The thread settings (OPENBLAS_NUM_THREADS, OMP_NUM_THREADS, POLARS_MAX_THREADS) and the load
average before and after are printed.
"""

import argparse
import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "benchmarks"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from bench_customer_pages import PG_LOAD, PG_MEASURE, Cluster  # noqa: E402

TARGET_P95_MS = 150.0
BUILT = "built"
THREADS = ["OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "POLARS_MAX_THREADS"]
PATRON = Path(sys.executable).parent / "patron"
LOADED = ["customers_customer", "scoring_customerscore"]
STAFF = 20
# (role, language, zone) of the team, in turn: one Admin (staff 0), then agents and marketers.
ZONES = [
    ("th", "Asia/Bangkok"),
    ("vi", "Asia/Ho_Chi_Minh"),
    ("tr", "Europe/Istanbul"),
    ("fil", "Asia/Manila"),
]


def _setup():
    os.environ["DJANGO_SETTINGS_MODULE"] = "patron.settings"
    import django

    django.setup()


def secondary(cursor):
    """The loaded tables' foreign keys, unique constraints and plain indexes: dropped while
    loading, made again after (a check compares them with what migrate made)."""
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


def staff_name(number):
    return f"staff{number:02d}"


def build(args):
    """Migrate, then the team, the customers with their scores (SQL) and the tasks (ORM, in
    bulk); prints the counts as JSON."""
    _setup()
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection

    from patron.accounts.roles import ADMIN, MARKETER, SERVICE_AGENT
    from patron.accounts.services import profile_update
    from patron.scoring.models import ScoringRun
    from patron.tasks.models import Task
    from patron.workspace.models import Workspace

    now = datetime.fromisoformat(args.now)
    call_command("migrate", verbosity=0)
    Workspace.objects.update_or_create(
        pk=1, defaults={"name": "bench", "country": "TH", "currency": "THB", "time_zone": "Asia/Bangkok"}
    )
    team = []
    for number in range(STAFF):
        user = get_user_model().objects.create_user(staff_name(number), password="bench-pass-2024")
        role = ADMIN if number == 0 else SERVICE_AGENT if number <= 11 else MARKETER
        user.groups.add(Group.objects.get(name=role))
        language, zone = ZONES[number % len(ZONES)]
        profile_update(user=user, language=language, time_zone=zone)
        team.append(user)
    run = ScoringRun.objects.create(
        started_at=now, finished_at=now, status="done", currency="THB", actor_kind="system"
    )
    first_staff = team[0].pk
    values = {"n": args.customers, "now": now, "first": first_staff, "staff": STAFF, "run": run.pk}
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
        "time_zone, gender, attributes, search_text, created_at, updated_at, owner_id) "
        "SELECT g, 'Member ' || g, '', '', 'TH', 'th', 'Asia/Bangkok', '', '{}', 'member ' || g, "
        "%(now)s::timestamptz - interval '800 days', %(now)s::timestamptz - interval '800 days', "
        "%(first)s + g %% %(staff)s FROM generate_series(1, %(n)s) g",
    )
    # Every customer scored: 1 to 20 purchases over up to two years, the last up to a year ago;
    # the lifetime value, the churn risk and their product, the value at risk; a decile by value.
    step(
        "scores",
        "INSERT INTO scoring_customerscore (customer_id, run_id, purchases, repeat_purchases, "
        "first_purchase, last_purchase, weeks_observed, total_spend, recency_score, frequency_score, "
        "monetary_score, segment, p_alive, churn_risk, expected_purchases_90d, expected_spend, clv, "
        "value_at_risk, value_decile) "
        "SELECT g, %(run)s, p, p - 1, %(now)s::timestamptz - (last_days + span_days) * interval '1 day', "
        "%(now)s::timestamptz - last_days * interval '1 day', (last_days + span_days) / 7.0, p * 250, "
        "3, 3, 3, 'need_attention', 1 - risk, CASE WHEN p > 1 THEN risk END, 0.5, 250, clv, "
        "CASE WHEN p > 1 THEN round((clv * risk)::numeric, 4) END, 1 + (g * 7) %% 10 "
        "FROM (SELECT g, 1 + floor(random() * 20)::int AS p, floor(random() * 365)::int AS last_days, "
        "floor(random() * 365)::int AS span_days, random() AS risk, "
        "round((random() * 20000)::numeric, 4) AS clv "
        "FROM generate_series(1, %(n)s) g) drawn",
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
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('customers_customer', 'id'), "
            "(SELECT max(id) FROM customers_customer))"
        )
    steps.append(("indexes and keys", round(time.perf_counter() - started, 1)))

    # The tasks, on each one's own customers (customer ids are owned in turn: staff k owns the
    # ids g with g % 20 == k), through the model, so that every field has its default.
    started = time.perf_counter()
    kinds = ["call", "call", "call", "email", "meeting", "visit", "other"]
    rows = []
    per_customer = args.customers // STAFF
    for k, user in enumerate(team):
        for i in range(args.open * 11):
            customer_id = k + STAFF * (1 + (i * 7919) % (per_customer - 1))
            done = i >= args.open
            due = now + timedelta(minutes=((i * 7901) % (40 * 24 * 60)) - 10 * 24 * 60)
            snoozed = not done and i % 10 == 0 and due > now
            rows.append(
                Task(
                    customer_id=customer_id,
                    title=f"Call back about order {i}",
                    kind=kinds[i % len(kinds)],
                    due_at=due,
                    assignee=user,
                    notes="" if i % 3 else "Asked about the wedding order; call after lunch.",
                    status="done" if done else "open",
                    completed_at=due if done else None,
                    snoozed_until=due if snoozed else None,
                    created_by=user,
                    actor_kind="staff",
                )
            )
    Task.objects.bulk_create(rows, batch_size=5000)
    steps.append(("tasks", round(time.perf_counter() - started, 1)))
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
        cursor.execute("CHECKPOINT")
        cursor.execute("SELECT status, count(*) FROM tasks_task GROUP BY 1 ORDER BY 1")
        tasks = dict(cursor.fetchall())
        cursor.execute("SELECT pg_database_size(current_database())")
        (size,) = cursor.fetchone()
    print(json.dumps({"steps": steps, "tasks": tasks, "bytes": size}))


def sessions(args):
    """The static files for the server, and a logged-in session of each member of staff;
    prints their cookies' name and values."""
    _setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    call_command("collectstatic", interactive=False, verbosity=0)
    values = []
    for number in range(STAFF):
        client = Client()
        client.force_login(get_user_model().objects.get(username=staff_name(number)))
        values.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
    print(json.dumps({"name": settings.SESSION_COOKIE_NAME, "values": values}))


def cpu(args):
    """The same page in this process (Django's test client, every member of staff in turn):
    the CPU time of each request, which the machine's load changes less than the wall time;
    prints its p50 and p95 and the wall time's as JSON."""
    _setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    clients = []
    for number in range(STAFF):
        client = Client(HTTP_HOST="localhost")
        client.force_login(get_user_model().objects.get(username=staff_name(number)))
        clients.append(client)
    walls, cpus = [], []
    for i in range(args.warmup + args.requests):
        started, cpu_started = time.perf_counter(), time.thread_time()
        response = clients[i % STAFF].get("/tasks/")
        if response.status_code != 200:
            sys.exit(f"GET /tasks/: {response.status_code}")
        if i >= args.warmup:
            walls.append((time.perf_counter() - started) * 1000)
            cpus.append((time.thread_time() - cpu_started) * 1000)
    shares = (0.5, 0.95)
    print(
        json.dumps(
            {"cpu": [percentile(cpus, s) for s in shares], "wall": [percentile(walls, s) for s in shares]}
        )
    )


def child_env(cluster, database):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY"}}
    env.update(
        PATRON_DATA_DIR=str(cluster.root / "data"),
        PYTHONPATH=str(ROOT),
        DATABASE_URL=cluster.url_of(database),
    )
    return env


def child(args, cluster, database, role):
    command = [sys.executable, __file__, role, "--now", args.now, "--customers", str(args.customers)]
    command += ["--open", str(args.open), "--requests", str(args.requests), "--warmup", str(args.warmup)]
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
    log = open(cluster.root / "serve.log", "w")  # noqa: SIM115 (closed in main)
    server = subprocess.Popen(
        [str(PATRON), "serve", "--bind", f"127.0.0.1:{port}"],
        env=child_env(cluster, database),
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


def timed_gets(port, cookies, paths, *, warmup, requests):
    """GET paths[i % len] as cookies[i % len] over one keep-alive connection, ``warmup``
    untimed first; the times in ms and the last answer of each path. A connection the server
    closed meanwhile (gunicorn's keep-alive timeout) is opened again and the request timed anew."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    times, last = [], {}
    for i in range(warmup + requests):
        cookie, path = cookies[i % len(cookies)], paths[i % len(paths)]
        for _attempt in range(2):
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers={"Cookie": cookie})
                response = connection.getresponse()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            body = response.read()
            break
        took = (time.perf_counter() - started) * 1000
        if response.status != 200:
            sys.exit(f"GET {path}: {response.status}\n{body[:500]!r}")
        last[path] = body.decode()
        if i >= warmup:
            times.append(took)
    connection.close()
    return times, last


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def report(title, times, load_before, load_after, warmup):
    p50, p95, p99 = (percentile(times, share) for share in (0.5, 0.95, 0.99))
    print(
        f"\n{title} through patron serve ({len(times)} requests after {warmup} warm-up; "
        f"load average {load_before:.2f} before, {load_after:.2f} after):\n"
        f"  p50 {p50:.1f} ms   p95 {p95:.1f} ms   p99 {p99:.1f} ms   max {max(times):.1f} ms"
    )
    return p95


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("role", nargs="?", choices=["build", "sessions", "cpu"], help=argparse.SUPPRESS)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--open", type=int, default=400, help="Open tasks per member of staff")
    parser.add_argument("--small", action="store_true", help="50,000 customers")
    parser.add_argument("--requests", type=int, default=400, help="Timed requests of my day")
    parser.add_argument("--warmup", type=int, default=40)
    parser.add_argument(
        "--keep", type=Path, help="Build (or reuse) the cluster in this directory and keep it."
    )
    parser.add_argument("--now", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.small:
        args.customers = 50_000
    if args.role:
        {"build": build, "sessions": sessions, "cpu": cpu}[args.role](args)
        return
    threads = ", ".join(f"{k}={os.environ.get(k, '(unset)')}" for k in THREADS)
    print(f"{os.cpu_count()} CPUs; {threads}; load average {os.getloadavg()[0]:.2f} at the start")
    root = args.keep or Path(tempfile.mkdtemp(prefix="patron-my-day-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    cluster = Cluster(root)
    (root / "data").mkdir(exist_ok=True)
    marker = root / "built.json"
    sizes = {"customers": args.customers, "open": args.open}
    built = json.loads(marker.read_text()) if marker.exists() else None
    server = log = None
    passed = False
    try:
        if built is None or built["sizes"] != sizes:
            args.now = datetime.now(UTC).replace(second=0, microsecond=0).isoformat()
            print(f"Building {args.customers:,} customers, {STAFF} staff with {args.open} open tasks each…")
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
        tasks = ", ".join(f"{count:,} {status}" for status, count in built["tasks"].items())
        print(
            f"{args.customers:,} customers, each scored; tasks: {tasks}; "
            f"{built['bytes'] / 2**30:.1f} GiB; built in {built['seconds']:.0f} s"
        )
        cluster.start(PG_MEASURE)
        made = child(args, cluster, BUILT, "sessions")
        cookies = [f"{made['name']}={value}" for value in made["values"]]
        server, log, port = serve(cluster, BUILT)

        load_before = os.getloadavg()[0]
        times, last = timed_gets(port, cookies, ["/tasks/"], warmup=args.warmup, requests=args.requests)
        load_after = os.getloadavg()[0]
        page = last["/tasks/"]
        if 'id="group-overdue"' not in page or 'id="contacts-list"' not in page:
            sys.exit("The page timed is not a full 'my day' (no overdue group or no customers to contact).")
        p95 = report('"My day" (/tasks/, the 20 staff in turn)', times, load_before, load_after, args.warmup)
        passed = p95 < TARGET_P95_MS
        print(f"target: my day p95 under {TARGET_P95_MS:.0f} ms: {'PASS' if passed else 'FAIL'}")

        load_before = os.getloadavg()[0]
        inside = child(args, cluster, BUILT, "cpu")
        print(
            f"\nThe same in one process (Django's test client; printed, not judged; load average "
            f"{load_before:.2f} before, {os.getloadavg()[0]:.2f} after):\n"
            f"  CPU time p50 {inside['cpu'][0]:.1f} ms   p95 {inside['cpu'][1]:.1f} ms;   "
            f"wall time p50 {inside['wall'][0]:.1f} ms   p95 {inside['wall'][1]:.1f} ms"
        )

        team = [
            "/tasks/team/",
            "/tasks/team/?state=overdue",
            "/tasks/team/?state=today",
            "/tasks/team/?kind=visit",
        ]
        load_before = os.getloadavg()[0]
        times, _last = timed_gets(port, cookies[:1], team, warmup=8, requests=max(40, args.requests // 4))
        report(
            "The team's list (/tasks/team/, the Admin; printed, not judged)",
            times,
            load_before,
            os.getloadavg()[0],
            8,
        )
        print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    finally:
        if server is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        if log is not None:
            log.close()
        cluster.stop()
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
