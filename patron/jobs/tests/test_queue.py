import os
import subprocess
import sys
import time

import pytest

from patron.jobs.models import FailedJob
from patron.jobs.queue import job

attempts = []


@job(retries=2, retry_delay=0)
def always_fails(label):
    attempts.append(label)
    raise RuntimeError(f"gateway down for {label}")


@job(retries=2, retry_delay=0)
def fails_once(label):
    attempts.append(label)
    if len(attempts) == 1:
        raise RuntimeError("first try fails")
    return f"done {label}"


@pytest.fixture(autouse=True)
def reset_attempts():
    attempts.clear()


@pytest.mark.django_db
def test_failing_job_is_retried_then_kept_with_its_error():
    always_fails("batch-7")
    assert attempts == ["batch-7"] * 3
    failed = FailedJob.objects.get()
    assert failed.name.endswith("always_fails")
    assert "gateway down for batch-7" in failed.error
    assert "RuntimeError" in failed.traceback
    assert "batch-7" in failed.arguments


@pytest.mark.django_db
def test_job_that_succeeds_on_retry_is_not_kept_as_failed():
    result = fails_once("x")
    assert result.get() == "done x"
    assert attempts == ["x", "x"]
    assert not FailedJob.objects.exists()


def test_worker_process_runs_queued_jobs_and_keeps_failures(tmp_path):
    """A real `patron worker` on the SQLite queue: no server, nothing mocked."""
    env = {
        **os.environ,
        "PATRON_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite3'}",
        "PATRON_QUEUE_IMMEDIATE": "0",
        "PATRON_JOB_RETRY_DELAY": "0",
        "PATRON_JOB_RETRIES": "1",
        "DJANGO_SETTINGS_MODULE": "patron.settings",
    }
    env.pop("PYTEST_CURRENT_TEST", None)
    patron = [sys.executable, "-m", "patron.cli"]
    subprocess.run([*patron, "migrate", "-v", "0"], env=env, check=True, timeout=120)
    enqueue = (
        "from patron.customers.jobs import rebuild_search_text\n"
        "from patron.customers.models import Customer\n"
        "Customer.objects.create(display_name='Nguyễn Thị Hoa')\n"
        "rebuild_search_text()\n"
        "rebuild_search_text(batch_size=0)\n"
    )
    subprocess.run([*patron, "shell", "-c", enqueue], env=env, check=True, timeout=60)
    worker = subprocess.Popen([*patron, "worker", "--workers", "1"], env=env, stderr=subprocess.DEVNULL)
    check = (
        "import json\n"
        "from patron.customers.models import Customer\n"
        "from patron.jobs.models import FailedJob\n"
        "errors = list(FailedJob.objects.values_list('error', flat=True))\n"
        "print(json.dumps([Customer.objects.get().search_text, errors]))"
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            out = subprocess.run(
                [*patron, "shell", "-c", check], env=env, capture_output=True, text=True, timeout=60
            )
            if "nguyen thi hoa" in out.stdout and "ValueError" in out.stdout:
                break
            time.sleep(0.5)
        assert "nguyen thi hoa" in out.stdout
        assert "ValueError" in out.stdout  # batch_size=0 is refused, retried once, then kept
    finally:
        worker.terminate()
        worker.wait(timeout=30)
