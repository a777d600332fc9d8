"""An XLSX bomb uploaded through `patron serve`: how fast it is refused, and at what memory.

The requirement: a 1 MB workbook whose one shared string unpacks to 1 GiB is refused within
2 s of its upload, and the server's processes grow by less than 200 MB meanwhile.

    .venv/bin/python benchmarks/bench_bomb_upload.py              # the 1 GiB bomb, 3 uploads
    .venv/bin/python benchmarks/bench_bomb_upload.py --gib 3 --runs 5

It makes a fresh data directory, migrates it, adds an Admin, and starts the real
`patron serve` (gunicorn, its defaults) and `patron worker` (the job queue, which reads an
uploaded file's preview) as subprocesses. It then builds the bomb (patron/imports/tests/bombs.py:
deflate blocks written by hand, so 1 GiB of one letter packs into about 1 MB in a second),
logs in as a browser does and uploads it with the import page's form. The refusal is either the
upload's own answer (the form again, with the reason) or, when the upload is taken, the run's
page once the worker has read the file (polled every 20 ms). The resident memory (RSS) of every
gunicorn process and of the worker is sampled every 10 ms from before the upload until the
refusal; the growth printed is the largest sample less the one before, per process and summed.
Before each upload the processes are left idle (--idle, 12 s), as between two people's uploads:
the worker then polls its queue at its slowest. Exits 0 when every upload meets the target.
"""

import argparse
import contextlib
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from html import unescape
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from patron.imports.tests.bombs import shared_string_bomb  # noqa: E402

PYTHON = Path(sys.executable)
PATRON = PYTHON.parent / "patron"
TARGET_SECONDS = 2.0
TARGET_GROWTH_MB = 200

SETUP = r"""
import sys
import django
django.setup()
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
user = get_user_model().objects.create_user("bomber", password=sys.argv[1])
user.groups.add(Group.objects.get(name="Admin"))
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(env, *args):
    result = subprocess.run([str(a) for a in args], env=env, check=False, text=True, capture_output=True)
    if result.returncode:
        sys.exit(f"{' '.join(map(str, args))} failed:\n{result.stdout}\n{result.stderr}")


def process_tree(root):
    """`root` and every process below it."""
    children = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError):
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                children.setdefault(parent, []).append(int(entry.name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def rss_mb(pid):
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class MemorySampler(threading.Thread):
    """The RSS of each of ``pids`` every 10 ms: its first sample and its largest."""

    def __init__(self, pids):
        super().__init__(daemon=True)
        self.pids = pids
        self.first = {pid: rss_mb(pid) for pid in pids}
        self.peak = dict(self.first)
        self.stopping = threading.Event()

    def run(self):
        while not self.stopping.is_set():
            for pid in self.pids:
                self.peak[pid] = max(self.peak[pid], rss_mb(pid))
            time.sleep(0.01)

    def stop(self):
        self.stopping.set()
        self.join()
        return {pid: self.peak[pid] - self.first[pid] for pid in self.pids}


class Browser:
    """One person's browser on one connection: cookies, and the CSRF token of the last form."""

    def __init__(self, port):
        self.port = port
        self.cookies = {}

    def request(self, method, path, body=b"", headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        sent = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), **(headers or {})}
        if method == "POST":
            sent |= {
                "Origin": f"http://127.0.0.1:{self.port}",
                "Referer": f"http://127.0.0.1:{self.port}{path}",
            }
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        data = response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _eq, rest = value.partition("=")
                self.cookies[key] = rest.split(";")[0]
        connection.close()
        return response.status, dict(response.getheaders()), data

    def token(self, path):
        _status, _headers, body = self.request("GET", path)
        return re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()

    def log_in(self, username, password):
        form = urlencode(
            {"csrfmiddlewaretoken": self.token("/login/"), "username": username, "password": password}
        )
        status, headers, _body = self.request(
            "POST", "/login/", form.encode(), {"Content-Type": "application/x-www-form-urlencoded"}
        )
        if status != 302 or "sessionid" not in self.cookies:
            sys.exit(f"could not log in: {status} {headers}")

    def upload(self, path):
        """POST the import page's form with the file; (status, headers, body)."""
        boundary = uuid.uuid4().hex
        fields = {
            "csrfmiddlewaretoken": self.token("/imports/"),
            "kind": "customers",
            "source": "bomb",
            "country": "",
            "encoding": "",
            "date_order": "",
            "calendar": "",
        }
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            for name, value in fields.items()
        ]
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="customers.xlsx"\r\n'
            "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n".encode()
            + path.read_bytes()
            + b"\r\n"
        )
        parts.append(f"--{boundary}--\r\n".encode())
        body = b"".join(parts)
        return self.request(
            "POST", "/imports/", body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        )


