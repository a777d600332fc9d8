"""Redemption of points through the API at 50 point-of-sale tills under `patron serve`, PostgreSQL.

The requirement (issue 17): POST /api/customers/{id}/loyalty/redeem at 50 concurrent clients on
PostgreSQL under `patron serve`: p95 under 50 ms, no errors. It is judged on load (a) below.

    .venv/bin/python benchmarks/bench_loyalty_redeem.py            # 10,000 customers, 50 tills
    .venv/bin/python benchmarks/bench_loyalty_redeem.py --small    # 2,000 customers, short phases
    .venv/bin/python benchmarks/bench_loyalty_redeem.py --workers 3 --threads 2   # other serve settings
    .venv/bin/python benchmarks/bench_loyalty_redeem.py --priority   # as root: nice -10 beside other work
    DATABASE_CONN_MAX_AGE=0 .venv/bin/python benchmarks/bench_loyalty_redeem.py     # a connection a request

It starts a throwaway PostgreSQL 15 cluster (Debian's packages, durable defaults: fsync on),
then, in a fresh process, migrates, sets up the workspace (TH, THB), a Service agent with an API
token, and --customers customers holding points: three earn lots each (500, 700 and 800 points,
spendable now, expiring in 3, 9 and 15 months), written in bulk as the ledger writes earns, each
account holding the sum of its lots (the ledger check agrees). It starts the real `patron serve`
(gunicorn) with its defaults unless --workers/--threads are given (and the environment's
DATABASE_CONN_MAX_AGE, 600 by default: each thread keeps its connection), and drives it from
this process: 50 clients on asyncio (bench_serve_load's small HTTP/1.1 client, one keep-alive
connection each), each a till with its own queue of customers (the customers dealt out among
the tills; no two tills share a customer). Every request is a redemption of 10 to 100 points with a fresh
Idempotency-Key, for a customer whose balance covers it (never a deliberate 409); latency is
measured at the client, from the request written to the answer read. Three loads, one after
another, after a warm-up:

(a) paced, the target's load: each till starts a redemption every 0.5 to 1 s (uniform; the next
    one 0.5-1 s after the last one started, or at once when the last answer took longer), about
    67 requests a second from 50 tills. Judged: p95 under 50 ms and no errors.
(b) closed loop, saturation: each till sends its next redemption as soon as the last one is
    answered: the throughput the server reaches, and the latency at that throughput.
(c) contention: the 50 tills all redeem from one customer (one account row lock), closed
    loop: every redemption waits for the others on that row.

Any answer but 201 is an error. For each load it prints requests, requests a second, p50, p95,
p99 and max, errors, and the CPU the server (gunicorn), PostgreSQL and this generator used per
request (PostgreSQL's with the backends that ended). The load generator runs on the same cores
as the server and the database (printed). Figures: benchmarks/README.md.
Afterwards the ledger must be whole (patron loyalty check) and the number of redeem entries
must equal the number of 201 answers. Exits 0 when the target is met and those hold.
"""

import argparse
import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_bomb_upload import stop  # noqa: E402
from bench_customer_pages import Cluster  # noqa: E402
from bench_serve_load import (  # noqa: E402
    CLOCK_TICKS,
    PRIORITY,
    Browser,
    HttpError,
    cpu_seconds,
    free_port,
    machine_busy,
    percentile,
    process_tree,
    raise_priority,
    serve_options,
    serve_settings,
    start_server,
)

TARGET_P95_MS = 50
THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "POLARS_MAX_THREADS")
LOTS = [(500, 3), (700, 9), (800, 15)]  # (points, months to expiry) of each customer's earn lots
CONTENDED_LOTS = [(1_000_000, 3), (1_000_000, 9), (1_000_000, 15)]
SPEND = (10, 100)  # points a redemption spends, at random between
PACE = (0.5, 1.0)  # seconds between the starts of one till's redemptions in load (a)


