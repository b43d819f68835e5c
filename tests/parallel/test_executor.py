"""execute_parallel and friends: the policy is checked before any task runs, results keep input
order, a task's exception is its result, and the private runner warns outside the package.

The calls below that break the policy do so on purpose, hence the APP401/APP402 suppressions.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
import threading
import time
import warnings
from functools import partial
from pathlib import Path

import pytest

from autopack.parallel import (
    Anchor,
    AnchorError,
    ParallelismPolicyError,
    TaskResult,
    execute_parallel,
    execute_parallel_runs,
)
from autopack.parallel.executor import _execute_parallel_internal  # autopack: ignore[APP402]

ANCHOR = Anchor(id="test-batch", owner="test-team", allowed=True, max_workers=4)


def recorder() -> tuple[list[int], list[partial[int]]]:
    """Tasks that leave a side effect (their index in `ran`) and return their index squared."""
    ran: list[int] = []

    def task(index: int) -> int:
        ran.append(index)
        return index * index

    return ran, [partial(task, index) for index in range(6)]


def test_workers_above_one_without_an_anchor_fails_before_any_task_runs():
    ran, tasks = recorder()
    with pytest.raises(ParallelismPolicyError) as caught:
        execute_parallel(tasks, workers=4)  # autopack: ignore[APP401]
    assert ran == []
    message = str(caught.value)
    assert "execute_parallel(workers=4) needs a parallelism anchor, and none was given" in message
    assert "Create .autopack/anchor.yaml" in message and "max_workers: 4" in message
    assert 'anchor=load_anchor(".autopack/anchor.yaml")' in message
    assert "docs/parallelism.md" in message


def test_anchor_none_is_the_same_as_no_anchor():
    ran, tasks = recorder()
    with pytest.raises(ParallelismPolicyError, match="needs a parallelism anchor"):
        execute_parallel(tasks, workers=2, anchor=None)  # autopack: ignore[APP401]
    assert ran == []


def test_one_worker_runs_without_an_anchor():
    ran, tasks = recorder()
    results = execute_parallel(tasks)
    assert ran == [0, 1, 2, 3, 4, 5]
    assert [r.value for r in results] == [0, 1, 4, 9, 16, 25]
    assert execute_parallel(tasks, workers=1)[5] == TaskResult(5, value=25)


def test_workers_above_max_workers_are_refused_before_any_task_runs():
    ran, tasks = recorder()
    with pytest.raises(ParallelismPolicyError) as caught:
        execute_parallel(tasks, workers=5, anchor=ANCHOR)
    assert ran == []
    assert "allows at most 4 workers" in str(caught.value)
    assert "Use workers=4 or fewer" in str(caught.value)


def test_allowed_false_is_refused_before_any_task_runs():
    ran, tasks = recorder()
    forbidding = Anchor(id="no-parallel", owner="ops", allowed=False, max_workers=8)
    with pytest.raises(ParallelismPolicyError, match=r"sets parallelism.allowed: false"):
        execute_parallel(tasks, workers=2, anchor=forbidding)
    assert ran == []
    assert [r.value for r in execute_parallel(tasks, workers=1, anchor=forbidding)] == [0, 1, 4, 9, 16, 25]


def test_an_anchor_file_path_is_loaded_and_names_itself_in_refusals(tmp_path):
    path = tmp_path / "anchor.yaml"
    path.write_text("id: a\nowner: o\nparallelism:\n  allowed: true\n  max_workers: 2\n", encoding="utf-8")
    ran, tasks = recorder()
    assert [r.value for r in execute_parallel(tasks, workers=2, anchor=path)] == [0, 1, 4, 9, 16, 25]
    with pytest.raises(ParallelismPolicyError, match=f"the anchor {path}"):
        execute_parallel(tasks, workers=3, anchor=str(path))
    path.write_text("id: a\nowner: o\nparallelism:\n  allowed: true\n  max_worker: 2\n", encoding="utf-8")
    with pytest.raises(AnchorError, match=rf"{re.escape(str(path))}:5:3: \$\.parallelism\.max_worker: unknown key"):
        execute_parallel(tasks, workers=2, anchor=path)
    assert len(ran) == 6  # only the one run that was allowed


def test_results_come_back_in_input_order_from_real_threads():
    names: set[str] = set()

    def slow_first(index: int) -> int:
        names.add(threading.current_thread().name)
        time.sleep(0.05 * (8 - index))  # later tasks finish first
        return index

    results = execute_parallel([partial(slow_first, i) for i in range(8)], workers=4, anchor=ANCHOR)
    assert [r.index for r in results] == list(range(8))
    assert [r.value for r in results] == list(range(8))
    assert len(names) > 1 and all(name.startswith("autopack-parallel") for name in names)


def test_tasks_really_run_at_the_same_time():
    barrier = threading.Barrier(3, timeout=30)  # breaks (and fails the tasks) unless 3 run at once
    results = execute_parallel([barrier.wait] * 3, workers=3, anchor=ANCHOR)
    assert all(r.ok for r in results), [r.error for r in results]


def test_each_task_exception_is_reported_and_the_others_still_run():
    def task(index: int) -> int:
        if index % 2:
            raise ValueError(f"task {index} broke")
        return index

    for workers in (1, 3):
        results = execute_parallel([partial(task, i) for i in range(6)], workers=workers, anchor=ANCHOR)
        assert [r.ok for r in results] == [True, False] * 3
        assert [str(r.error) for r in results if not r.ok] == ["task 1 broke", "task 3 broke", "task 5 broke"]
        assert results[4].unwrap() == 4
        with pytest.raises(ValueError, match="task 5 broke") as caught:
            results[5].unwrap()
        assert caught.value.__traceback__ is not None


def test_execute_parallel_runs_requires_an_anchor_keyword():
    ran, tasks = recorder()
    with pytest.raises(TypeError, match="anchor"):
        execute_parallel_runs(tasks)  # type: ignore[call-arg]  # autopack: ignore[APP401]
    with pytest.raises(ParallelismPolicyError, match=r"execute_parallel_runs\(anchor=None\) needs a parallelism anchor"):
        execute_parallel_runs(tasks, anchor=None)  # type: ignore[arg-type]  # autopack: ignore[APP401]
    assert ran == []


def test_execute_parallel_runs_defaults_to_the_anchor_ceiling():
    names: set[str] = set()
    barrier = threading.Barrier(4, timeout=30)

    def run() -> None:
        names.add(threading.current_thread().name)
        barrier.wait()

    results = execute_parallel_runs([run] * 4, anchor=ANCHOR)
    assert all(r.ok for r in results) and len(names) == 4
    forbidding = Anchor(id="serial", owner="ops", allowed=False, max_workers=4)
    assert [r.value for r in execute_parallel_runs([lambda: threading.current_thread().name] * 2, anchor=forbidding)] == [
        threading.current_thread().name
    ] * 2
    with pytest.raises(ParallelismPolicyError, match="allows at most 4"):
        execute_parallel_runs([run], anchor=ANCHOR, workers=5)


@pytest.mark.parametrize(("workers", "error"), [(0, ValueError), (-1, ValueError), (True, TypeError), (2.0, TypeError)])
def test_nonsense_worker_counts_are_rejected(workers, error):
    ran, tasks = recorder()
    with pytest.raises(error, match="workers must be an integer >= 1"):
        execute_parallel(tasks, workers=workers, anchor=ANCHOR)
    assert ran == []


def test_a_task_that_is_not_callable_is_rejected_before_anything_runs():
    ran, tasks = recorder()
    with pytest.raises(TypeError, match="task 1 is not callable"):
        execute_parallel([tasks[0], 42, tasks[2]])  # type: ignore[list-item]
    assert ran == []


def test_internal_runner_warns_when_called_from_outside_the_package():
    with pytest.warns(DeprecationWarning, match="_execute_parallel_internal is private") as record:
        results = _execute_parallel_internal([lambda: 1, lambda: 2], workers=2)  # autopack: ignore[APP402]
    assert [r.value for r in results] == [1, 2]
    assert record[0].filename == __file__  # the warning points at the caller


def test_public_api_does_not_warn_though_it_uses_the_internal_runner():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert [r.value for r in execute_parallel([lambda: 1, lambda: 2], workers=2, anchor=ANCHOR)] == [1, 2]


CTRL_C_SCRIPT = textwrap.dedent(
    """
    import os, signal, sys, time
    from functools import partial
    from pathlib import Path
    from autopack.parallel import Anchor, execute_parallel

    marks = Path(sys.argv[1])
    # A process started in the background inherits SIGINT ignored, and Python then keeps it
    # ignored: install the handler an interactive Ctrl-C would meet.
    signal.signal(signal.SIGINT, signal.default_int_handler)

    def task(index):
        (marks / f"started-{index}").touch()
        if index == 0:
            os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C while task 0 runs
        time.sleep(0.5)

    anchor = Anchor(id="ctrl-c", owner="test", allowed=True, max_workers=2)
    try:
        execute_parallel([partial(task, i) for i in range(20)], workers=2, anchor=anchor)
    except KeyboardInterrupt:
        print("interrupted")
        sys.exit(130)
    print("finished")
    """
)


def test_ctrl_c_cancels_pending_tasks(tmp_path: Path):
    script = tmp_path / "ctrl_c.py"
    script.write_text(CTRL_C_SCRIPT, encoding="utf-8")
    marks = tmp_path / "marks"
    marks.mkdir()
    result = subprocess.run(
        [sys.executable, str(script), str(marks)], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 130, result.stderr
    assert result.stdout.strip() == "interrupted"
    started = sorted(int(p.name.split("-")[1]) for p in marks.iterdir())
    assert started[0] == 0
    assert len(started) <= 4, f"pending tasks started after Ctrl-C: {started}"
