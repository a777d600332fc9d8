"""The data directory is its owner's only, and `patron serve` keeps its control socket, its
workers' heartbeat files and upload spools inside it. Real `patron` processes, real files."""

import os
import stat
import subprocess
import time
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import TemporaryUploadedFile

from patron.web.tests.test_cli import PATRON, environment, free_port, get, run


def mode(path):
    return stat.S_IMODE(path.lstat().st_mode)


def test_a_new_data_directory_and_its_files_are_private(tmp_path):
    data = tmp_path / "data"
    # With a real queue, as `patron worker` has: its SQLite file is in the data directory.
    queued = environment(data) | {"PATRON_QUEUE_IMMEDIATE": "0"}
    subprocess.run([*PATRON, "migrate", "-v", "0"], env=queued, check=True, capture_output=True, timeout=120)
    assert mode(data) == 0o700
    files = [path for path in data.iterdir() if path.is_file()]
    assert {"patron.sqlite3", "secret_key", "queue.sqlite3"} <= {path.name for path in files}
    assert {path.name: mode(path) for path in files} == {path.name: 0o600 for path in files}
    assert mode(data / "uploads") == 0o700


def test_an_older_data_directory_is_made_private_at_start(tmp_path):
    data = tmp_path / "data"
    assert run(["migrate", "-v", "0"], data).returncode == 0
    data.chmod(0o755)
    (data / "patron.sqlite3").chmod(0o644)
    (data / "secret_key").chmod(0o640)
    assert run(["check"], data).returncode == 0
    assert (mode(data), mode(data / "patron.sqlite3"), mode(data / "secret_key")) == (0o700, 0o600, 0o600)


def test_an_upload_too_large_for_memory_is_spooled_inside_the_data_directory():
    spool = TemporaryUploadedFile("orders.csv", "text/csv", 10, "utf-8")
    try:
        path = Path(spool.temporary_file_path())
        assert path.parent == Path(settings.DATA_DIR) / "uploads"
        assert mode(path) == 0o600
    finally:
        spool.close()


def worker_pids(pid):
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(child) for child in children]


def open_files(pid):
    paths = []
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            paths.append(os.readlink(fd))
        except OSError:
            continue  # closed meanwhile
    return paths


def test_serve_keeps_its_control_socket_and_worker_files_in_the_data_directory(tmp_path):
    data, home, runtime = tmp_path / "data", tmp_path / "home", tmp_path / "runtime"
    home.mkdir()
    runtime.mkdir()
    assert run(["migrate", "-v", "0"], data).returncode == 0
    port = free_port()
    server = subprocess.Popen(
        [*PATRON, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        # Where gunicorn would put its control socket by default.
        env=environment(data, HOME=str(home), XDG_RUNTIME_DIR=str(runtime)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                assert get(f"http://127.0.0.1:{port}/login/")[0] == 200
                break
            except OSError:
                assert server.poll() is None, server.stderr.read()
                assert time.monotonic() < deadline, "the server did not answer in 60 s"
                time.sleep(0.2)
        control = data / "run" / "gunicorn.ctl"
        deadline = time.monotonic() + 10
        while not control.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert stat.S_ISSOCK(control.lstat().st_mode) and mode(control) == 0o600
        assert mode(data / "run") == 0o700
        assert list(runtime.iterdir()) == [] and list(home.iterdir()) == []
        (worker,) = worker_pids(server.pid)
        heartbeat = [path for path in open_files(worker) if "gunicorn" in path]
        assert heartbeat and all(path.startswith(str(data / "run") + "/") for path in heartbeat)
    finally:
        server.terminate()
        server.wait(timeout=30)