def setup(args):
    """In a fresh process: migrate, the workspace, a Service agent's token, the customers and
    their points. Prints {"token", "customers", "contended"} as JSON."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "patron.settings"
    import django

    django.setup()
    from dateutil.relativedelta import relativedelta
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from patron.accounts.roles import SERVICE_AGENT
    from patron.accounts.services import token_create
    from patron.actors import Actor
    from patron.customers.models import Customer
    from patron.loyalty.models import Account, Entry
    from patron.workspace.models import Workspace

    call_command("migrate", verbosity=0)
    Workspace.objects.update_or_create(
        pk=1, defaults={"name": "bench", "country": "TH", "currency": "THB", "time_zone": "Asia/Bangkok"}
    )
    users = get_user_model().objects
    admin = users.create_superuser("bench", password=uuid.uuid4().hex)
    till = users.create_user("till", password=uuid.uuid4().hex)
    till.groups.add(Group.objects.get(name=SERVICE_AGENT))
    _token, secret = token_create(user=till, name="bench tills")
    made = Customer.objects.bulk_create(
        (Customer(display_name=f"Customer {n}", country="TH") for n in range(args.customers + 1)),
        batch_size=5000,
    )
    ids = [customer.pk for customer in made]
    contended, customers = ids[0], ids[1:]
    # Written in bulk as the ledger writes earns: a lot per earn (its points all left), each
    # account holding the sum of its customer's lots (patron loyalty check agrees afterwards).
    now = datetime.now(UTC)
    lots = {c: LOTS for c in customers} | {contended: CONTENDED_LOTS}
    actor = Actor.staff(admin).columns()
    Entry.objects.bulk_create(
        (
            Entry(
                customer_id=c,
                kind=Entry.Kind.EARN,
                points=points,
                remaining=points,
                key=f"bench:{c}:{months}",
                available_at=now,
                expires_at=now + relativedelta(months=months),
                **actor,
            )
            for c, held in lots.items()
            for points, months in held
        ),
        batch_size=5000,
    )
    Account.objects.bulk_create(
        (Account(customer_id=c, points=sum(p for p, _m in held)) for c, held in lots.items()), batch_size=5000
    )
    print(json.dumps({"token": secret, "customers": customers, "contended": contended}))


def verify():
    """In a fresh process: the ledger's own check and the number of redeem entries, as JSON."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "patron.settings"
    import django

    django.setup()
    from patron.loyalty.ledger import ledger_check
    from patron.loyalty.models import Entry

    redeemed = Entry.objects.filter(kind=Entry.Kind.REDEEM).count()
    print(json.dumps({"problems": ledger_check()[:10], "redeem_entries": redeemed}))