def refusal_in(html):
    """The reason shown on a page: the form's error list, or the run's message."""
    found = re.search(rb'<ul class="errorlist[^"]*"[^>]*>\s*<li>(.*?)</li>', html, re.S)
    if found is None:
        found = re.search(rb"(This XLSX file[^<]*)", html)
    return unescape(found.group(1).decode()) if found else None


def upload_once(browser, bomb, pids):
    """(seconds until refused, where, reason, growth per pid)."""
    sampler = MemorySampler(pids)
    sampler.start()
    started = time.perf_counter()
    status, headers, body = browser.upload(bomb)
    where = "at upload"
    if status == 302:
        where = "by the worker"
        run_path = headers["Location"]
        while True:
            _status, answer, _body = browser.request("GET", f"{run_path}progress/?reading=1")
            if "HX-Refresh" in answer or time.perf_counter() - started > 120:
                break
            time.sleep(0.02)
        status, headers, body = browser.request("GET", run_path)
    elapsed = time.perf_counter() - started
    growth = sampler.stop()
    return elapsed, where, refusal_in(body) or f"(no reason found; HTTP {status})", growth


def start(env, command, log_name):
    log = open(Path(env["PATRON_DATA_DIR"]) / log_name, "w")  # noqa: SIM115 (closed by the caller)
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    return process, log


def wait_listening(server, port, log):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"patron serve stopped at start:\n{Path(log.name).read_text()}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            time.sleep(1)  # let every worker boot
            return
        time.sleep(0.2)
    sys.exit("patron serve did not listen within 60 s")


def stop(process):
    if process and process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--gib", type=int, default=1, help="GiB the shared string unpacks to (default 1)")
    parser.add_argument("--runs", type=int, default=3, help="uploads, one after another (default 3)")
    parser.add_argument(
        "--idle",
        type=float,
        default=12,
        help="seconds the server and worker are left idle before each upload (default 12: the job "
        "queue's worker then polls at its slowest, every 10 s)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the data directory and print it")
    return parser.parse_args()


def main():
    args = parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    data_dir = Path(tempfile.mkdtemp(prefix="patron-bomb-"))
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
    server = worker = None
    logs = []
    ok = True
    try:
        run(env, PATRON, "migrate", "-v0")
        password = "bomb-" + os.urandom(12).hex()
        run(env, PYTHON, "-c", SETUP, password)
        started = time.perf_counter()
        bomb = shared_string_bomb(data_dir / "bomb.xlsx", gib=args.gib)
        print(
            f"Bomb: {bomb.stat().st_size / 2**20:.2f} MB, one shared string of {args.gib} GiB "
            f"(built in {time.perf_counter() - started:.1f} s)"
        )
        port = free_port()
        server, log = start(env, [str(PATRON), "serve", "--bind", f"127.0.0.1:{port}"], "serve.log")
        logs.append(log)
        worker, log = start(env, [str(PATRON), "worker"], "worker.log")
        logs.append(log)
        wait_listening(server, port, logs[0])
        browser = Browser(port)
        browser.log_in("bomber", password)
        pids = process_tree(server.pid) + process_tree(worker.pid)
        names = {pid: ("gunicorn" if pid in process_tree(server.pid) else "worker") for pid in pids}
        serving, working = len(process_tree(server.pid)), len(process_tree(worker.pid))
        print(f"patron serve: {serving} processes; patron worker: {working}")
        for number in range(1, args.runs + 1):
            time.sleep(args.idle)
            elapsed, where, reason, growth = upload_once(browser, bomb, pids)
            total = sum(max(g, 0) for g in growth.values())
            each = ", ".join(f"{names[pid]} {pid} {g:+.1f}" for pid, g in growth.items())
            met = elapsed < TARGET_SECONDS and total < TARGET_GROWTH_MB and reason.startswith("This XLSX")
            ok &= met
            print(f"\nUpload {number}: refused {where} in {elapsed:.3f} s; memory growth {total:.1f} MB")
            print(f"  By process (MB): {each}")
            print(f"  Reason: {reason}")
        print(
            f"\nTarget: refused within {TARGET_SECONDS:.0f} s, server processes growing by less than "
            f"{TARGET_GROWTH_MB} MB: " + ("PASS" if ok else "FAIL")
        )
    finally:
        stop(server)
        stop(worker)
        for log in logs:
            log.close()
        if args.keep:
            print(f"Data directory kept: {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
