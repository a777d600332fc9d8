"""A worker knows every job: the modules that define jobs are imported when Django starts (a
job queued by the web process but unknown to the worker would never run, and a periodic job
never be scheduled)."""

import json
import os
import subprocess
import sys
from importlib import import_module
from pathlib import Path

from huey.contrib.djhuey import HUEY

import patron

STARTED = """
import json, django
django.setup()
from huey.contrib.djhuey import HUEY
print(json.dumps(sorted(HUEY._registry._registry)))
"""


def test_every_job_is_known_once_django_has_started(tmp_path):
    root = Path(patron.__file__).parent
    for path in root.rglob("*jobs.py"):
        if "tests" not in path.parts:
            import_module(".".join(path.relative_to(root.parent).with_suffix("").parts))
    defined = {name for name in HUEY._registry._registry if name.startswith("patron.")}
    assert "patron.loyalty.tier_jobs.tiers_evaluate_nightly" in defined

    env = dict(os.environ, DJANGO_SETTINGS_MODULE="patron.settings", PATRON_DATA_DIR=str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-c", STARTED], env=env, capture_output=True, text=True, check=True, cwd=root.parent
    )
    known = set(json.loads(done.stdout.strip().splitlines()[-1]))
    assert defined - known == set()
