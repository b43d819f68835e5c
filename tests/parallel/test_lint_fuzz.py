"""The lint never crashes, whatever Python (or near-Python) it is handed."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from autopack.files import SourceFile
from autopack.parallel.lint import SETTINGS, Lint

LINT = Lint({key: setting.default for key, setting in SETTINGS.items()} | {"raw-pool-paths": ["**"]})

CALLEES = ["execute_parallel", "par.execute_parallel", "execute_parallel_runs", "_execute_parallel_internal",
           "ex._execute_parallel_internal", "ThreadPoolExecutor", "mp.Pool", "partial(execute_parallel)", "run"]
ARGUMENTS = ["tasks", "workers=1", "workers=4", "workers=n", "anchor=None", "anchor=a", "**kw", "*args",
             "max_workers=2", "processes=1", "workers=True", "workers=-1", "workers=1.0", "workers=(1)"]
STATEMENTS = [
    "import multiprocessing as mp", "from functools import partial", "import autopack.parallel as par",
    "from autopack.parallel.executor import _execute_parallel_internal as run", "run = par.execute_parallel",
    "from concurrent.futures import ThreadPoolExecutor", "def _execute_parallel_internal(): pass",
    "ctx = mp.get_context('spawn')", "x: int = 1", "if (", "lambda: execute_parallel(",
]

calls = st.builds(
    lambda callee, args: f"{callee}({', '.join(args)})",
    st.sampled_from(CALLEES),
    st.lists(st.sampled_from(ARGUMENTS), max_size=4),
)
programs = st.lists(st.one_of(calls, st.sampled_from(STATEMENTS), st.text(max_size=20)), max_size=12).map("\n".join)


@given(programs)
def test_scan_never_raises_and_findings_point_into_the_file(text):
    source = SourceFile("src/job.py", text)
    for finding in LINT.scan(source):
        assert finding.rule_id in {"APP400", "APP401", "APP402", "APP403"}
        assert finding.line is None or 1 <= finding.line <= max(len(source.lines), 1)
