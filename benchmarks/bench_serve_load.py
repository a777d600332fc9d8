"""Load test through `patron serve`: 20 browsers at once on the customer list, search and pages.

The requirement: on the 2-core machine, with this load generator on the same cores, 20
concurrent clients get at least 60 requests a second, p95 under 500 ms and no errors.

    .venv/bin/python benchmarks/bench_serve_load.py            # 20,000 customers, 20 clients, 30 s
    .venv/bin/python benchmarks/bench_serve_load.py --customers 100000 --clients 40 --duration 60
    .venv/bin/python benchmarks/bench_serve_load.py --workers 3 --threads 2   # other serve settings

It makes a fresh data directory, migrates, loads a demo shop (`patron demo --country TH`),
scores it (`patron score`, so the value columns and sorts have data), adds one user per client
across the four roles, and starts the real `patron serve` (gunicorn) as a subprocess with its
defaults unless --workers/--threads are given. Each client logs in as a browser does (GET the
form, POST it with the CSRF token and cookie, keep the session cookie) on one keep-alive
connection, then, without pausing, does what a person at the customer list does:

- the customer list: the first page (whole page), a filter or order picked from the form
  (htmx request, as the page sends it), and the next page after either (following rel="next");
- search as you type: the htmx request the search box sends, for two or three growing prefixes
  of a real customer's name, in Thai script or in Latin (the romanised name of an e-mail),
  then, most of the time, the first customer found;
- a random customer's page.

After a warm-up it counts for --duration seconds and prints requests per second, p50/p95/p99
per kind and overall, errors, the mix, the CPU the server and this generator used, the
serve settings and what else the machine was doing. Exits 0 when the target is met.
"""

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from html import unescape
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
# The virtualenv running this script; the Patron beside it (PYTHONPATH), so a copy of the tree
# elsewhere can be measured with the same packages.
PYTHON = Path(sys.executable)
PATRON = PYTHON.parent / "patron"
TARGET_RPS = 60
TARGET_P95_MS = 500
PRIORITY = -10  # nice value of the server and this generator with --priority
ROLES = ["Admin", "Marketer", "Service agent", "Analyst"]
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

# What the clients do, by weight: (action, weight). Each action is one to four requests.
ACTIONS = [("list", 2), ("filter", 3), ("search", 4), ("customer", 3)]
FILTER_FORM = ("q", "tag", "country", "consent", "segment", "churn", "min_clv", "sort")

SETUP = r"""
import json, re, sys
import django
django.setup()
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from patron.customers.models import ContactPoint, Customer, Tag
from patron.scoring.models import CustomerScore

if sys.argv[1] == "users":
    clients, password, roles = int(sys.argv[2]), sys.argv[3], sys.argv[4].split(",")
    for i in range(clients):
        user = get_user_model().objects.create_user(f"load{i:02d}", password=password)
        user.groups.add(Group.objects.get(name=roles[i % len(roles)]))
    sys.exit()
users = get_user_model().objects.filter(username__startswith="load").order_by("username")
users = [(user.username, user.groups.get().name) for user in users]
ids = list(Customer.objects.filter(merged_into__isnull=True).values_list("id", flat=True))
names = set()
for given, family in Customer.objects.values_list("given_name", "family_name")[:5000]:
    names.update(n for n in (given, family) if len(n) >= 3)
latin = set()
for local in ContactPoint.objects.filter(kind="email").values_list("normalised", flat=True)[:5000]:
    latin.update(w for w in re.split(r"[^a-z]+", local.split("@")[0]) if len(w) >= 4)
print(json.dumps({
    "users": users,
    "ids": ids,
    "thai": sorted(n for n in names if not n.isascii()),
    "latin": sorted(latin),
    "tags": list(Tag.objects.values_list("name", flat=True)),
    "segments": sorted(set(CustomerScore.objects.values_list("segment", flat=True).distinct())),
}))
"""


# ----------------------------------------------------------------------------------------
# A small HTTP/1.1 client on asyncio streams: keep-alive, cookies, nothing else.
# ----------------------------------------------------------------------------------------


class HttpError(Exception):
    pass


