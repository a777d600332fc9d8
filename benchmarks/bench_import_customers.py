"""`patron import customers` speed and memory, as a user runs it: the whole command, one process.

The requirement: at least 10,000 customer rows per second into SQLite and into PostgreSQL for a
1,000,000-row file with e-mails, phones and a few attributes, identity matching on, with peak
memory under 1 GiB.

    .venv/bin/python benchmarks/bench_import_customers.py                   # 1,000,000 rows, both databases
    .venv/bin/python benchmarks/bench_import_customers.py --rows 100000 --database sqlite

The file is a point-of-sale export of a Thai shop: customer id, name, e-mail (90 % of rows; a
third of them Gmail addresses), mobile phone in local form (85 %), birthday (60 %), gender,
tags and three columns that become typed attributes (points, a branch, a member-since date).
In the second half of the file, 20 % of the rows are people the first half already named under
another id: 10 % by their e-mail (half of them written with Gmail dots, a +tag or capitals),
10 % by their phone (in international form); each attaches to that customer and is counted in
``customers_matched``. A few rows are bad (an e-mail without a domain, a phone too short).

For each database: a fresh data directory (SQLite) or a throwaway PostgreSQL 15 cluster (as
scripts/test.sh starts one, durable defaults), ``patron migrate``, a superuser, then
``patron import customers FILE --source pos --country TH --json`` timed from outside as a whole
process (start-up included). The import forks a process of its own to work out the rows'
rules, so its memory is measured as the peak of the two together: their proportional set
sizes (PSS: pages they share counted once) summed, read from /proc every 0.2 s; the peak
resident memory of the larger one, from the kernel (``wait4``), is printed beside it. With
``--again`` the same file is imported a second time (every row then unchanged).
"""

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

TARGET = 10_000
MEMORY_LIMIT = 1 << 30
PATRON = ROOT / ".venv" / "bin" / "patron"
GIVEN = ["Somchai", "Somsri", "Malee", "Anan", "Kanya", "Niran", "Pim", "Wichai", "Ratana", "Chai"]
GIVEN_TH = ["สมชาย", "สมศรี", "มาลี", "อนันต์", "กัญญา", "นิรันดร์", "พิม", "วิชัย"]
FAMILY = ["Srisuk", "Chaiyaporn", "Wongsa", "Rattanakul", "Boonmee", "Thongdee", "Saetang"]
FAMILY_TH = ["ศรีสุข", "ชัยพร", "วงศา", "รัตนกุล", "บุญมี", "ทองดี"]
DOMAINS = ["gmail.com", "gmail.com", "hotmail.com", "yahoo.co.th", "outlook.com", "example.co.th"]
BRANCHES = ["Siam", "Chiang Mai", "Phuket", "Khon Kaen", "Hat Yai"]
TAGS = ["VIP", "Wholesale", "Newsletter", "Staff", ""]
HEADER = [
    "customer_id",
    "name",
    "email",
    "phone",
    "birthday",
    "gender",
    "tags",
    "Points",
    "Branch",
    "Member since",
]


def mobile(rnd):
    return f"0{rnd.choice('89')}{rnd.randrange(10_000_000, 100_000_000)}"


def write_file(path, rows, seed=11):
    """The export described in the module docstring; returns the rows meant to match."""
    rnd = random.Random(seed)
    half = rows // 2
    people = []  # (e-mail, phone) of the first half, for the second half to name again
    matching = 0
    with path.open("w", newline="", encoding="utf-8") as file:
        out = csv.writer(file)
        out.writerow(HEADER)
        for number in range(rows):
            thai = rnd.random() < 0.3
            given = rnd.choice(GIVEN_TH if thai else GIVEN)
            family = rnd.choice(FAMILY_TH if thai else FAMILY)
            user = f"{rnd.choice(GIVEN).lower()}.{number}"
            email = f"{user}@{rnd.choice(DOMAINS)}" if rnd.random() < 0.9 else ""
            phone = mobile(rnd) if rnd.random() < 0.85 else ""
            draw = rnd.random()
            if number >= half and draw < 0.2 and people:
                known_email, known_phone = people[rnd.randrange(len(people))]
                if draw < 0.1 and known_email:
                    email, phone = _spelt_otherwise(rnd, known_email), ""
                    matching += 1
                elif draw >= 0.1 and known_phone:
                    email, phone = "", "+66 " + known_phone[1:]
                    matching += 1
            elif number < half:
                people.append((email, phone))
            if rnd.random() < 0.0005:
                email = f"{user}@"  # a bad row
            birthday = (
                date(1950, 1, 1) + timedelta(days=rnd.randrange(20_000)) if rnd.random() < 0.6 else None
            )
            out.writerow(
                [
                    f"C{number:08d}",
                    f"{given} {family}",
                    email,
                    phone,
                    birthday.strftime("%d/%m/%Y") if birthday else "",
                    rnd.choice(["male", "female", "", "หญิง", "ชาย"]),
                    rnd.choice(TAGS),
                    rnd.randrange(0, 5_000),
                    rnd.choice(BRANCHES),
                    (date(2015, 1, 1) + timedelta(days=rnd.randrange(3_000))).isoformat(),
                ]
            )
    return matching