def child(env, mode, *extra):
    done = subprocess.run(
        [sys.executable, __file__, mode, *map(str, extra)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        sys.exit(f"{mode} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ----------------------------------------------------------------------------------------
# The tills.
# ----------------------------------------------------------------------------------------


class Till:
    """One point-of-sale till: its connection, its queue of customers and what it spent of each."""

    def __init__(self, number, port, secret, queue, balances, seed):
        self.number, self.queue, self.balances = number, queue, balances
        self.browser = Browser("127.0.0.1", port)
        self.headers = {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"}
        self.rnd = random.Random(seed * 1000 + number)
        self.next = 0

    def _customer(self, points):
        """The next customer in the queue whose balance still covers ``points``."""
        for _ in range(len(self.queue)):
            customer = self.queue[self.next % len(self.queue)]
            self.next += 1
            if self.balances[customer] >= points:
                return customer
        raise SystemExit(f"till {self.number}: no customer left with {points} points; use more customers")

    async def redeem(self, record, customer=None):
        points = self.rnd.randint(*SPEND)
        customer = customer or self._customer(points)
        self.balances[customer] -= points  # spent before the answer: never ask more than is left
        body = json.dumps({"points": points, "reason": f"till {self.number}: sale"}).encode()
        headers = {**self.headers, "Idempotency-Key": uuid.uuid4().hex}
        started = time.perf_counter()
        try:
            status, _headers, answer = await self.browser.request(
                "POST", f"/api/customers/{customer}/loyalty/redeem", headers=headers, body=body
            )
        except HttpError as exc:
            record(time.perf_counter() - started, None, str(exc))
            return
        seconds = time.perf_counter() - started
        error = None if status == 201 else f"{status} {answer[:200].decode('utf-8', 'replace')}"
        record(seconds, status, error)

    async def paced(self, record, until):
        next_at = time.perf_counter() + self.rnd.uniform(0, PACE[1])
        while True:
            await asyncio.sleep(max(0, next_at - time.perf_counter()))
            if time.perf_counter() >= until:
                return
            started = time.perf_counter()
            await self.redeem(record)
            next_at = started + self.rnd.uniform(*PACE)

    async def closed(self, record, until, customer=None):
        while time.perf_counter() < until:
            await self.redeem(record, customer)


def postgres_cpu(postmaster, pids):
    """CPU seconds of PostgreSQL: its processes' own and, through the postmaster's children's
    time, that of the backends that ended (one a request without persistent connections)."""
    fields = Path(f"/proc/{postmaster}/stat").read_text().rsplit(")", 1)[1].split()
    return cpu_seconds(pids) + (int(fields[13]) + int(fields[14])) / CLOCK_TICKS


class Load:
    """One load's samples and the CPU the server, PostgreSQL and this process used meanwhile."""

    def __init__(self, name, server_pid, postgres_pid):
        self.name, self.server_pid, self.postgres_pid = name, server_pid, postgres_pid
        self.samples = []  # (seconds, status, error)

    def record(self, seconds, status, error):
        self.samples.append((seconds, status, error))

    async def run(self, tills, how, seconds, **kwargs):
        server, postgres = process_tree(self.server_pid), process_tree(self.postgres_pid)
        before = (
            cpu_seconds(server),
            postgres_cpu(self.postgres_pid, postgres),
            time.process_time(),
            machine_busy(),
        )
        started = time.perf_counter()
        until = started + seconds
        await asyncio.gather(*(getattr(till, how)(self.record, until, **kwargs) for till in tills))
        self.elapsed = time.perf_counter() - started
        server = set(server) | set(process_tree(self.server_pid))
        postgres = set(postgres) | set(process_tree(self.postgres_pid))
        after = (
            cpu_seconds(server),
            postgres_cpu(self.postgres_pid, postgres),
            time.process_time(),
            machine_busy(),
        )
        self.cpu = {
            "server": after[0] - before[0],
            "PostgreSQL": after[1] - before[1],
            "load generator": after[2] - before[2],
            "machine": after[3][0] - before[3][0],
        }
        return self

    @property
    def created(self):
        return sum(1 for _s, status, _e in self.samples if status == 201)

    def report(self):
        ms = [seconds * 1000 for seconds, _status, _error in self.samples]
        errors = [error for _s, _status, error in self.samples if error]
        n = max(len(ms), 1)
        print(f"\n{self.name}")
        print(
            f"  {len(ms):,} redemptions in {self.elapsed:.1f} s: {len(ms) / self.elapsed:.1f} a second, "
            f"{len(errors)} errors"
        )
        print(
            "  latency at the client: "
            + ", ".join(f"p{p} {percentile(ms, p):.1f}" for p in (50, 95, 99))
            + f", max {max(ms, default=0):.1f} ms"
        )
        print(
            "  CPU: "
            + ", ".join(
                f"{who} {used / self.elapsed:.2f} cores ({used / n * 1000:.1f} ms a request)"
                for who, used in self.cpu.items()
                if who != "machine"
            )
            + f"; the whole machine {self.cpu['machine'] / self.elapsed:.2f} of {os.cpu_count()} cores"
        )
        for error, count in Counter(errors).most_common(5):
            print(f"  error x{count}: {error[:150]}")
        return percentile(ms, 95), len(errors)


async def drive(args, data, port, server_pid, postgres_pid):
    customers = data["customers"]
    balances = dict.fromkeys(customers, sum(points for points, _months in LOTS))
    balances[data["contended"]] = sum(points for points, _months in CONTENDED_LOTS)
    tills = [
        Till(n, port, data["token"], customers[n :: args.clients], balances, args.seed)
        for n in range(args.clients)
    ]
    print(f"Warming up {args.warmup:.0f} s (paced)")
    loads = [await Load("warm-up", server_pid, postgres_pid).run(tills, "paced", args.warmup)]
    phases = [
        ("(a) paced: each till one redemption every 0.5-1 s (the target's load)", "paced", args.duration, {}),
        (
            "(b) closed loop: each till's next redemption as soon as the last is answered",
            "closed",
            args.closed,
            {},
        ),
        (
            f"(c) contention: all {args.clients} tills on one customer, closed loop",
            "closed",
            args.contended,
            {"customer": data["contended"]},
        ),
    ]
    for name, how, seconds, kwargs in phases:
        print(f"{name}: {seconds:.0f} s")
        loads.append(await Load(name, server_pid, postgres_pid).run(tills, how, seconds, **kwargs))
    for till in tills:
        await till.browser.close()
    return loads


def uptime():
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--customers", type=int, default=10_000, help="customers with points (default 10,000)"
    )
    parser.add_argument("--clients", type=int, default=50, help="tills at once (default 50)")
    parser.add_argument("--duration", type=float, default=60, help="seconds of load (a) (default 60)")
    parser.add_argument("--closed", type=float, default=30, help="seconds of load (b) (default 30)")
    parser.add_argument("--contended", type=float, default=15, help="seconds of load (c) (default 15)")
    parser.add_argument("--warmup", type=float, default=5, help="seconds before (a) (default 5)")
    parser.add_argument(
        "--small", action="store_true", help="for development: 2,000 customers, (a) 15 s, (b) 10 s, (c) 5 s"
    )
    parser.add_argument("--workers", type=int, help="patron serve --workers (default: serve's own)")
    parser.add_argument("--threads", type=int, help="patron serve --threads (default: serve's own)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--priority",
        action="store_true",
        help=f"as root, run PostgreSQL, the server and this generator at nice {PRIORITY} (their "
        "sessions too), so that other work on the machine takes less of the cores",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the cluster running, and Patron's data directory in it"
    )
    parser.add_argument("--setup", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--verify", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.small:
        args.customers, args.duration, args.closed, args.contended = 2_000, 15, 10, 5
    if args.clients < 1 or min(args.duration, args.closed, args.contended) <= 0:
        parser.error("--clients and the durations must be positive")
    if args.priority and os.geteuid() != 0:
        parser.error("--priority needs root")
    return args


def main():
    args = parse_args()
    if args.setup:
        setup(args)
        return
    if args.verify:
        verify()
        return
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.stdout.reconfigure(line_buffering=True)  # progress shows when the output goes to a file
    settings = ", ".join(f"{name}={os.environ.get(name, '(unset)')}" for name in THREAD_VARIABLES)
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {os.cpu_count()} CPUs; {settings}")
    print(f"Load average before: {uptime()}")
    cluster = Cluster()
    data_dir = cluster.root / "data"  # removed with the cluster, or kept with it (--keep)
    server = log = None
    ok = False
    try:
        cluster.start({})
        if args.priority:
            raise_priority()
            cluster.raise_priority()
        data_dir.mkdir()
        env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY"}}
        env.update(
            PATRON_DATA_DIR=str(data_dir),
            DATABASE_URL=cluster.url,
            PATRON_COUNTRY="TH",
            TIME_ZONE="Asia/Bangkok",
            LOG_LEVEL="WARNING",
            DJANGO_SETTINGS_MODULE="patron.settings",
            PYTHONPATH=str(ROOT),
        )
        started = time.perf_counter()
        data = child(env, "--setup", "--customers", args.customers)
        print(
            f"PostgreSQL 15 (throwaway cluster, fsync on); {len(data['customers']):,} customers with "
            f"{len(LOTS)} earn lots each ({', '.join(str(p) for p, _m in LOTS)} points) and one customer "
            f"for (c), set up in {time.perf_counter() - started:.0f} s"
        )
        port = free_port()
        server, log, _command = start_server(args, env, port)
        workers, threads_each = serve_options(args, env)
        chosen = "as given" if args.workers or args.threads else "its defaults"
        processes = len(serve_settings(server.pid)[0])
        settings_line = (
            f"patron serve --workers {workers} --threads {threads_each} ({chosen}), {processes} gunicorn "
            f"worker processes; {args.clients} tills; the load generator (this process, asyncio) on the "
            f"same {os.cpu_count()} CPUs; DATABASE_CONN_MAX_AGE="
            + os.environ.get("DATABASE_CONN_MAX_AGE", "(unset: 600, each thread keeps its connection)")
            + (f"; PostgreSQL, server and generator at nice {PRIORITY}" if args.priority else "")
        )
        print(settings_line)
        postgres_pid = int((cluster.datadir / "postmaster.pid").read_text().split()[0])
        loads = asyncio.run(drive(args, data, port, server.pid, postgres_pid))
        print("\n" + "=" * 88)
        print(settings_line)
        verdicts = [load.report() for load in loads[1:]]
        p95, errors = verdicts[0]
        created = sum(load.created for load in loads)
        found = child(env, "--verify")
        whole = not found["problems"]
        print(f"\nLedger check after the run: {'whole' if whole else found['problems']}")
        print(f"Redeem entries {found['redeem_entries']:,}, 201 answers {created:,} (warm-up included)")
        print(f"Load average after: {uptime()}")
        counted = found["redeem_entries"] == created
        ok = p95 < TARGET_P95_MS and not errors and whole and counted
        print(
            f"\nTarget on (a): p95 under {TARGET_P95_MS} ms and no errors; ledger whole; an entry a 201: "
            + ("PASS" if ok else "FAIL")
        )
    finally:
        stop(server)
        if log:
            log.close()
        cluster.finish(args.keep)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