class Browser:
    """One person's browser: one keep-alive connection (reopened if the server closes it)
    and its cookies."""

    def __init__(self, host, port):
        self.host, self.port = host, port
        self.cookies = {}
        self.reader = self.writer = None

    async def _connect(self):
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def close(self):
        if self.writer:
            self.writer.close()
            with contextlib.suppress(Exception):
                await self.writer.wait_closed()
            self.reader = self.writer = None

    async def request(self, method, path, *, headers=None, body=b""):
        """(status, headers, body). Retries once on a connection the server closed while idle."""
        for attempt in (1, 2):
            fresh = self.writer is None
            if fresh:
                await self._connect()
            try:
                return await self._exchange(method, path, headers or {}, body)
            except (ConnectionError, asyncio.IncompleteReadError) as exc:
                await self.close()
                if fresh or attempt == 2:
                    raise HttpError(f"{method} {path}: {exc!r}") from exc
        raise AssertionError("unreachable")

    async def _exchange(self, method, path, headers, body):
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}", "Accept-Encoding: identity"]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        for key, value in headers.items():
            lines.append(f"{key}: {value}")
        if body:
            lines.append(f"Content-Length: {len(body)}")
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        await self.writer.drain()
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split()[1])
        answer = {}
        for line in header_lines:
            if not line:
                continue
            key, _sep, value = line.partition(":")
            key, value = key.strip().lower(), value.strip()
            if key == "set-cookie":
                name, _eq, rest = value.partition("=")
                self.cookies[name] = rest.split(";")[0]
            answer[key] = value
        if answer.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                if size == 0:
                    await self.reader.readuntil(b"\r\n")
                    break
                parts.append(await self.reader.readexactly(size + 2))
            data = b"".join(p[:-2] for p in parts)
        else:
            data = await self.reader.readexactly(int(answer.get("content-length", 0)))
        if answer.get("connection", "").lower() == "close":
            await self.close()
        return status, answer, data


# ----------------------------------------------------------------------------------------
# What a person does.
# ----------------------------------------------------------------------------------------

NEXT_LINK = re.compile(r'href="([^"]+)" rel="next"')
CUSTOMER_LINK = re.compile(r'href="(/customers/\d+/)"')


class Person:
    def __init__(self, browser, username, data, rnd, record):
        self.browser, self.username, self.data, self.rnd, self.record = browser, username, data, rnd, record

    async def get(self, kind, variant, path, htmx=False):
        headers = {"Accept": "text/html"}
        if htmx:
            headers.update({"HX-Request": "true", "HX-Target": "results", "HX-Current-URL": "/customers/"})
        started = time.perf_counter()
        try:
            status, _headers, body = await self.browser.request("GET", path, headers=headers)
        except HttpError as exc:
            self.record(kind, variant, time.perf_counter() - started, str(exc))
            return ""
        error = None if status == 200 else f"GET {path} answered {status}"
        self.record(kind, variant, time.perf_counter() - started, error)
        return body.decode("utf-8", "replace")

    async def log_in(self, password):
        _status, _h, body = await self.browser.request("GET", "/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
        form = urlencode({"csrfmiddlewaretoken": token, "username": self.username, "password": password})
        status, headers, _body = await self.browser.request(
            "POST",
            "/login/",
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": f"http://{self.browser.host}:{self.browser.port}",
                "Referer": f"http://{self.browser.host}:{self.browser.port}/login/",
            },
            body=form.encode(),
        )
        if status != 302 or "sessionid" not in self.browser.cookies:
            raise SystemExit(f"{self.username} could not log in: {status} {headers}")

    def form_query(self, **values):
        """The query string the filter form sends (htmx includes every field, empty or not)."""
        return "/customers/?" + urlencode({name: values.get(name, "") for name in FILTER_FORM})

    async def follow_next(self, kind, html, htmx):
        found = NEXT_LINK.search(html)
        if found and self.rnd.random() < 0.4:
            await self.get(kind, "next page", "/customers/" + unescape(found.group(1)), htmx=htmx)

    async def act(self):
        action = self.rnd.choices([a for a, _w in ACTIONS], [w for _a, w in ACTIONS])[0]
        rnd, data = self.rnd, self.data
        if action == "list":
            html = await self.get("list", "first page", "/customers/")
            await self.follow_next("list", html, htmx=False)
        elif action == "filter":
            choices = [
                ("sort", "clv"),
                ("sort", "churn"),
                ("consent", "email:marketing"),
                ("consent", "sms:marketing"),
            ]
            choices += [("tag", t) for t in data["tags"]] + [("segment", s) for s in data["segments"]]
            choices += [("churn", "high")]
            field, value = rnd.choice(choices)
            html = await self.get(
                "list", f"{field} filter/order", self.form_query(**{field: value}), htmx=True
            )
            await self.follow_next("list", html, htmx=False)
        elif action == "search":
            script = "Thai" if rnd.random() < 0.6 else "Latin"
            name = rnd.choice(data["thai"] if script == "Thai" else data["latin"])
            stops = sorted(rnd.sample(range(2, len(name) + 1), min(rnd.choice((2, 3)), len(name) - 1)))
            html = ""
            for stop in stops:
                html = await self.get("search", f"{script} prefix", self.form_query(q=name[:stop]), htmx=True)
            found = CUSTOMER_LINK.search(html)
            if found and rnd.random() < 0.7:
                await self.get("customer page", "opened from search", found.group(1))
        else:
            await self.get("customer page", "random customer", f"/customers/{rnd.choice(data['ids'])}/")

    async def run(self, until):
        while time.perf_counter() < until:
            await self.act()