def _spelt_otherwise(rnd, address):
    """The same address as a person may type it again: Gmail dots or a +tag, or capitals."""
    local, _at, domain = address.partition("@")
    if domain == "gmail.com" and rnd.random() < 0.5:
        return f"{local.replace('.', '')}+shop@{domain}"
    return address.upper() if rnd.random() < 0.5 else address


def tree_pss(pid):
    """Bytes of memory of process ``pid`` and its descendants: their PSS summed."""
    total = 0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                total += int(line.split()[1]) * 1024
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return total
    return total + sum(tree_pss(int(child)) for child in children)


def timed_import(env, path):
    """(seconds, CPU seconds, peak PSS of the processes, peak RSS of the larger, summary) of one
    `patron import customers` command."""
    command = [str(PATRON), "import", "customers", str(path), "--source", "pos", "--country", "TH", "--json"]
    command += ["--rejects", str(path.with_suffix(".rejects.csv"))]
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak = [0]
    done = threading.Event()

    def watch():
        while not done.wait(0.2):
            peak[0] = max(peak[0], tree_pss(process.pid))

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    # wait4 gives this process's own peak memory, not that of the others this script started.
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    done.set()
    watcher.join()
    out, err = process.stdout.read().decode(), process.stderr.read().decode()
    if os.waitstatus_to_exitcode(status):
        sys.exit(f"the import failed:\n{err[-3000:]}")
    cpu = usage.ru_utime + usage.ru_stime
    return seconds, cpu, peak[0], usage.ru_maxrss * 1024, json.loads(out.strip().splitlines()[-1])


def run_database(args, name, data_dir, url=None):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY"}}
    env |= {"PATRON_DATA_DIR": str(data_dir), "PATRON_COUNTRY": "TH", "TIME_ZONE": "Asia/Bangkok"}
    env |= {"DJANGO_SUPERUSER_PASSWORD": "bench-pass-2024"}
    if url:
        env["DATABASE_URL"] = url
    for command in (
        ["migrate", "--verbosity", "0"],
        ["createsuperuser", "--noinput", "--username", "bench", "--email", "bench@example.com"],
    ):
        done = subprocess.run([str(PATRON), *command], env=env, capture_output=True, text=True, check=False)
        if done.returncode:
            sys.exit(f"patron {' '.join(command)} failed on {name}:\n{done.stderr[-3000:]}")
    result = {"database": name}
    for run in ("import", "again") if args.again else ("import",):
        load = os.getloadavg()[0]
        seconds, cpu, peak, rss, summary = timed_import(env, args.file)
        result[run] = {"seconds": seconds, "cpu": cpu, "peak": peak, "peak_rss": rss, "load": load, **summary}
        result[run]["rows_per_s"] = summary["read"] / seconds
    return result


def report(result, matching):
    imported = result["import"]
    passed = imported["rows_per_s"] >= TARGET and imported["peak"] < MEMORY_LIMIT
    print(f"\n{result['database']}")
    for label, run in (("import", imported), ("same file again", result.get("again"))):
        if run is None:
            continue
        print(
            f"  {label:<15} {run['read']:>10,} rows {run['seconds']:7.1f} s "
            f"{run['rows_per_s']:>8,.0f} rows/s  peak {run['peak'] / 2**20:,.0f} MiB "
            f"(PSS of both processes; RSS of the larger {run['peak_rss'] / 2**20:,.0f} MiB)"
        )
        print(
            f"  {'':<15} the import's CPU time (both processes) {run['cpu']:.1f} s "
            f"({run['read'] / run['cpu']:,.0f} rows per CPU second); load average at start {run['load']:.1f}"
        )
        print(
            f"  {'':<15} created {run['created']:,}, updated {run['updated']:,}, "
            f"unchanged {run['unchanged']:,}, rejected {run['rejected']:,}, "
            f"customers matched {run['customers_matched']:,}"
        )
    print(f"  rows written to match an earlier customer: {matching:,}")
    print(f"  target {TARGET:,} rows/s and < 1 GiB: {'PASS' if passed else 'FAIL'}")
    return passed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--again", action="store_true", help="Import the same file a second time.")
    args = parser.parse_args()
    threads = {
        k: os.environ.get(k, "(unset)")
        for k in ["OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "POLARS_MAX_THREADS"]
    }
    print(
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; "
        + ", ".join(f"{k}={v}" for k, v in threads.items())
    )
    print(f"{os.uname().sysname} {os.uname().release} {os.uname().machine}, Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory(prefix="patron-customer-bench-") as work:
        work = Path(work)
        args.file = work / "customers.csv"
        started = time.perf_counter()
        matching = write_file(args.file, args.rows)
        size = args.file.stat().st_size
        print(
            f"{args.rows:,} customer rows, {size / 2**20:,.0f} MiB "
            f"(written in {time.perf_counter() - started:.0f} s), {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
        )
        passed = True
        if args.database in ("sqlite", "both"):
            passed &= report(run_database(args, "SQLite", work / "sqlite"), matching)
        if args.database in ("postgresql", "both"):
            from bench_customer_pages import Cluster

            cluster = Cluster()
            try:
                cluster.start({})
                passed &= report(run_database(args, "PostgreSQL 15", work / "pg-data", cluster.url), matching)
            finally:
                cluster.remove()
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
