"""patron.analytics is a library on its own: no module imports Django, and a whole analysis runs
in a process where importing Django fails."""

import ast
import subprocess
import sys
from pathlib import Path

LIBRARY = Path(__file__).parents[1]


def test_no_module_of_the_library_imports_django():
    for path in LIBRARY.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else ([node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            )
            assert not any(n.split(".")[0] == "django" for n in names), path


def test_a_whole_analysis_runs_where_django_cannot_be_imported():
    script = """
import sys
sys.modules["django"] = None
from patron import analytics as a
from patron.analytics.tests.cdnow import CDNOW, COLUMNS, cdnow_summary
s = cdnow_summary()
bg, pn, gg = a.BetaGeo().fit(s), a.ParetoNBD().fit(s), a.GammaGamma().fit(s)
scores = a.score(s, bg, gg, period="week")
a.calibration_holdout(pn, s)
a.tracking_curve(bg, CDNOW, **COLUMNS, calibration_end="1997-09-30")
print(scores.height, round(bg.params_["r"], 3), "django" in sys.modules and sys.modules["django"] is not None)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["2357", "0.243", "False"]