# ----------------------------------------------------------------------------------------
# CPU accounting from /proc.
# ----------------------------------------------------------------------------------------


def process_tree(root):
    """`root` and every process below it."""
    children = defaultdict(list)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError):
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                children[int(fields[1])].append(int(entry.name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def cpu_seconds(pids):
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLOCK_TICKS


def machine_busy():
    """(busy, total) CPU seconds of the whole machine since boot."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields[:8]) - idle) / CLOCK_TICKS, sum(fields[:8]) / CLOCK_TICKS


def top_processes(exclude, seconds=2.0, count=6):
    """The busiest other processes over `seconds`: what else the machine is doing."""

    def sample():
        out = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit() and int(entry.name) not in exclude:
                with contextlib.suppress(OSError, IndexError):
                    head, tail = (entry / "stat").read_text().rsplit(")", 1)
                    fields = tail.split()
                    out[int(entry.name)] = (head.split("(", 1)[1], int(fields[11]) + int(fields[12]))
        return out

    before = sample()
    time.sleep(seconds)
    after = sample()
    busy = []
    for pid, (name, ticks) in after.items():
        used = (ticks - before.get(pid, (name, ticks))[1]) / CLOCK_TICKS / seconds
        if used >= 0.05:
            with contextlib.suppress(OSError):
                name = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()[:90]
            busy.append((used, pid, name))
    return sorted(busy, reverse=True)[:count]


# ----------------------------------------------------------------------------------------


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(env, *args, capture=False):
    result = subprocess.run([str(a) for a in args], env=env, check=False, text=True, capture_output=True)
    if result.returncode:
        sys.exit(f"{' '.join(map(str, args))} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout if capture else None


def prepare(args, env):
    started = time.perf_counter()
    run(env, PATRON, "migrate", "-v0")
    print(f"Loading a demo shop: patron demo --country TH --customers {args.customers:,} --seed {args.seed}")
    counts = json.loads(
        run(
            env,
            PATRON,
            "demo",
            "--country",
            "TH",
            "--customers",
            args.customers,
            "--seed",
            args.seed,
            "--json",
            capture=True,
        )
        .strip()
        .splitlines()[-1]
    )
    print("  " + ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in counts.items() if k != "seconds"))
    password = "load-" + os.urandom(12).hex()
    run(env, PYTHON, "-c", SETUP, "users", args.clients, password, ",".join(ROLES))
    run(env, PATRON, "score", "--as", "load00")
    data = json.loads(run(env, PYTHON, "-c", SETUP, "data", capture=True))
    seconds = time.perf_counter() - started
    print(f"Scored; {args.clients} users in the roles {', '.join(ROLES)} ({seconds:.0f} s in all)")
    return data, password


def raise_priority():
    """nice -10 for this process and its session's autogroup: with autogroups (Linux's default)
    CPU is shared between sessions first, so other sessions' tests would still take their half."""
    os.setpriority(os.PRIO_PROCESS, 0, PRIORITY)
    with contextlib.suppress(OSError):
        Path("/proc/self/autogroup").write_text(str(PRIORITY))


def start_server(args, env, port):
    command = [str(PATRON), "serve", "--bind", f"127.0.0.1:{port}"]
    if args.workers:
        command += ["--workers", str(args.workers)]
    if args.threads:
        command += ["--threads", str(args.threads)]
    log = open(Path(env["PATRON_DATA_DIR"]) / "serve.log", "w")  # noqa: SIM115 (closed by the caller)
    server = subprocess.Popen(
        command,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        preexec_fn=raise_priority if args.priority else None,  # noqa: PLW1509 (no threads yet)
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"patron serve stopped at start:\n{Path(log.name).read_text()}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            time.sleep(1)  # let every worker boot
            return server, log, command
        time.sleep(0.2)
    server.kill()
    sys.exit("patron serve did not listen within 60 s")


SERVE_DEFAULTS = """
from patron.web.management.commands.serve import Command
parser = Command().create_parser("patron", "serve")
print(parser.get_default("workers"), parser.get_default("threads"))
"""


def serve_options(args, env):
    """The workers and threads `patron serve` runs with: those given, or its defaults."""
    workers, threads = map(int, run(env, PYTHON, "-c", SERVE_DEFAULTS, capture=True).split()[-2:])
    return args.workers or workers, args.threads or threads


def serve_settings(server_pid):
    workers = [pid for pid in process_tree(server_pid) if pid != server_pid]
    threads = []
    for pid in workers:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("Threads:"):
                    threads.append(int(line.split()[1]))
    return workers, threads


async def load(args, data, password, port, server_pid):
    """Log the clients in, warm up, then count for --duration seconds: the samples, the seconds
    counted, and the CPU seconds this process, the server and the machine used meanwhile."""
    samples = []  # (kind, variant, seconds, error)
    counting = {"on": False}

    def record(kind, variant, seconds, error):
        if counting["on"]:
            samples.append((kind, variant, seconds, error))

    people = []
    for i, (username, _role) in enumerate(data["users"][: args.clients]):
        person = Person(
            Browser("127.0.0.1", port), username, data, random.Random(args.seed * 1000 + i), record
        )
        await person.log_in(password)
        people.append(person)
    print(f"{len(people)} clients logged in; warming up {args.warmup:.0f} s, counting {args.duration:.0f} s")
    until = time.perf_counter() + args.warmup
    await asyncio.gather(*(p.run(until) for p in people))
    counting["on"] = True
    tree = process_tree(server_pid)
    server_before, machine_before, cpu_before = cpu_seconds(tree), machine_busy(), time.process_time()
    started = time.perf_counter()
    until = started + args.duration
    await asyncio.gather(*(p.run(until) for p in people))
    elapsed = time.perf_counter() - started
    cpu = {
        "generator": time.process_time() - cpu_before,
        "server": cpu_seconds(set(tree) | set(process_tree(server_pid))) - server_before,
        "machine": [after - before for after, before in zip(machine_busy(), machine_before, strict=True)],
        "threads": max(serve_settings(server_pid)[1], default=0),
    }
    for person in people:
        await person.browser.close()
    return samples, elapsed, cpu


def percentile(values, p):
    values = sorted(values)
    if not values:
        return float("nan")
    k = (len(values) - 1) * p / 100
    low = int(k)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (k - low)


def report(samples, elapsed, cpu, settings_line, busiest):
    ms = [s * 1000 for _k, _v, s, _e in samples]
    errors = [e for _k, _v, _s, e in samples if e]
    rps = len(samples) / elapsed
    p95 = percentile(ms, 95)
    print("\n" + "=" * 88)
    print(settings_line)
    print(f"{len(samples):,} requests in {elapsed:.1f} s: {rps:.1f} requests a second, {len(errors)} errors")
    print(f"\n  {'kind / variant':<40}{'n':>7}{'share':>7}{'p50':>8}{'p95':>8}{'p99':>8}{'max':>8}  ms")
    by_kind = defaultdict(list)
    by_variant = defaultdict(list)
    for kind, variant, seconds, _e in samples:
        by_kind[kind].append(seconds * 1000)
        by_variant[(kind, variant)].append(seconds * 1000)

    def line(label, values):
        print(
            f"  {label:<40}{len(values):>7}{len(values) / len(samples):>7.0%}"
            + "".join(f"{percentile(values, p):>8.0f}" for p in (50, 95, 99))
            + f"{max(values):>8.0f}"
        )

    for kind in sorted(by_kind):
        line(kind, by_kind[kind])
        for (k, variant), values in sorted(by_variant.items()):
            if k == kind:
                line("  " + variant, values)
    line("overall", ms)
    for error, n in Counter(errors).most_common(5):
        print(f"  error x{n}: {error[:150]}")
    busy, total = cpu["machine"]
    server_cpu, generator_cpu = cpu["server"], cpu["generator"]
    print(f"Threads per worker at the end (the main thread included): up to {cpu['threads']}")
    n = max(len(samples), 1)
    others = max(busy - server_cpu - generator_cpu, 0)
    print(f"\nCPU over the timed part ({os.cpu_count()} cores = {total:.0f} core-seconds, {busy:.0f} busy):")
    for who, seconds in (
        ("server", server_cpu),
        ("load generator", generator_cpu),
        ("everything else", others),
    ):
        share, each = seconds / elapsed, seconds / n * 1000
        print(f"  {who:<16}{seconds:7.1f} s  {share:5.2f} cores  {each:6.1f} ms a request")
    print(f"Load average after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    if busiest:
        print("Busiest other processes just before the run (cores):")
        for used, pid, name in busiest:
            print(f"  {used:4.2f}  {pid:>7}  {name}")
    ok = rps >= TARGET_RPS and p95 < TARGET_P95_MS and not errors
    print(
        f"\nTarget: at least {TARGET_RPS} requests a second, p95 under {TARGET_P95_MS} ms, no errors: "
        + ("PASS" if ok else "FAIL")
    )
    return ok


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--customers", type=int, default=20_000, help="demo shop size (default 20,000)")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients (default 20)")
    parser.add_argument("--duration", type=float, default=30, help="seconds counted (default 30)")
    parser.add_argument("--warmup", type=float, default=5, help="seconds before counting (default 5)")
    parser.add_argument("--workers", type=int, help="patron serve --workers (default: serve's own)")
    parser.add_argument("--threads", type=int, help="patron serve --threads (default: serve's own)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data-dir", help="reuse a data directory an earlier run prepared (--keep)")
    parser.add_argument("--keep", action="store_true", help="keep the data directory and print it")
    parser.add_argument(
        "--priority",
        action="store_true",
        help=f"as root, run the server and this generator at nice {PRIORITY} (their sessions too), "
        "so that other work on the machine takes less of the cores",
    )
    parser.add_argument("--runs", type=int, default=1, help="timed runs, one after another (default 1)")
    args = parser.parse_args()
    if args.clients < 1 or args.duration <= 0:
        parser.error("--clients and --duration must be positive")
    if args.priority and os.geteuid() != 0:
        parser.error("--priority needs root")
    return args


def main():
    args = parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    reuse = bool(args.data_dir)
    data_dir = Path(args.data_dir) if reuse else Path(tempfile.mkdtemp(prefix="patron-load-"))
    env = {
        **os.environ,
        "PATRON_DATA_DIR": str(data_dir),
        "PATRON_COUNTRY": "TH",
        "TIME_ZONE": "Asia/Bangkok",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "patron.settings",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DATABASE_URL", None)
    server = log = None
    ok = False
    try:
        if reuse:
            data = json.loads((data_dir / "load.json").read_text())
            password = data["password"]
        else:
            data, password = prepare(args, env)
            (data_dir / "load.json").write_text(json.dumps({**data, "password": password}))
        if len(data["users"]) < args.clients:
            sys.exit(f"{data_dir} has only {len(data['users'])} users")
        print(
            f"Shop: {len(data['ids']):,} customers; search prefixes from {len(data['thai'])} Thai names "
            f"and {len(data['latin'])} romanised names"
        )
        port = free_port()
        if args.priority:
            raise_priority()
        server, log, command = start_server(args, env, port)
        workers, threads = serve_options(args, env)
        settings_line = (
            f"patron serve --workers {workers} --threads {threads} "
            f"({'as given' if args.workers or args.threads else 'its defaults'}): gunicorn with "
            f"{len(serve_settings(server.pid)[0])} worker processes; {args.clients} clients; "
            f"{os.cpu_count()} CPUs; SQLite"
            + (f"; server and generator at nice {PRIORITY}" if args.priority else "")
        )
        print(settings_line)
        ok = True
        for run_number in range(args.runs):
            busiest = top_processes(set(process_tree(server.pid)) | {os.getpid()})
            samples, elapsed, cpu = asyncio.run(load(args, data, password, port, server.pid))
            if args.runs > 1:
                print(f"\n--- run {run_number + 1} of {args.runs}")
            ok = report(samples, elapsed, cpu, settings_line, busiest) and ok
    finally:
        if server and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        if log:
            log.close()
        if args.keep or reuse:
            print(f"Data directory kept: {data_dir} (--data-dir {data_dir} to run again)")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
