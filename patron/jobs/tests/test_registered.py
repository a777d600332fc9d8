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
    modules = {
        ".".join(path.relative_to(root.parent).with_suffix("").parts)
        for path in root.rglob("*jobs.py")
        if "tests" not in path.parts
    }
    for module in modules:
        import_module(module)
    # Jobs that tests define are registered too, in this process only: left out.
    defined = {name for name in HUEY._registry._registry if name.rsplit(".", 1)[0] in modules}
    assert "patron.loyalty.tier_jobs.tiers_evaluate_nightly" in defined

    env = dict(os.environ, DJANGO_SETTINGS_MODULE="patron.settings", PATRON_DATA_DIR=str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-c", STARTED], env=env, capture_output=True, text=True, check=True, cwd=root.parent
    )
    known = set(json.loads(done.stdout.strip().splitlines()[-1]))
    assert defined - known == set()
